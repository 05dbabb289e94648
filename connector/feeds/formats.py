"""The table of feed formats: one entry per format, served by the same page path.

Each format says how one offer renders (a pure function of the seller item and
the seller's presentation), what opens and closes a page, its media type, and
whether offers that left the sale are entries of the body (CSV rows archived,
Merchant items out of stock, Kaspi ``available="no"``) or listed beside it
(the JSON feed's ``withdrawn``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import orjson

from connector.feeds import kaspi, marketplaces, render
from connector.feeds.presentation import Presentation


@dataclass(frozen=True)
class PageFrame:
    """What a page's head and tail print: the query, the position, the seller's look."""

    market: str
    locale: str
    ready_only: bool
    link: str
    date: str
    presentation: Presentation
    withdrawn: list = field(default_factory=list)
    next_cursor: str | None = None
    sync_token: str | None = None
    count: int = 0


@dataclass(frozen=True)
class FeedFormat:
    name: str
    media_type: str
    render: Callable[[dict, Presentation], bytes]
    head: Callable[[PageFrame], bytes]
    tail: Callable[[PageFrame], bytes]
    separator: bytes = b""
    # True: offers off sale are body entries; False: listed in the page's ``withdrawn``.
    lists_withdrawn: bool = True
    # The channel wants the whole catalogue in one file (it replaces what it had).
    whole_catalogue: bool = False
    description: str = ""
    # Request bodies of a JSON export: (key in the page, opening, closing), one per
    # RS-separated segment of a rendering; its last segment holds the refusals.
    requests: tuple[tuple[str, bytes, bytes], ...] = ()
    # Whose category mapping the renderer reads (ops' table), if any.
    category_channel: str | None = None

    def assemble(self, bodies: list[bytes], frame: PageFrame) -> bytes:
        if not self.requests:
            return self.head(frame) + self.separator.join(bodies) + self.tail(frame)
        return _export_page(self, bodies, frame)


def _json_head(frame: PageFrame) -> bytes:
    return (
        orjson.dumps(
            {"market": frame.market, "lang": frame.locale, "ready_only": frame.ready_only}
        )[:-1]
        + b',"items":['
    )


def _json_tail(frame: PageFrame) -> bytes:
    return (
        b"],"
        + orjson.dumps(
            {
                "withdrawn": frame.withdrawn,
                "next_cursor": frame.next_cursor,
                "sync_token": frame.sync_token,
                "count": frame.count,
            }
        )[1:]
    )


def _csv_head(frame: PageFrame) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(render.SHOPIFY_COLUMNS)
    return buffer.getvalue().encode()


def _xml_head(frame: PageFrame) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>'
        f"<title>Offers for {escape(frame.market)}</title><link>{escape(frame.link)}</link>"
        f"<description>Cross-border connector offer feed, market {escape(frame.market)}"
        "</description>"
    ).encode()


def _export_page(fmt: FeedFormat, bodies: list[bytes], frame: PageFrame) -> bytes:
    """``{"request": <body to post>, ..., "refused": [...], "next_cursor": ...}``."""
    parts: list[list[bytes]] = [[] for _ in range(len(fmt.requests) + 1)]
    for body in bodies:
        for index, segment in enumerate(body.split(marketplaces.RS)):
            if segment:
                parts[index].append(segment)
    out = [orjson.dumps({"market": frame.market, "lang": frame.locale})[:-1]]
    for (key, opening, closing), items in zip(fmt.requests, parts, strict=False):
        out.append(b',"' + key.encode() + b'":' + opening + b",".join(items) + closing)
    out.append(b',"refused":[' + b",".join(parts[-1]) + b"]")
    tail = {"next_cursor": frame.next_cursor, "sync_token": frame.sync_token}
    out.append(b"," + orjson.dumps(tail)[1:])
    return b"".join(out)


def _kaspi_head(frame: PageFrame) -> bytes:
    return kaspi.kaspi_head(frame.date, frame.presentation)


FORMATS: dict[str, FeedFormat] = {
    fmt.name: fmt
    for fmt in (
        FeedFormat(
            "json",
            "application/json",
            render.render_json,
            _json_head,
            _json_tail,
            separator=b",",
            lists_withdrawn=False,
            description="Our JSON feed",
        ),
        FeedFormat(
            "csv",
            "text/csv; charset=utf-8",
            render.render_csv,
            _csv_head,
            lambda frame: b"",
            description="Shopify product CSV",
        ),
        FeedFormat(
            "xml",
            "application/rss+xml; charset=utf-8",
            render.render_xml,
            _xml_head,
            lambda frame: b"</channel></rss>\n",
            description="Google Merchant Center RSS 2.0",
        ),
        FeedFormat(
            "kaspi",
            "application/xml; charset=utf-8",
            kaspi.render_kaspi,
            _kaspi_head,
            lambda frame: kaspi.KASPI_TAIL,
            whole_catalogue=True,
            description="Kaspi.kz merchant price list (kaspi_catalog)",
        ),
        FeedFormat(
            "ozon",
            "application/json",
            marketplaces.render_ozon_import,
            _json_head,
            _json_tail,
            requests=(("request", b'{"items":[', b"]}"),),
            category_channel="ozon",
            description="Ozon Seller API product import (/v3/product/import)",
        ),
        FeedFormat(
            "ozon_prices",
            "application/json",
            marketplaces.render_ozon_prices,
            _json_head,
            _json_tail,
            requests=(
                ("prices_request", b'{"prices":[', b"]}"),
                ("stocks_request", b'{"stocks":[', b"]}"),
            ),
            description="Ozon price and stock updates (/v1/product/import/prices, "
            "/v2/products/stocks)",
        ),
        FeedFormat(
            "wildberries",
            "application/json",
            marketplaces.render_wildberries,
            _json_head,
            _json_tail,
            requests=(("request", b"[", b"]"),),
            category_channel="wildberries",
            description="Wildberries cards upload (/content/v2/cards/upload)",
        ),
    )
}


def format_named(name: str) -> FeedFormat:
    return FORMATS[name]

"""A market's whole catalogue in one streamed download: NDJSON, one feed item a line.

A seller's first sync of a million offers is one request, not ten thousand
pages. The stream walks the market's change log by keyset chunks, so memory
stays the same whatever the catalogue's size, and it is pinned to the change
number it started at: its last line carries the ``sync_token`` that the
incremental feed continues from, so an export and the feed together miss nothing.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import orjson

from connector.feeds import service

CHUNK = 1000  # offers read and written at a time


def ndjson(market: str, locale: str, compress: bool) -> Iterator[bytes]:
    """The export's bytes, gzip-compressed when ``compress``, a chunk at a time."""
    lines = _lines(market, locale)
    if not compress:
        yield from lines
        return
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing
    for chunk in lines:
        packed = packer.compress(chunk)
        if packed:
            yield packed
    yield packer.flush()


def _lines(market: str, locale: str) -> Iterator[bytes]:
    upper = service.change_number(market)
    query = service.FeedQuery(
        market=market, locale=locale, fmt="json", limit=CHUNK, ready_only=True, upper=upper
    )
    count = 0
    while True:
        page = service.load_page(query)
        if page.bodies:
            count += len(page.bodies)
            yield b"\n".join(page.bodies) + b"\n"
        if page.last_seq is None or page.next_cursor is None:
            break
        query.after = page.last_seq
    token = service.encode_sync_token(market, upper)
    yield orjson.dumps({"sync_token": token, "count": count}) + b"\n"

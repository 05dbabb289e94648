"""Feed pages: keyset pages over a market's change log, assembled from cached renderings.

A sync is pinned to the change number it started at (``upper``): its pages
never show a change twice, and the next incremental sync starts exactly
there, so nothing falls between two syncs either.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, text

from connector.extensions import db
from connector.feeds import render
from connector.feeds.formats import FORMATS, PageFrame
from connector.feeds.presentation import DEFAULT, Presentation, apply, brand_for
from connector.markets.registry import markets
from connector.models import FeedCounter, Offer, OfferFeedItem
from connector.models.offer import OfferStatus
from connector.models.types import utcnow
from connector.models.upsert import conflict_insert
from connector.urls import public_base


class BadCursor(ValueError):
    """A cursor or sync token that we did not issue, or for another query."""


@dataclass
class FeedQuery:
    market: str
    locale: str
    fmt: str
    limit: int
    ready_only: bool
    since: int | None = None  # incremental sync: changes after this number
    after: int = 0  # position inside the sync
    upper: int | None = None  # the sync's pinned end
    # The seller's look for this market and format (brand, links, its margin).
    presentation: Presentation = DEFAULT
    # A whole catalogue also lists what was withdrawn (a channel that replaces its
    # list with ours takes those off sale, e.g. Kaspi's available="no").
    with_withdrawn: bool = False


@dataclass
class FeedPage:
    query: FeedQuery
    bodies: list[bytes] = field(default_factory=list)
    withdrawn: list[dict] = field(default_factory=list)
    next_cursor: str | None = None
    sync_token: str | None = None
    count: int = 0
    last_seq: int | None = None  # where the next page starts
    # What the page's bytes are made of: hashing this is the same as hashing the bytes.
    fingerprint: list = field(default_factory=list)
    fingerprint_last_seq: int = 0  # the change number of the page's last offer


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="feed-cursor")


def encode_cursor(query: FeedQuery, after: int) -> str:
    return _serializer().dumps(
        {
            "m": query.market,
            "l": query.locale,
            "r": query.ready_only,
            "s": query.since,
            "a": after,
            "u": query.upper,
        }
    )


def decode_cursor(token: str, query: FeedQuery) -> None:
    """Restore the sync position from a cursor made for the same market, language and filter."""
    try:
        state = _serializer().loads(token)
    except BadSignature as exc:
        raise BadCursor("not a cursor we issued") from exc
    if (state.get("m"), state.get("l"), state.get("r")) != (
        query.market,
        query.locale,
        query.ready_only,
    ):
        raise BadCursor("this cursor belongs to another market, language or filter")
    query.since, query.after, query.upper = state["s"], int(state["a"]), int(state["u"])


def encode_sync_token(market: str, upper: int) -> str:
    return _serializer().dumps({"sync": market, "u": upper})


def decode_sync_token(token: str, market: str) -> int:
    try:
        state = _serializer().loads(token)
    except BadSignature as exc:
        raise BadCursor("not a sync token we issued") from exc
    if state.get("sync") != market:
        raise BadCursor("this sync token belongs to another market")
    return int(state["u"])


def since_from_time(market: str, moment) -> int:
    """The change number just before ``moment``: changes at or after it follow."""
    value = db.session.execute(
        select(func.max(Offer.feed_seq)).where(
            Offer.market_code == market, Offer.updated_at < moment
        )
    ).scalar()
    return int(value or 0)


def change_number(market: str) -> int:
    """The market's newest change number: a sync pinned here sees every change up to now
    (numbers are handed out under a lock, so none below it can still commit)."""
    value = db.session.execute(
        text("SELECT max(feed_seq) FROM offer WHERE market_code = :market"), {"market": market}
    ).scalar()
    return int(value or 0)


def current_upper() -> int:
    return int(
        db.session.execute(select(FeedCounter.value).where(FeedCounter.name == "offers")).scalar()
        or 0
    )


def load_page(query: FeedQuery) -> FeedPage:
    if query.upper is None:
        query.upper = current_upper()
    start = query.after
    if query.since is not None:
        start = max(start, query.since)
    rows = _page_rows(query, start)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    page = FeedPage(query)
    page.fingerprint = [(r.id, r.version, r.status) for r in rows]
    listed = [r for r in rows if _listed(r.status, query.ready_only)]
    page.withdrawn = [
        {"id": r.id, "version": r.version, "status": r.status}
        for r in rows
        if not _listed(r.status, query.ready_only)
    ]
    # Formats without a list beside the items carry what left the sale as entries.
    shown = rows if FORMATS[query.fmt].lists_withdrawn else listed
    missing = [r.id for r in shown if r.body is None]
    rendered = (
        render_missing(missing, query.locale, query.fmt, query.presentation) if missing else {}
    )
    page.bodies = [(r.body.encode() if r.body is not None else rendered[r.id]) for r in shown]
    page.count = len(listed)
    if rows:
        page.fingerprint_last_seq = rows[-1].feed_seq
    page.last_seq = rows[-1].feed_seq if rows else None
    if more:
        page.next_cursor = encode_cursor(query, rows[-1].feed_seq)
    else:
        page.sync_token = encode_sync_token(query.market, query.upper)
    return page


# A polled catalogue is served whole, up to this many offers (pages of the query's limit).
CATALOGUE_LIMIT = 20_000


def load_catalogue(query: FeedQuery) -> FeedPage:
    """Every offer of the market in one page: the pages of one pinned sync, joined."""
    query.with_withdrawn = True
    whole = None
    while True:
        page = load_page(query)
        if whole is None:
            whole = page
        else:
            whole.bodies += page.bodies
            whole.withdrawn += page.withdrawn
            whole.fingerprint += page.fingerprint
            whole.count += page.count
        if page.next_cursor is None or len(whole.bodies) >= CATALOGUE_LIMIT:
            whole.next_cursor, whole.sync_token = None, page.sync_token
            return whole
        query.after = page.fingerprint_last_seq


@dataclass(frozen=True)
class _Row:
    id: int
    feed_seq: int
    version: int
    status: str
    body: str | None


# The hot query of the feed, in plain SQL on the DB-API cursor: the ORM's statement
# building and row objects cost more than the query itself on a 100-offer page.
PAGE_SQL = """
SELECT o.id, o.feed_seq, o.version, o.status, f.body
FROM offer AS o
LEFT OUTER JOIN offer_feed_item AS f
  ON f.offer_id = o.id AND f.locale = :locale AND f.format = :fmt
  AND f.presentation = :presentation AND f.version = o.version
WHERE o.market_code = :market AND o.feed_seq > :start AND o.feed_seq <= :upper {status}
ORDER BY o.feed_seq
LIMIT :limit
"""
STATUS_FILTERS = {
    # A full sync lists what is on sale; an incremental one also what left.
    "ready": "AND o.status = 'ready'",
    "listed": "AND o.status != 'withdrawn'",
    "all": "",
}


def _page_rows(query: FeedQuery, start: int) -> list[_Row]:
    if query.since is not None or query.with_withdrawn:
        status = "all"
    else:
        status = "ready" if query.ready_only else "listed"
    result = db.session.execute(
        text(PAGE_SQL.format(status=STATUS_FILTERS[status])),
        {
            "locale": query.locale,
            "fmt": query.fmt,
            "presentation": query.presentation.key,
            "market": query.market,
            "start": start,
            "upper": query.upper,
            "limit": query.limit + 1,
        },
    )
    return [_Row(*row) for row in result]


def _listed(status: str, ready_only: bool) -> bool:
    return status == OfferStatus.READY or (not ready_only and status == OfferStatus.HELD)


def render_missing(
    offer_ids: list[int], locale: str, fmt: str, presentation: Presentation = DEFAULT
) -> dict[int, bytes]:
    """Render offers not yet cached for this version and look, and keep the result."""
    public_url = public_base()
    offers = db.session.execute(
        select(Offer.id, Offer.version, Offer.feed_seq, Offer.document).where(
            Offer.id.in_(offer_ids)
        )
    ).all()
    renderer = FORMATS[fmt].render
    out: dict[int, bytes] = {}
    rows = []
    for offer in offers:
        item = presented_item(offer, locale, presentation, public_url)
        body = renderer(item, presentation)
        out[offer.id] = body
        rows.append(
            {
                "offer_id": offer.id,
                "locale": locale,
                "format": fmt,
                "presentation": presentation.key,
                "version": offer.version,
                "body": body.decode(),
            }
        )
    _upsert(rows)
    return out


def presented_item(offer, locale: str, presentation: Presentation, public_url: str) -> dict:
    """The seller item of one offer with the seller's brand, margin and rounding."""
    document = offer.document
    item = render.seller_item(offer.id, offer.version, offer.feed_seq, document, locale, public_url)
    item["brand"] = brand_for(presentation, document.get("supplier"))
    market = markets().get(document["market"])
    step = market.rounding_step if market is not None else presentation.rounding_step
    return apply(item, presentation, step or 1)


def _upsert(rows: list[dict]) -> None:
    if not rows:
        return
    statement = conflict_insert(OfferFeedItem).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["offer_id", "locale", "format", "presentation"],
        set_={"version": statement.excluded.version, "body": statement.excluded.body},
    )
    db.session.execute(statement)
    db.session.commit()


def frame_of(page: FeedPage) -> PageFrame:
    query = page.query
    return PageFrame(
        market=query.market,
        locale=query.locale,
        ready_only=query.ready_only,
        link=public_base(),
        date=utcnow().strftime("%Y-%m-%d %H:%M"),
        presentation=query.presentation,
        withdrawn=page.withdrawn,
        next_cursor=page.next_cursor,
        sync_token=page.sync_token,
        count=page.count,
    )


def assemble(page: FeedPage, frame: PageFrame | None = None) -> bytes:
    """The page's bytes in its format; the items are stored renderings, joined."""
    return FORMATS[page.query.fmt].assemble(page.bodies, frame or frame_of(page))


def etag_of(page: FeedPage) -> str:
    """A strong ETag from what the bytes are made of (rendered per offer version), which is
    cheaper than hashing a 150 KB page and changes exactly when the bytes do."""
    query = page.query
    key = repr(
        (
            query.market,
            query.locale,
            query.fmt,
            query.ready_only,
            query.presentation.key,
            page.fingerprint,
            page.next_cursor,
            page.sync_token,
            RENDER_VERSION,
        )
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# Bump when the renderers change, so cached pages and ETags of old renderings expire.
RENDER_VERSION = 3

"""Keeping offers in step with listings, markets and rates."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, case, func, insert, select
from sqlalchemy.orm import selectinload

from connector.enqueue import enqueue
from connector.extensions import db
from connector.fx.resolve import MarketFx, RateBook, market_fx, markets_using, required_currencies
from connector.markets.model import Market
from connector.markets.registry import markets
from connector.models import Listing, ListingStatus, Offer
from connector.models.offer import OfferStatus
from connector.models.types import utcnow
from connector.offers.builder import BuiltOffer, build_offer, serialize, unit_costs
from connector.offers.listing_data import load_listings
from connector.offers.localize import translate_listing
from connector.offers.sequence import take_numbers

log = logging.getLogger(__name__)
CHUNK = 500
_UPDATED = (
    "status",
    "hold_reasons",
    "version",
    "content_hash",
    "listing_revision",
    "document",
    "priced_at",
    "updated_at",
    "feed_seq",
)
OFFER_UPDATE = (
    Offer.__table__.update()
    .where(Offer.__table__.c.id == bindparam("offer_id"))
    .values({name: bindparam(name) for name in _UPDATED})
)


def fx_for(market: Market, now: datetime, book: RateBook | None = None) -> MarketFx:
    return market_fx(market, now, current_app.config["FX_ALLOW_SNAPSHOT"], book)


@dataclass
class RepriceResult:
    offers: int = 0
    changed: int = 0
    created: int = 0


def _with_children(query):
    return query.options(
        selectinload(Listing.price_tiers),
        selectinload(Listing.variants),
        selectinload(Listing.customizations),
        selectinload(Listing.images),
    )


def _withdrawn_document(offer: Offer, listing: Listing) -> tuple[str, str]:
    document = {
        **offer.document,
        "listing_revision": listing.revision,
        "status": OfferStatus.WITHDRAWN.value,
        "hold_reasons": [{"code": "listing_withdrawn", "params": {}}],
    }
    return serialize(document)


def refresh_listing_offers(listing_id: int, now: datetime | None = None) -> RepriceResult:
    """Build (or withdraw) the listing's offer in every enabled market."""
    now = now or utcnow()
    listing = db.session.execute(
        _with_children(select(Listing)).where(Listing.id == listing_id)
    ).scalar_one_or_none()
    result = RepriceResult()
    if listing is None:
        return result
    existing = {
        offer.market_code: offer
        for offer in db.session.execute(
            select(Offer).where(Offer.listing_id == listing_id)
        ).scalars()
    }
    if listing.status == ListingStatus.SUBMITTED:
        translate_listing(listing)
    touched: list[Offer] = []
    if listing.status != ListingStatus.SUBMITTED:
        for offer in existing.values():
            if offer.status != OfferStatus.WITHDRAWN:
                offer.document, offer.content_hash = _withdrawn_document(offer, listing)
                offer.status = OfferStatus.WITHDRAWN.value
                offer.hold_reasons = [{"code": "listing_withdrawn", "params": {}}]
                offer.version += 1
                offer.updated_at = now
                touched.append(offer)
                result.changed += 1
        _number(touched)
        db.session.commit()
        return result
    for market in markets().values():
        built = build_offer(listing, market, fx_for(market, now), now.date(), now)
        result.offers += 1
        offer = existing.get(market.code)
        if offer is None:
            offer = _new_offer(listing, market, built, now)
            db.session.add(offer)
            touched.append(offer)
            result.created += 1
        elif offer.content_hash != built.content_hash:
            _apply(offer, listing, built, now)
            touched.append(offer)
            result.changed += 1
        else:
            offer.priced_at = now
    _number(touched)
    db.session.commit()
    return result


def _number(offers: list[Offer]) -> None:
    """Give changed offers their place in the change log, last thing before commit."""
    first = take_numbers(len(offers))
    for offset, offer in enumerate(offers):
        offer.feed_seq = first + offset


def _new_offer(listing: Listing, market: Market, built: BuiltOffer, now: datetime) -> Offer:
    return Offer(
        listing_id=listing.id,
        market_code=market.code,
        status=built.status,
        hold_reasons=built.reasons,
        version=1,
        content_hash=built.content_hash,
        listing_revision=listing.revision,
        document=built.document_json,
        priced_at=now,
        created_at=now,
        updated_at=now,
    )


def _apply(offer: Offer, listing: Listing, built: BuiltOffer, now: datetime) -> None:
    offer.status = built.status
    offer.hold_reasons = built.reasons
    offer.document = built.document_json
    offer.content_hash = built.content_hash
    offer.listing_revision = listing.revision
    offer.version += 1
    offer.priced_at = now
    offer.updated_at = now


def _submitted_ids(after_id: int, limit: int) -> list[int]:
    return list(
        db.session.execute(
            select(Listing.id)
            .where(Listing.status == ListingStatus.SUBMITTED, Listing.id > after_id)
            .order_by(Listing.id)
            .limit(limit)
        ).scalars()
    )


def reprice_market(code: str, now: datetime | None = None, progress=None) -> RepriceResult:
    return reprice([code], now, progress)


def reprice(codes: Iterable[str], now: datetime | None = None, progress=None) -> RepriceResult:
    """Reprice every submitted listing in these markets, writing only offers that changed.

    Listings are read once per chunk for all the markets, and the writes of a
    chunk go out as one executemany, so the cost is the pricing, not the I/O.
    """
    now = now or utcnow()
    codes = list(codes)
    chosen = [markets()[code] for code in codes]
    needed = set()
    for market in chosen:
        needed |= required_currencies(market) | {market.currency}
    book = RateBook(needed)
    fx = {market.code: fx_for(market, now, book) for market in chosen}
    result = RepriceResult()
    after = 0
    while True:
        ids = _submitted_ids(after, CHUNK)
        if not ids:
            break
        after = ids[-1]
        listings = load_listings(ids)
        current = {
            (row.listing_id, row.market_code): row
            for row in db.session.execute(
                select(
                    Offer.id, Offer.listing_id, Offer.market_code, Offer.content_hash, Offer.version
                ).where(Offer.market_code.in_([m.code for m in chosen]), Offer.listing_id.in_(ids))
            )
        }
        updates, inserts = [], []
        for listing in listings:
            costs = unit_costs(listing)
            for market in chosen:
                built = build_offer(listing, market, fx[market.code], now.date(), now, costs)
                result.offers += 1
                row = current.get((listing.id, market.code))
                if row is None:
                    inserts.append(_row(listing, market, built, now, version=1))
                elif row.content_hash != built.content_hash:
                    updates.append(
                        {"offer_id": row.id, **_row(listing, market, built, now, row.version + 1)}
                    )
        # One executemany per chunk, straight to the table: the rows are complete
        # and the ORM's bulk bookkeeping would cost more than the SQL itself.
        first = take_numbers(len(updates) + len(inserts))
        for offset, row in enumerate(updates + inserts):
            row["feed_seq"] = first + offset
        if updates:
            db.session.execute(OFFER_UPDATE, updates)
        if inserts:
            db.session.execute(insert(Offer.__table__), inserts)
        db.session.commit()
        db.session.expunge_all()
        result.changed += len(updates)
        result.created += len(inserts)
        if progress is not None:
            progress(result)
    log.info(
        "repriced %s: %s offers, %s changed, %s new",
        ",".join(codes),
        result.offers,
        result.changed,
        result.created,
    )
    return result


def _row(listing: Listing, market: Market, built: BuiltOffer, now: datetime, version: int) -> dict:
    return {
        "listing_id": listing.id,
        "market_code": market.code,
        "status": built.status,
        "hold_reasons": built.reasons,
        "version": version,
        "content_hash": built.content_hash,
        "listing_revision": listing.revision,
        "document": built.document_json,
        "priced_at": now,
        "updated_at": now,
        **({"created_at": now} if version == 1 else {}),
    }


def markets_affected(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """Markets whose prices may use a rate between any of these currency pairs.

    A pair matters to a market when it quotes the market's currency, or when it
    could be a leg of a cross (through any currency) between the currencies the
    market needs and its own.
    """
    return markets_using(markets().values(), pairs)


def offers_of(listing_id: int) -> list[Offer]:
    return list(
        db.session.execute(
            select(Offer).where(Offer.listing_id == listing_id).order_by(Offer.market_code)
        ).scalars()
    )


def outdated_listing_ids(limit: int = 1000) -> list[int]:
    """Submitted listings lacking an up-to-date offer in some enabled market: what the sweep
    re-enqueues. Counted in the database, so the periodic sweep reads ids, not every offer."""
    enabled = list(markets())
    current = func.count(
        case(
            (
                (Offer.listing_revision == Listing.revision) & Offer.market_code.in_(enabled),
                1,
            )
        )
    )
    return list(
        db.session.execute(
            select(Listing.id)
            .outerjoin(Offer, Offer.listing_id == Listing.id)
            .where(Listing.status == ListingStatus.SUBMITTED)
            .group_by(Listing.id)
            .having(current < len(enabled))
            .order_by(Listing.id)
            .limit(limit)
        ).scalars()
    )


def markets_with_stale_ready_offers(now: datetime) -> list[str]:
    """Markets whose rates have passed their age limit while some offer there is still ready.

    Checked against the clock, not only when new rates arrive: when every provider
    is down nothing else would notice that the rates grew old.
    """
    enabled = markets()
    needed = set()
    for market in enabled.values():
        needed |= required_currencies(market) | {market.currency}
    book = RateBook(needed)  # one read of the rates for every market
    codes = [code for code, market in enabled.items() if not fx_for(market, now, book).usable]
    if not codes:
        return []
    ready = db.session.execute(
        select(Offer.market_code)
        .where(Offer.market_code.in_(codes), Offer.status == OfferStatus.READY.value)
        .distinct()
    ).scalars()
    return sorted(ready)


def hold_stale_offers(now: datetime | None = None) -> RepriceResult:
    """Reprice (and so hold, with ``fx_stale``) every market whose rates grew too old."""
    now = now or utcnow()
    codes = markets_with_stale_ready_offers(now)
    if not codes:
        return RepriceResult()
    log.warning("rates past their age limit in %s: holding their offers", ",".join(codes))
    return reprice(codes, now)


def enqueue_listing_refresh(listing_id: int) -> str | None:
    """Localize and price the listing in the background (after its commit)."""
    return enqueue("jobs.offers.refresh_listing", listing_id)


def enqueue_market_reprice(code: str) -> str | None:
    # One pending reprice per market is enough: a fixed id folds repeated requests.
    return enqueue("jobs.offers.reprice_market", code, job_id=f"reprice-{code}")

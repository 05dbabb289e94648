"""Keeping offers in step with listings, markets and rates."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from datetime import datetime

from flask import current_app
from sqlalchemy import case, func, select

from connector.enqueue import enqueue
from connector.extensions import db
from connector.fx.resolve import MarketFx, RateBook, market_fx, markets_using, required_currencies
from connector.markets.model import Market
from connector.markets.registry import markets
from connector.models import Listing, ListingStatus, Offer
from connector.models.offer import OfferStatus
from connector.models.types import utcnow
from connector.offers.fanout import Batch, plans
from connector.offers.listing_data import load_listings
from connector.offers.localize import translate_listing
from connector.offers.packings import stored_packings
from connector.offers.writer import (
    Pricing,
    RepriceResult,
    current_offers,
    input_hashes,
    store_plan,
    to_price,
    write_offers,
)

log = logging.getLogger(__name__)
CHUNK = 500


def fx_for(market: Market, now: datetime, book: RateBook | None = None) -> MarketFx:
    return market_fx(market, now, current_app.config["FX_ALLOW_SNAPSHOT"], book)


def pricing_for(codes: Iterable[str], now: datetime) -> Pricing:
    """The markets, with their rates read once for all of them, as every offer write needs."""
    chosen = tuple(markets()[code] for code in codes)
    needed: set[str] = set()
    for market in chosen:
        needed |= required_currencies(market) | {market.currency}
    book = RateBook(needed)
    return Pricing(
        markets=chosen,
        fx={market.code: fx_for(market, now, book) for market in chosen},
        now=now,
        base_url=current_app.config["PUBLIC_URL"].rstrip("/"),
    )


def refresh_listing_offers(listing_id: int, now: datetime | None = None) -> RepriceResult:
    """Build (or withdraw) the listing's offer in every enabled market.

    The listing is localized first (that needs the ORM object and may call a
    translator); then it is priced and written exactly as a reprice would.
    """
    now = now or utcnow()
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        return RepriceResult()
    if listing.status == ListingStatus.SUBMITTED:
        translate_listing(listing)
        db.session.flush()
    result = write_offers(load_listings([listing_id]), pricing_for(markets(), now))
    db.session.commit()
    return result


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


def _batches(pricing: Pricing, chunk: int) -> Iterator[Batch]:
    """Submitted listings a chunk at a time, with their stored offers in these markets,
    their input hashes, and the packings stored for the goods of those that will be priced."""
    after = 0
    while True:
        ids = _submitted_ids(after, chunk)
        if not ids:
            return
        after = ids[-1]
        listings = load_listings(ids)
        current = current_offers(ids, pricing.codes)
        inputs = input_hashes(listings, pricing)
        chosen = to_price(listings, pricing.codes, current, inputs)
        yield listings, current, inputs, stored_packings(chosen)


def reprice(
    codes: Iterable[str],
    now: datetime | None = None,
    progress=None,
    processes: int | None = None,
    chunk: int = CHUNK,
) -> RepriceResult:
    """Reprice every submitted listing in these markets, writing only offers that changed.

    Listings are read a chunk at a time for all the markets and priced on
    ``processes`` processes (``REPRICE_PROCESSES``); this process writes each
    chunk's rows in one executemany per kind and commits, in chunk order.
    Offers whose inputs did not change are skipped without being priced.
    """
    now = now or utcnow()
    codes = list(codes)
    pricing = pricing_for(codes, now)
    processes = processes or current_app.config["REPRICE_PROCESSES"]
    result = RepriceResult()
    for plan in plans(_batches(pricing, chunk), pricing, processes):
        written = store_plan(plan)
        db.session.commit()
        result.offers += written.offers
        result.changed += written.changed
        result.created += written.created
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
    pricing = pricing_for(markets(), now)  # one read of the rates for every market
    codes = [code for code, fx in pricing.fx.items() if not fx.usable]
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

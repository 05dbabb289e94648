"""The one write path of offers: insert, update or withdraw, versioned by content hash.

A single listing's refresh is a one-listing call of the same writer a market's
reprice uses, so the two can never build or store an offer differently. The
planning step is pure (listings and rates in, rows out) and the database work
around it is a few statements per batch: one read of the current offers, one
executemany per kind of write, change numbers taken last.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, insert, select

from connector.extensions import db
from connector.fx.resolve import MarketFx
from connector.markets.model import Market
from connector.models import ListingStatus, Offer
from connector.models.offer import OfferStatus
from connector.offers.builder import (
    BuiltOffer,
    build_offer,
    fx_reasons,
    parcel_of,
    serialize,
    unit_costs,
)
from connector.offers.inputs import input_hash, listing_key, market_key
from connector.offers.listing_data import ListingData
from connector.offers.packings import found_rows, store_packings, stored_packings
from connector.offers.sequence import take_numbers
from connector.pricing.packing import PackingMemo
from connector.seller_hooks import events as seller_events

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
    "input_hash",
)
# A withdrawn offer forgets its inputs, so the listing's return rebuilds it.
_WITHDRAWN = (
    "status",
    "hold_reasons",
    "version",
    "content_hash",
    "document",
    "updated_at",
    "input_hash",
)
_OFFER = Offer.__table__


def _update(columns: Iterable[str]):
    return (
        _OFFER.update()
        .where(_OFFER.c.id == bindparam("offer_id"))
        .values({name: bindparam(name) for name in columns})
    )


OFFER_UPDATE = _update(_UPDATED)
OFFER_WITHDRAW = _update((*_WITHDRAWN, "feed_seq"))
# New inputs, same document: nothing a seller sees changed, so no version or number.
OFFER_INPUTS = _update(("input_hash", "priced_at"))
WITHDRAWN_REASONS = [{"code": "listing_withdrawn", "params": {}}]


@dataclass
class RepriceResult:
    offers: int = 0
    changed: int = 0
    created: int = 0


@dataclass(frozen=True)
class Pricing:
    """What every offer of one write shares: the markets, their rates, the clock, the URL base."""

    markets: tuple[Market, ...]
    fx: dict[str, MarketFx]
    now: datetime
    base_url: str

    @property
    def codes(self) -> list[str]:
        return [market.code for market in self.markets]


# Each (listing id, market code)'s input hash, worked out once per batch.
Inputs = dict[tuple[int, str], str]


class CurrentOffer(NamedTuple):
    id: int
    listing_id: int
    market_code: str
    content_hash: str
    version: int
    status: str
    input_hash: str | None


@dataclass
class Plan:
    """The rows a batch of listings needs written; no change numbers yet."""

    offers: int = 0
    updates: list[dict] = field(default_factory=list)
    inserts: list[dict] = field(default_factory=list)
    # Offers rebuilt to the same document from new inputs: only their input hash moves.
    inputs: list[dict] = field(default_factory=list)
    # Goods whose packings this batch added to: their rows, to be stored.
    packings: list[dict] = field(default_factory=list)


def plan_offers(
    listings: Sequence[ListingData],
    pricing: Pricing,
    current: dict[tuple[int, str], CurrentOffer],
    inputs: Inputs,
    memo: PackingMemo | None = None,
) -> Plan:
    """Build each submitted listing's offer in every market; keep the rows that changed.

    An offer whose inputs (``inputs``, from :func:`input_hashes`) hash as stored is
    skipped unbuilt: nothing is written for it. Pure (no database, no clock, no app),
    so it can run in another process. ``memo`` holds the batch's stored packings;
    those it lacks are packed here and returned in the plan to be stored.
    """
    plan = Plan()
    memo = memo if memo is not None else PackingMemo()
    now = pricing.now
    on = now.date()
    for listing in listings:
        costs = None
        packings = None
        for market in pricing.markets:
            plan.offers += 1
            row = current.get((listing.id, market.code))
            hashed = inputs[(listing.id, market.code)]
            if row is not None and row.input_hash == hashed:
                continue
            if costs is None:
                # The same for every market: worked out once, and only when priced.
                costs = unit_costs(listing)
                parcel = parcel_of(listing)
                packings = memo.of(parcel.goods) if parcel is not None else None
            fx = pricing.fx[market.code]
            built = build_offer(listing, market, fx, on, now, costs, pricing.base_url, packings)
            if row is None:
                plan.inserts.append(_row(listing, market, built, now, 1, hashed))
            elif row.content_hash != built.content_hash:
                update = _row(listing, market, built, now, row.version + 1, hashed)
                plan.updates.append({"offer_id": row.id, **update})
            else:
                plan.inputs.append({"offer_id": row.id, "input_hash": hashed, "priced_at": now})
    plan.packings = found_rows(memo)
    return plan


def market_keys(pricing: Pricing) -> dict[str, bytes]:
    """Each market's part of the input hash: the same for every listing of a write."""
    return {
        market.code: market_key(
            market,
            pricing.fx[market.code],
            fx_reasons(market, pricing.fx[market.code], pricing.now),
            pricing.now,
            pricing.base_url,
        )
        for market in pricing.markets
    }


def input_hashes(listings: Sequence[ListingData], pricing: Pricing) -> Inputs:
    """Each listing's input hash in each market: what decides whether its offer is priced."""
    keys = market_keys(pricing)
    hashes: Inputs = {}
    for listing in listings:
        content = listing_key(listing)
        for code, key in keys.items():
            hashes[(listing.id, code)] = input_hash(content, key)
    return hashes


def to_price(
    listings: Sequence[ListingData],
    codes: Sequence[str],
    current: dict[tuple[int, str], CurrentOffer],
    inputs: Inputs,
) -> list[ListingData]:
    """The listings with an offer in some of these markets whose inputs changed (or no
    offer yet): those a batch will price, so only theirs need their packings read."""
    chosen = []
    for listing in listings:
        for code in codes:
            row = current.get((listing.id, code))
            if row is None or row.input_hash != inputs[(listing.id, code)]:
                chosen.append(listing)
                break
    return chosen


def _row(
    listing: ListingData,
    market: Market,
    built: BuiltOffer,
    now: datetime,
    version: int,
    inputs: str,
) -> dict:
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
        "input_hash": inputs,
        **({"created_at": now} if version == 1 else {}),
    }


def current_offers(
    listing_ids: Sequence[int], codes: Sequence[str] | None
) -> dict[tuple[int, str], CurrentOffer]:
    """The stored offers of these listings (in these markets; None: in every market)."""
    query = select(
        Offer.id,
        Offer.listing_id,
        Offer.market_code,
        Offer.content_hash,
        Offer.version,
        Offer.status,
        Offer.input_hash,
    ).where(Offer.listing_id.in_(list(listing_ids)))
    if codes is not None:
        query = query.where(Offer.market_code.in_(list(codes)))
    return {
        (row.listing_id, row.market_code): CurrentOffer(*row) for row in db.session.execute(query)
    }


def _withdrawals(
    listings: Sequence[ListingData], current: dict[tuple[int, str], CurrentOffer], now: datetime
) -> list[dict]:
    """Rows that withdraw the offers of listings no longer submitted, in every market."""
    revisions = {listing.id: listing.revision for listing in listings}
    live = {
        row.id: row
        for row in current.values()
        if row.listing_id in revisions and row.status != OfferStatus.WITHDRAWN.value
    }
    if not live:
        return []
    documents = db.session.execute(
        select(Offer.id, Offer.document).where(Offer.id.in_(list(live))).order_by(Offer.id)
    )
    rows = []
    for offer_id, document in documents:
        row = live[offer_id]
        withdrawn = {
            **document,
            "listing_revision": revisions[row.listing_id],
            "status": OfferStatus.WITHDRAWN.value,
            "hold_reasons": WITHDRAWN_REASONS,
        }
        document_json, digest = serialize(withdrawn)
        rows.append(
            {
                "offer_id": offer_id,
                "status": OfferStatus.WITHDRAWN.value,
                "hold_reasons": WITHDRAWN_REASONS,
                "version": row.version + 1,
                "content_hash": digest,
                "document": document_json,
                "updated_at": now,
                "input_hash": None,
            }
        )
    return rows


def write_offers(listings: Sequence[ListingData], pricing: Pricing) -> RepriceResult:
    """Bring these listings' offers up to date in ``pricing.markets``; the caller commits.

    Submitted listings get an offer per market, written only when its content
    changed (a new version and a new change number); listings no longer
    submitted have their offers withdrawn in every market.
    """
    submitted = [listing for listing in listings if listing.status == ListingStatus.SUBMITTED]
    withdrawn = [listing for listing in listings if listing.status != ListingStatus.SUBMITTED]
    # Withdrawal reaches offers in every market, even one no longer enabled.
    current = current_offers(
        [listing.id for listing in listings], None if withdrawn else pricing.codes
    )
    inputs = input_hashes(submitted, pricing)
    memo = stored_packings(to_price(submitted, pricing.codes, current, inputs))
    plan = plan_offers(submitted, pricing, current, inputs, memo)
    return store_plan(plan, _withdrawals(withdrawn, current, pricing.now))


def store_plan(plan: Plan, withdrawals: Sequence[dict] = ()) -> RepriceResult:
    """Number the changed rows and write them: one executemany per kind of write."""
    changed = [*plan.updates, *plan.inserts, *withdrawals]
    # Numbers last, right before the writes and the caller's commit: the counter
    # row stays locked only as long as the writes take.
    first = take_numbers(len(changed))
    for offset, row in enumerate(changed):
        row["feed_seq"] = first + offset
    # Straight to the table: the rows are complete and the ORM's bulk
    # bookkeeping would cost more than the SQL itself.
    if plan.updates:
        db.session.execute(OFFER_UPDATE, plan.updates)
    if plan.inserts:
        db.session.execute(insert(_OFFER), plan.inserts)
    if withdrawals:
        db.session.execute(OFFER_WITHDRAW, list(withdrawals))
    if plan.inputs:
        db.session.execute(OFFER_INPUTS, plan.inputs)
    store_packings(plan.packings)
    # Sellers' webhooks for these rows, in the same transaction.
    seller_events.offers_written(first, len(changed))
    return RepriceResult(
        offers=plan.offers,
        changed=len(plan.updates) + len(withdrawals),
        created=len(plan.inserts),
    )

"""Stored packings for a batch of listings: read before pricing, what pricing found written after.

A rate change reprices every listing, and packing a listing's tier quantities
for every service's limits was a quarter of that work; none of it depends on
rates or costs. So packings are kept by content (``StoredPacking``, one row per
goods) and a batch's are read in one query before it is priced.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import JSON, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB

from connector.extensions import db
from connector.models import StoredPacking
from connector.models.upsert import conflict_insert
from connector.offers.builder import parcel_of
from connector.offers.listing_data import ListingData
from connector.pricing.packing import Packed, PackingMemo, goods_key, packed_to_rows


def stored_packings(listings: Iterable[ListingData]) -> PackingMemo:
    """The packings stored for these listings' goods."""
    keys = set()
    for listing in listings:
        parcel = parcel_of(listing)
        if parcel is not None:
            keys.add(goods_key(parcel.goods))
    known: dict[str, dict[str, Packed | list]] = {key: {} for key in keys}
    if keys:
        rows = db.session.execute(
            select(StoredPacking.goods_key, StoredPacking.parcels).where(
                StoredPacking.goods_key.in_(sorted(keys))
            )
        )
        for goods, parcels in rows:
            known[goods] = parcels  # each read when a price needs it
    return PackingMemo(known)


def found_rows(memo: PackingMemo) -> list[dict]:
    """The goods whose packings grew in ``memo``, each with all it knows now (plain data:
    it crosses from a pricing process)."""
    goods = {key for key, _limits in memo.found}
    return [
        {
            "goods_key": key,
            "parcels": {
                limits: packed if isinstance(packed, list) else packed_to_rows(packed)
                for limits, packed in memo.known[key].items()
            },
        }
        for key in sorted(goods)
    ]


def store_packings(rows: list[dict]) -> None:
    """Keep the goods' packings, merged into what is stored: two reprices writing the same
    goods at once (different markets, so different limits) both keep what they found."""
    if not rows:
        return
    insert = conflict_insert(StoredPacking)
    upsert = insert.on_conflict_do_update(
        index_elements=[StoredPacking.goods_key],
        set_={"parcels": _merged(StoredPacking.parcels, insert.excluded.parcels)},
    )
    db.session.execute(upsert, rows)


def _merged(stored, found):
    """The stored map of limits to parcels with the found one's keys added (or replaced:
    a key's rows are the same whoever packed them)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(cast(stored, JSONB).op("||")(cast(found, JSONB)), JSON)
    return func.json_patch(stored, found)

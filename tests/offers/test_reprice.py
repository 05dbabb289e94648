"""Repricing a market: unchanged offers are left alone; chunks priced on many processes."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal as D

import pytest
from sqlalchemy import delete, event, select

from connector.pricing import packing
from tests.offers.support import Quote, create, fresh, offers, run_jobs, store, tshirt


@contextmanager
def writes_to_offers(app):
    """Collect every statement that writes the offer table or takes change numbers."""
    from connector.extensions import db

    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        text = statement.lstrip().upper()
        if text.startswith(("INSERT", "UPDATE", "DELETE")) and (
            " OFFER" in text or "FEED_COUNTER" in text
        ):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _stored(app) -> dict:
    from connector.extensions import db
    from connector.models import Offer

    with app.app_context():
        rows = db.session.execute(
            select(Offer.listing_id, Offer.market_code, Offer.content_hash, Offer.document)
        )
        return {(row[0], row[1]): (row[2], row[3]) for row in rows}


def test_reprice_and_refresh_with_nothing_changed_write_nothing(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    before = offers(client, exporter_token, listing["id"])
    from connector.offers.service import refresh_listing_offers, reprice

    with writes_to_offers(app) as writes, packing_reads(app) as reads, app.app_context():
        repriced = reprice(["VN", "KZ", "UZ", "TH", "MY"])
        refreshed = refresh_listing_offers(listing["id"])
    assert writes == []
    assert reads == []  # nothing to price, so no packing is read either
    assert repriced.offers == 10 and repriced.changed == repriced.created == 0
    assert refreshed.offers == 5 and refreshed.changed == refreshed.created == 0
    after = offers(client, exporter_token, listing["id"])
    for code, offer in after.items():
        for kept in ("version", "updated_at", "priced_at", "document"):
            assert offer[kept] == before[code][kept], (code, kept)


def test_reprice_after_a_rate_change_rewrites_only_the_markets_using_it(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    before = offers(client, exporter_token, listing["id"])
    store(app, Quote("CNY", "KZT", D("71"), "nbk", fresh(hours_ago=0)))
    from connector.offers.service import reprice

    with app.app_context():
        result = reprice(["VN", "KZ"])
    assert result.offers == 4 and result.changed == 2  # KZ for this listing and the demo's
    after = offers(client, exporter_token, listing["id"])
    assert after["KZ"]["version"] == before["KZ"]["version"] + 1
    assert after["VN"]["version"] == before["VN"]["version"]


def test_reprice_in_chunks_on_two_processes_stores_what_one_process_stores(
    app, client, exporter_token, rates, translator
):
    for weight in (180, 950, 4200):
        payload = tshirt()
        payload["weight_g"] = weight
        create(client, exporter_token, payload)
    run_jobs(app)
    from connector.extensions import db
    from connector.markets.registry import markets
    from connector.models import Offer
    from connector.models.types import utcnow
    from connector.offers.service import reprice

    now = utcnow()
    stored = {}
    for processes, chunk in ((2, 1), (1, 500)):
        with app.app_context():
            db.session.execute(delete(Offer))
            db.session.commit()
            codes = list(markets())
            result = reprice(codes, now, processes=processes, chunk=chunk)
        assert result.created == 4 * len(codes)
        stored[processes] = _stored(app)
    assert stored[2] == stored[1]


@contextmanager
def packing_writes(app, verb: str = "INSERT"):
    """Every statement that writes (or with ``verb="SELECT"``, reads) stored packings."""
    from connector.extensions import db

    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        text = statement.lstrip().upper()
        if text.startswith(verb) and "STORED_PACKING" in text:
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def packing_reads(app):
    return packing_writes(app, "SELECT")


def _packings(app) -> int:
    from connector.extensions import db
    from connector.models import StoredPacking

    with app.app_context():
        return db.session.query(StoredPacking).count()


def _tiers(offer: dict) -> list[tuple]:
    return [
        (price["min_qty"], price["price"], price["consignment"]["parcels"])
        for variant in offer["document"]["variants"]
        for price in variant["prices"]
    ]


@pytest.mark.both_databases
def test_a_rate_change_reprices_from_stored_packings_as_packing_afresh_would(
    app, client, exporter_token, rates, translator
):
    from connector.extensions import db
    from connector.models import Offer, StoredPacking
    from connector.offers.service import reprice

    for weight in (180, 4200):
        payload = tshirt()
        payload["weight_g"] = weight
        create(client, exporter_token, payload)
    run_jobs(app)
    stored = _packings(app)
    assert stored > 0
    store(app, Quote("CNY", "VND", D("3811"), "vcb", fresh(hours_ago=0)))
    with packing_writes(app) as writes, app.app_context():
        assert reprice(["VN", "KZ"]).changed > 0
    assert writes == []  # nothing packed again
    assert _packings(app) == stored
    from_stored = {key: row for key, row in _stored(app).items() if key[1] in ("VN", "KZ")}
    # Afresh: no stored packings, and none left in this process's caches either.
    for cached in (packing.pack, packing.loose_box, packing.units_per_parcel):
        cached.cache_clear()
    with app.app_context():
        db.session.execute(delete(StoredPacking))
        db.session.execute(delete(Offer))
        db.session.commit()
        reprice(["VN", "KZ"])
    assert _stored(app) == from_stored


def test_a_listing_whose_size_changed_is_packed_anew(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    before = offers(client, exporter_token, listing["id"])["VN"]
    # Ten times the thickness: the larger tiers need more parcels.
    edited = client.patch(
        f"/api/v1/listings/{listing['id']}",
        json={"height_cm": "20"},
        headers={"Authorization": f"Bearer {exporter_token}"},
    )
    assert edited.status_code == 200, edited.json
    run_jobs(app)
    after = offers(client, exporter_token, listing["id"])["VN"]
    parcels = {qty: count for qty, _price, count in _tiers(before)}
    repacked = {qty: count for qty, _price, count in _tiers(after)}
    assert any(repacked[qty] > parcels[qty] for qty in parcels), (parcels, repacked)


@pytest.mark.both_databases
def test_packings_two_reprices_store_at_once_are_both_kept(
    app, client, exporter_token, rates, translator
):
    """Two reprices of different markets read a goods' row before either writes it: each
    stores what it found, and neither write drops the other's."""
    from connector.extensions import db
    from connector.models import StoredPacking
    from connector.offers.packings import store_packings

    create(client, exporter_token, tshirt())
    run_jobs(app)
    with app.app_context():
        row = max(db.session.execute(select(StoredPacking)).scalars(), key=lambda r: len(r.parcels))
        goods, everything = row.goods_key, dict(row.parcels)
        assert len(everything) >= 2, everything
        keys = sorted(everything)
        first = {key: everything[key] for key in keys[::2]}
        second = {key: everything[key] for key in keys[1::2]}
        row.parcels = first  # as the first reprice left it
        db.session.commit()
        store_packings([{"goods_key": goods, "parcels": second}])  # the second one's
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(StoredPacking, goods).parcels == everything

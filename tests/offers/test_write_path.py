"""One write path: a listing's refresh and a market's reprice store the same offers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from connector.models.types import utcnow
from tests.offers.strategies import listings


def _save(saved: list[dict]) -> list[int]:
    from connector.extensions import db
    from connector.models import (
        Customization,
        Listing,
        ListingImage,
        PriceTier,
        Supplier,
        Variant,
    )

    supplier = db.session.execute(
        select(Supplier).where(Supplier.name == "随机工厂")
    ).scalar_one_or_none() or Supplier(name="随机工厂")
    db.session.add(supplier)
    ids = []
    for fields in saved:
        fields = dict(fields)
        listing = Listing(
            supplier=supplier,
            status="submitted",
            revision=1,
            attributes=[],
            localized={},
            currency="CNY",
            price_tiers=[PriceTier(min_qty=q, unit_price=p) for q, p in fields.pop("tiers")],
            variants=[Variant(position=n, **v) for n, v in enumerate(fields.pop("variants"))],
            customizations=[
                Customization(position=n, **c) for n, c in enumerate(fields.pop("customizations"))
            ],
            images=[
                ListingImage(position=n, url=f"https://img.example.com/{n}.jpg")
                for n in range(fields.pop("images"))
            ],
            **fields,
        )
        db.session.add(listing)
        db.session.flush()
        ids.append(listing.id)
    db.session.commit()
    return ids


def _offers(ids: list[int]) -> dict:
    from connector.extensions import db
    from connector.models import Offer

    rows = db.session.execute(
        select(Offer.listing_id, Offer.market_code, Offer.content_hash, Offer.document).where(
            Offer.listing_id.in_(ids)
        )
    )
    return {(row[0], row[1]): (row[2], row[3]) for row in rows}


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(saved=st.lists(listings(), min_size=1, max_size=3))
def test_listing_refresh_and_market_reprice_store_the_same_offers(app, rates, saved):
    from connector.extensions import db
    from connector.markets.registry import markets
    from connector.models import Offer
    from connector.offers.service import refresh_listing_offers, reprice

    now = utcnow()
    with app.app_context():
        ids = _save(saved)
        for listing_id in ids:
            refresh_listing_offers(listing_id, now)
        refreshed = _offers(ids)
        assert len(refreshed) == len(ids) * len(markets())
        db.session.execute(delete(Offer).where(Offer.listing_id.in_(ids)))
        db.session.commit()
        reprice(list(markets()), now)
        repriced = _offers(ids)
    assert repriced == refreshed

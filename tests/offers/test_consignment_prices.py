"""Tier prices are consignment prices: the tier's quantity packed into parcels, per parcel
shipping and customs, divided back per unit (the prices issue's packaging box)."""

from __future__ import annotations

import json
from decimal import Decimal as D

from tests.conftest import FIXTURES, bearer
from tests.offers.support import create, offers, run_jobs


def packaging_box() -> dict:
    return json.loads((FIXTURES / "listing_packaging_box.json").read_text())


def vn_offer(app, client, exporter_token) -> dict:
    listing = create(client, exporter_token, packaging_box())
    run_jobs(app)
    return offers(client, exporter_token, listing["id"])["VN"]["document"]


def test_packaging_box_tier_price_worked_by_hand(app, client, exporter_token, rates):
    # CNY 1.20 a box, 50 g, 20 x 15 x 5 cm; 3,700 VND/CNY; GHN card 26 CNY for the first
    # 500 g, 8 CNY each further 500 g; parcels at most 50 kg, girth (L + 2(W + H)) 300 cm.
    # A parcel carries at most 150 loose boxes: 5 x 3 x 10 of them in an outer carton of
    # 102 x 47 x 52 cm (2 cm of walls a side; girth 102 + 2 x 99 = 300), 7,875 g with 5%
    # packing. 500 boxes = 3 such parcels + one of 50 (2 x 5 x 5: 42 x 77 x 27 cm).
    #   big:   249,288 cm3 / 6000 = 41,548 g: 26 + 83 x 8 = 690 CNY = 2,553,000 VND
    #   small:  87,318 cm3 / 6000 = 14,553 g: 26 + 29 x 8 = 258 CNY =   954,600 VND
    # Customs per parcel (no de minimis in VN since 2025-02-18), duty 10% (HS 4819: the
    # default rate), VAT 8% of value + duty:
    #   big:   666,000 + 2,553,000 = 3,219,000; duty 321,900; VAT 283,272
    #   small: 222,000 +   954,600 = 1,176,600; duty 117,660; VAT 103,540.8
    # Landed: 2,220,000 + 8,613,600 + 1,083,360 + 953,356.8 = 12,870,316.8
    # x 1.18 margin / (1 - 6.2% fees) = 16,190,803.6: 32,381.6 a box, 33,000 rounded up.
    document = vn_offer(app, client, exporter_token)
    tier = document["variants"][0]["prices"][0]
    assert tier["min_qty"] == 500
    assert tier["price"] == "33000"
    assert tier["consignment"]["parcels"] == 4
    assert tier["consignment"]["total"] == "16191000"
    goods, shipping, duty, vat, *_ = (D(x) for x in tier["consignment"]["breakdown"])
    assert (goods, shipping, duty, vat) == (
        D("2220000"),
        D("8613600"),
        D("1083360"),
        D("953357"),
    )
    assert tier["breakdown"][1] == "17227"  # 8,613,600 / 500 boxes


def test_shipping_is_a_plausible_share_falling_with_quantity(app, client, exporter_token, rates):
    document = vn_offer(app, client, exporter_token)
    tiers = document["variants"][0]["prices"]
    shipping = [D(t["breakdown"][1]) for t in tiers]
    shares = [D(t["breakdown"][1]) / D(t["price"]) for t in tiers]
    # One box alone cost 139,000-153,000 VND, shipping two thirds of it; packed together
    # the shipping per box falls with the quantity and stays well below the whole price.
    assert all(share < D("0.6") for share in shares)
    assert shipping == sorted(shipping, reverse=True) and shipping[0] > shipping[-1]
    assert [t["consignment"]["parcels"] for t in tiers] == [4, 14, 67]
    assert int(tiers[0]["price"]) < 40000


def test_each_mode_has_its_own_price_and_the_feed_carries_both(
    app, client, exporter_token, rates, ops_token
):
    document = vn_offer(app, client, exporter_token)
    variant = document["variants"][0]
    managed = variant["modes"]["fully_managed"][0]
    assert managed["min_qty"] == 500
    # Stock sent to the consolidation warehouse at 6.5 CNY/kg, general trade.
    assert int(managed["price"]) < int(variant["prices"][0]["price"])
    seller = client.post(
        "/api/v1/sellers/",
        json={"name": "Hanoi Shop", "email": "shop@example.com", "markets": ["VN"]},
        headers=bearer(ops_token),
    ).json
    feed = client.get("/api/v1/markets/VN/offers", headers=bearer(seller["key"]["key"])).json[
        "items"
    ]
    item = next(i for i in feed if i["title"].startswith("Hộp carton"))
    by_mode = item["variants"][0]["prices_by_mode"]
    assert by_mode["semi_managed"][0]["price"] == "33000"
    assert by_mode["fully_managed"][0]["price"] == managed["price"]
    assert by_mode["semi_managed"][0]["parcels"] == 4
    assert item["fx"]["CNY"]["as_of"]


def test_seller_never_reads_the_factory_cost_or_our_margin(
    app, client, exporter_token, rates, ops_token
):
    listing = create(client, exporter_token, packaging_box())
    run_jobs(app)
    offer_id = offers(client, exporter_token, listing["id"])["VN"]["id"]
    seller = client.post(
        "/api/v1/sellers/",
        json={"name": "Hanoi Shop", "email": "shop@example.com", "markets": ["VN"]},
        headers=bearer(ops_token),
    ).json
    seen = client.get(f"/api/v1/offers/{offer_id}", headers=bearer(seller["key"]["key"])).json
    text = json.dumps(seen, ensure_ascii=False)
    assert "cost_cny" not in text and "margin" not in text
    assert seen["document"]["components"] == ["goods_and_service", "shipping", "duty", "vat"]
    own = client.get(f"/api/v1/offers/{offer_id}", headers=bearer(exporter_token)).json
    assert own["document"]["variants"][0]["prices"][0]["cost_cny"] == "1.20"

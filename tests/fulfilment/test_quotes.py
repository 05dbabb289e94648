"""Exact quotes and orders priced per consignment, in the mode asked, never at an old rate."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal as D

import pytest

from connector.models.types import utcnow
from tests.conftest import FIXTURES, bearer
from tests.fulfilment.support import fixture, post_order
from tests.offers.support import create, offers, run_jobs, tshirt


def listing(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def box_offer(app, client, exporter_token, rates):
    created = create(client, exporter_token, listing("listing_packaging_box.json"))
    run_jobs(app)
    offer = offers(client, exporter_token, created["id"])["VN"]
    assert offer["status"] == "ready", offer["hold_reasons"]
    return offer


def quote(client, seller, offer, quantity, mode=None, market="VN"):
    sku = offer["document"]["variants"][0]["sku"]
    body = {
        "market": market,
        "lines": [{"offer_id": offer["id"], "sku": sku, "quantity": quantity}],
    }
    if mode:
        body["mode"] = mode
    return client.post("/api/v1/quotes/", json=body, headers=bearer(seller["token"]))


def order(client, seller, offer, quantity, market="VN", **extra):
    sku = offer["document"]["variants"][0]["sku"]
    body = {
        "market": market,
        "lines": [{"offer_id": offer["id"], "sku": sku, "quantity": quantity}],
        "ship_to": fixture(f"ship_to_{market.lower()}.json"),
        **extra,
    }
    return post_order(client, seller["token"], body)


def test_quote_answers_the_exact_total_and_the_order_charges_it(
    app, client, services, seller, ops_token, box_offer
):
    response = quote(client, seller, box_offer, 700, mode="fully_managed")
    assert response.status_code == 201, response.json
    quoted = response.json
    managed = box_offer["document"]["variants"][0]["modes"]["fully_managed"][0]
    assert D(quoted["total"]) <= 700 * D(managed["price"])
    line = quoted["pricing"]["lines"][0]
    assert sum(p["count"] for p in line["parcels"]) >= 2
    assert all(D(p["shipping"]) > 0 and D(p["duty"]) > 0 for p in line["parcels"])
    assert quoted["pricing"]["fx"]["CNY"]["source"] == "vietcombank:sell"
    assert "margin" not in json.dumps(quoted["pricing"])  # our margin is not the seller's
    assert quoted["valid_until"] > quoted["created_at"]

    placed = order(client, seller, box_offer, 700, mode="fully_managed", quote_id=quoted["id"])
    assert placed.status_code == 202, placed.json
    assert placed.json["total"] == quoted["total"]
    assert placed.json["quote_id"] == quoted["id"]
    assert "factory_amount_cny" not in placed.json["lines"][0]
    seen_by_ops = client.get(placed.json["url"], headers=bearer(ops_token)).json
    assert seen_by_ops["lines"][0]["factory_amount_cny"] == "840.00"  # 700 x 1.20 CNY


def test_order_in_the_other_mode_pays_that_modes_price(app, client, services, seller, box_offer):
    variant = box_offer["document"]["variants"][0]
    semi_price = D(variant["prices"][0]["price"])
    managed = quote(client, seller, box_offer, 600, mode="fully_managed").json
    assert D(managed["total"]) < 600 * semi_price
    placed = order(client, seller, box_offer, 600, mode="fully_managed")
    assert placed.status_code == 202, placed.json
    assert placed.json["total"] == managed["total"]
    assert placed.json["mode"] == "fully_managed"
    # Through GHN the 600 boxes would be 4 parcels, and GHN takes one per shipment.
    semi = quote(client, seller, box_offer, 600)
    assert semi.status_code == 422
    assert "fully_managed" in semi.json["error"]["fields"]["lines.0.quantity"][0]


def test_order_never_costs_more_than_quantity_times_its_tier_price(
    app, client, services, seller, box_offer
):
    tiers = box_offer["document"]["variants"][0]["modes"]["fully_managed"]
    for quantity in (500, 501, 650, 1999, 2000, 2001):
        tier = max((t for t in tiers if t["min_qty"] <= quantity), key=lambda t: t["min_qty"])
        quoted = quote(client, seller, box_offer, quantity, mode="fully_managed").json
        assert D(quoted["total"]) <= quantity * D(tier["price"]), quantity


def test_a_quote_for_other_lines_or_expired_is_refused(app, client, services, seller, box_offer):
    quoted = quote(client, seller, box_offer, 600, mode="fully_managed").json
    wrong = order(client, seller, box_offer, 601, mode="fully_managed", quote_id=quoted["id"])
    assert wrong.status_code == 422 and wrong.json["error"]["code"] == "quote_mismatch"
    from connector.extensions import db
    from connector.models import Quote

    with app.app_context():
        db.session.get(Quote, quoted["id"]).valid_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    late = order(client, seller, box_offer, 600, mode="fully_managed", quote_id=quoted["id"])
    assert late.status_code == 409 and late.json["error"]["code"] == "quote_expired"


def test_more_than_one_carrier_parcel_is_refused_at_intake_naming_the_line(
    app, client, services, seller, exporter_token, rates, translator
):
    # 240 T-shirts of 220 g: 52.8 kg, which GHN would refuse as one parcel.
    created = create(client, exporter_token, tshirt())
    run_jobs(app)
    offer = offers(client, exporter_token, created["id"])["VN"]
    response = order(client, seller, offer, 240)
    assert response.status_code == 422
    message = response.json["error"]["fields"]["lines.0.quantity"][0]
    assert "parcels" in message and "50 kg" in message
    assert services["ghn"].parcel_counts() == {}


def test_kazakhstan_order_pays_duty_and_vat_by_the_parcel(
    app, client, services, seller, exporter_token, rates, translator
):
    premium = tshirt()
    premium["price_tiers"] = [{"min_qty": 50, "unit_price": "60.00"}]
    premium["customizations"] = []
    created = create(client, exporter_token, premium)
    run_jobs(app)
    offer = offers(client, exporter_token, created["id"])["KZ"]
    assert offer["status"] == "ready", offer["hold_reasons"]
    placed = order(client, seller, offer, 50, market="KZ")
    assert placed.status_code == 202, placed.json
    (parcel,) = placed.json["pricing"]["lines"][0]["parcels"]
    # EUR 397 of goods and freight in one parcel: past the EUR 200 threshold, so the
    # e-commerce regime in force on the order's date applies (5% duty, then VAT 16%).
    assert parcel["below_threshold"] is False
    assert D(parcel["duty"]) > 0 and D(parcel["vat"]) > 0
    assert D(parcel["vat"]) == ((D(parcel["customs_value"]) + D(parcel["duty"])) * D("0.16"))


def test_no_sale_or_quote_at_a_rate_past_its_age_limit(
    app, client, services, seller, box_offer, monkeypatch
):
    # Every provider is down: no new rate arrives while the clock moves on 5 days.
    later = utcnow() + timedelta(hours=120)
    import connector.offers.service as offer_service
    import connector.orders.service as order_service

    monkeypatch.setattr(order_service, "utcnow", lambda: later)
    monkeypatch.setattr(offer_service, "utcnow", lambda: later)
    refused = quote(client, seller, box_offer, 600, mode="fully_managed")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "fx_stale"
    placed = order(client, seller, box_offer, 600, mode="fully_managed")
    assert placed.status_code == 409 and placed.json["error"]["code"] == "fx_stale"

    from jobs.offers import hold_stale_offers

    with app.app_context():
        hold_stale_offers()
    held = client.get(f"/api/v1/offers/{box_offer['id']}", headers=bearer(seller["token"])).json
    assert held["status"] == "held"
    assert any(r["code"] == "fx_stale" for r in held["document"]["hold_reasons"])

"""The factory reads its own orders over the API, never another's, and never the buyer."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.conftest import bearer
from tests.fulfilment.factory_support import (
    listing_fixture,
    make_exporter,
    order,
    order_line,
    ready_offer,
)
from tests.offers.support import tshirt

BUYER = ("Nguyễn", "0901", "234 567", "an.nguyen", "Nguyễn Huệ", "Bến Nghé")


@pytest.fixture
def two_factories(app, client, exporter_token, rates, translator):
    """The demo factory's T-shirt and another factory's cup, each with its own token."""
    other = make_exporter(app, "cups@factory.example", "宁波杯业有限公司")
    shirt = ready_offer(app, client, exporter_token, tshirt())
    cup = ready_offer(
        app, client, other["token"], listing_fixture("factory/listing_last_units.json")
    )
    return {"demo": exporter_token, "other": other["token"], "shirt": shirt, "cup": cup}


def _never_the_buyer(text: str) -> None:
    for fragment in BUYER:
        assert fragment not in text


def test_each_factory_sees_only_its_own_lines_and_shipments_of_a_shared_order(
    app, client, services, seller, two_factories
):
    placed = order(
        client,
        seller,
        [order_line(two_factories["shirt"], 60), order_line(two_factories["cup"], 2)],
    )
    assert placed.status_code == 202, placed.json
    assert len(placed.json["shipments"]) == 2

    for token, sku in (
        (two_factories["demo"], "TS180-WHT-M"),
        (two_factories["other"], "CUP500-LAST"),
    ):
        page = client.get("/api/v1/orders/", headers=bearer(token))
        assert page.status_code == 200, page.json
        assert page.json["total"] == 1
        [mine] = page.json["items"]
        assert [line["sku"] for line in mine["lines"]] == [sku]
        assert len(mine["shipments"]) == 1
        assert "total" not in mine and "pricing" not in mine
        assert "unit_price" not in mine["lines"][0]
        line = mine["lines"][0]
        assert D(mine["factory_amount_cny"]) == D(line["factory_amount_cny"]) > 0
        assert mine["ship_to"] == {"country": "VN", "province": "Hồ Chí Minh", "city": None}
        one = client.get(f"/api/v1/orders/{placed.json['id']}", headers=bearer(token))
        assert one.status_code == 200 and one.json == mine
        _never_the_buyer(page.get_data(as_text=True))
        shipment = client.get(
            f"/api/v1/shipments/{mine['shipments'][0]['id']}", headers=bearer(token)
        )
        assert shipment.status_code == 200
        assert shipment.json["ship_to"]["country"] == "VN"
        _never_the_buyer(shipment.get_data(as_text=True))


def test_another_factorys_order_and_shipment_are_not_found(
    app, client, services, seller, two_factories
):
    placed = order(client, seller, [order_line(two_factories["shirt"], 60)])
    assert placed.status_code == 202, placed.json
    order_id, shipment_id = placed.json["id"], placed.json["shipments"][0]["id"]
    other = bearer(two_factories["other"])
    assert client.get("/api/v1/orders/", headers=other).json["total"] == 0
    for method, url in (
        ("get", f"/api/v1/orders/{order_id}"),
        ("post", f"/api/v1/orders/{order_id}/confirm"),
        ("get", f"/api/v1/shipments/{shipment_id}"),
        ("post", f"/api/v1/shipments/{shipment_id}/packed"),
        ("post", f"/api/v1/shipments/{shipment_id}/handed-over"),
    ):
        response = getattr(client, method)(url, headers=other)
        assert response.status_code == 404, (url, response.json)
    assert client.get("/api/v1/factory/production", headers=other).json == []
    assert client.get("/api/v1/factory/pay", headers=other).json["total_cny"] == "0"


def test_factory_confirms_packs_and_hands_over_in_order_with_time_and_user(
    app, client, services, seller, two_factories
):
    placed = order(client, seller, [order_line(two_factories["shirt"], 60)])
    order_id, shipment_id = placed.json["id"], placed.json["shipments"][0]["id"]
    demo = bearer(two_factories["demo"])

    too_early = client.post(f"/api/v1/shipments/{shipment_id}/packed", headers=demo)
    assert too_early.status_code == 409
    assert too_early.json["error"]["code"] == "not_confirmed"

    confirmed = client.post(f"/api/v1/orders/{order_id}/confirm", headers=demo)
    assert confirmed.status_code == 200, confirmed.json
    step = confirmed.json["shipments"][0]["factory_steps"]["confirmed"]
    assert step["by"] == "星辰服饰 · 王丽" and step["at"]
    again = client.post(f"/api/v1/orders/{order_id}/confirm", headers=demo)
    assert again.json["shipments"][0]["factory_steps"]["confirmed"] == step

    packed = client.post(f"/api/v1/shipments/{shipment_id}/packed", headers=demo)
    assert packed.status_code == 200 and set(packed.json["factory_steps"]) == {
        "confirmed",
        "packed",
    }
    handed = client.post(f"/api/v1/shipments/{shipment_id}/handed-over", headers=demo)
    assert handed.status_code == 200
    assert set(handed.json["factory_steps"]) == {"confirmed", "packed", "handed_over"}
    # Handed over: nothing left to make.
    assert client.get("/api/v1/factory/production", headers=demo).json == []


def test_production_list_adds_up_skus_per_day_and_pay_counts_open_shipments(
    app, client, services, seller, two_factories
):
    shirt = two_factories["shirt"]
    first = order(client, seller, [order_line(shirt, 60)])
    second = order(client, seller, [order_line(shirt, 80), order_line(shirt, 50, "TS180-WHT-XL")])
    assert first.status_code == second.status_code == 202, second.json
    demo = bearer(two_factories["demo"])
    [day] = client.get("/api/v1/factory/production", headers=demo).json
    rows = {row["sku"]: row for row in day["rows"]}
    assert rows["TS180-WHT-M"]["quantity"] == 140
    assert sorted(rows["TS180-WHT-M"]["orders"]) == sorted([first.json["id"], second.json["id"]])
    assert rows["TS180-WHT-XL"]["quantity"] == 50
    assert day["units"] == 190
    pay = client.get("/api/v1/factory/pay", headers=demo).json
    amounts = [
        D(line["factory_amount_cny"])
        for placed in (first, second)
        for line in client.get(f"/api/v1/orders/{placed.json['id']}", headers=demo).json["lines"]
    ]
    assert D(pay["open_cny"]) == sum(amounts) and pay["delivered_cny"] == "0"


def test_a_cancelled_order_cannot_be_confirmed_and_leaves_the_production_list(
    app, client, services, seller, two_factories
):
    placed = order(client, seller, [order_line(two_factories["shirt"], 60)])
    shipment_id = placed.json["shipments"][0]["id"]
    client.post(f"/api/v1/shipments/{shipment_id}/cancel", headers=bearer(seller["token"]))
    demo = bearer(two_factories["demo"])
    refused = client.post(f"/api/v1/orders/{placed.json['id']}/confirm", headers=demo)
    assert refused.status_code == 409
    assert client.get("/api/v1/factory/production", headers=demo).json == []


def test_sellers_and_ops_cannot_take_factory_steps(
    app, client, services, seller, ops_token, two_factories
):
    placed = order(client, seller, [order_line(two_factories["shirt"], 60)])
    for token in (seller["token"], ops_token):
        response = client.post(f"/api/v1/orders/{placed.json['id']}/confirm", headers=bearer(token))
        assert response.status_code == 403

"""Stock is reserved when an order is placed and given back when it is cancelled."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import bearer
from tests.fulfilment.factory_support import (
    listing_fixture,
    order,
    order_line,
    ready_offer,
    stock_of,
)
from tests.fulfilment.support import fixture, run_jobs, shipment_json


@pytest.fixture
def last_units(app, client, exporter_token, rates):
    """An offer whose only variant has 10 units left."""
    return ready_offer(
        app, client, exporter_token, listing_fixture("factory/listing_last_units.json")
    )


@pytest.mark.both_databases
def test_twenty_parallel_orders_for_the_last_ten_units_sell_exactly_ten(
    app, services, seller, last_units
):
    start = threading.Barrier(20)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        answers.append(order(client, seller, [order_line(last_units, 1)]))

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [202] * 10 + [409] * 10
    refused = [a.json["error"] for a in answers if a.status_code == 409]
    assert {error["code"] for error in refused} == {"out_of_stock"}
    assert refused[0]["fields"] == {"lines.0.quantity": ["Only 0 left in stock."]}
    listing_id = last_units["document"]["listing_id"]
    assert stock_of(app, listing_id, "CUP500-LAST") == 0


def test_an_order_for_more_than_is_left_is_refused_and_takes_nothing(
    app, client, services, seller, last_units
):
    assert order(client, seller, [order_line(last_units, 7)]).status_code == 202
    response = order(client, seller, [order_line(last_units, 4)])
    assert response.status_code == 409, response.json
    assert response.json["error"]["fields"] == {"lines.0.quantity": ["Only 3 left in stock."]}
    assert stock_of(app, last_units["document"]["listing_id"], "CUP500-LAST") == 3


def test_cancelling_an_order_gives_its_units_back_once(app, client, services, seller, last_units):
    placed = order(client, seller, [order_line(last_units, 10)])
    assert placed.status_code == 202, placed.json
    listing_id = last_units["document"]["listing_id"]
    assert stock_of(app, listing_id, "CUP500-LAST") == 0
    [shipment] = placed.json["shipments"]
    cancel = client.post(
        f"/api/v1/shipments/{shipment['id']}/cancel", headers=bearer(seller["token"])
    )
    assert cancel.status_code == 202, cancel.json
    assert cancel.json["state"] == "cancelled"
    assert stock_of(app, listing_id, "CUP500-LAST") == 10
    again = client.post(
        f"/api/v1/shipments/{shipment['id']}/cancel", headers=bearer(seller["token"])
    )
    assert again.status_code == 409
    assert stock_of(app, listing_id, "CUP500-LAST") == 10
    assert order(client, seller, [order_line(last_units, 10)]).status_code == 202


def test_the_listing_page_shows_what_is_left_and_what_is_held(
    app, client, services, seller, last_units, demo
):
    from tests.web.catalogs import compile_catalogs
    from tests.web.conftest import get_page, sign_in

    compile_catalogs()
    assert order(client, seller, [order_line(last_units, 4)]).status_code == 202
    sign_in(client, "exporter@demo.example", demo["password"])
    page = get_page(client, f"/listings/{last_units['document']['listing_id']}")
    assert page.by_id("reserved-CUP500-LAST").text().strip() == "4"


def _unserved_ship_to() -> dict:
    return {**fixture("ship_to_vn.json"), "ward": "Đảo Song Tử Tây"}


def test_a_shipment_no_carrier_takes_gives_its_units_back_once(
    app, client, services, seller, ops_token, last_units
):
    placed = order(client, seller, [order_line(last_units, 10)], ship_to=_unserved_ship_to())
    assert placed.status_code == 202, placed.json
    [shipment] = placed.json["shipments"]
    listing_id = last_units["document"]["listing_id"]
    assert stock_of(app, listing_id, "CUP500-LAST") == 0
    run_jobs(app)
    detail = shipment_json(client, ops_token, shipment["id"])
    assert detail["state"] == "needs_attention"
    assert stock_of(app, listing_id, "CUP500-LAST") == 10

    # The same job again, then a cancellation: nothing more comes back.
    with app.app_context():
        from connector.extensions import db
        from connector.models import Shipment
        from connector.orders.queueing import enqueue_dispatch

        enqueue_dispatch(db.session.get(Shipment, shipment["id"]))
    run_jobs(app)
    cancel = client.post(
        f"/api/v1/shipments/{shipment['id']}/cancel", headers=bearer(seller["token"])
    )
    assert cancel.status_code == 202, cancel.json
    run_jobs(app)
    assert shipment_json(client, ops_token, shipment["id"])["state"] == "cancelled"
    assert stock_of(app, listing_id, "CUP500-LAST") == 10


def test_ops_retry_takes_the_released_units_again_or_says_they_are_gone(
    app, client, services, seller, ops_token, last_units
):
    services["ghn"].fail(500, times=50, path="/shiip/public-api/v2/shipping-order")
    placed = order(client, seller, [order_line(last_units, 6)])
    [shipment] = placed.json["shipments"]
    run_jobs(app)
    listing_id = last_units["document"]["listing_id"]
    assert shipment_json(client, ops_token, shipment["id"])["state"] == "needs_attention"
    assert stock_of(app, listing_id, "CUP500-LAST") == 10

    services["ghn"].reset()
    retry_url = f"/api/v1/shipments/{shipment['id']}/retry"
    assert client.post(retry_url, headers=bearer(ops_token)).status_code == 202
    assert stock_of(app, listing_id, "CUP500-LAST") == 4
    run_jobs(app)
    assert shipment_json(client, ops_token, shipment["id"])["state"] == "submitted"
    assert stock_of(app, listing_id, "CUP500-LAST") == 4


def test_ops_retry_is_refused_when_the_released_units_were_sold_meanwhile(
    app, client, services, seller, ops_token, last_units
):
    placed = order(client, seller, [order_line(last_units, 6)], ship_to=_unserved_ship_to())
    [shipment] = placed.json["shipments"]
    run_jobs(app)
    listing_id = last_units["document"]["listing_id"]
    assert stock_of(app, listing_id, "CUP500-LAST") == 10
    assert order(client, seller, [order_line(last_units, 8)]).status_code == 202

    response = client.post(f"/api/v1/shipments/{shipment['id']}/retry", headers=bearer(ops_token))
    assert response.status_code == 409, response.json
    assert "stock" in response.json["error"]["message"]
    assert shipment_json(client, ops_token, shipment["id"])["state"] == "needs_attention"
    assert stock_of(app, listing_id, "CUP500-LAST") == 2

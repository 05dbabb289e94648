"""The factory answers each order in time: it confirms, or refuses with a reason that the
seller reads; an order left unanswered past its deadline shows on the ops board."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.conftest import bearer
from tests.fulfilment.factory_support import (
    listing_fixture,
    make_exporter,
    order,
    order_line,
    ready_offer,
    stock_of,
)
from tests.fulfilment.support import run_jobs, shipment_json
from tests.web.catalogs import compile_catalogs
from tests.web.conftest import get_page, sign_in

REASON = "Out of this fabric until next month"


@pytest.fixture(autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture
def last_units(app, client, exporter_token, rates):
    """The demo factory's offer with 10 units left and a lead time of 3 days."""
    return ready_offer(
        app, client, exporter_token, listing_fixture("factory/listing_last_units.json")
    )


@pytest.fixture
def placed(app, client, services, seller, last_units):
    response = order(client, seller, [order_line(last_units, 6)])
    assert response.status_code == 202, response.json
    return response.json


def _refuse(client, token, order_id, reason=REASON):
    return client.post(
        f"/api/v1/orders/{order_id}/refuse", json={"reason": reason}, headers=bearer(token)
    )


def test_refusal_cancels_at_the_carrier_gives_stock_back_and_the_seller_reads_why(
    app, client, demo, services, seller, exporter_token, last_units, placed
):
    run_jobs(app)  # the carrier has the parcel booked already
    [shipment] = placed["shipments"]
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "submitted"
    listing_id = last_units["document"]["listing_id"]
    assert stock_of(app, listing_id, "CUP500-LAST") == 4

    response = _refuse(client, exporter_token, placed["id"])
    assert response.status_code == 200, response.json
    [mine] = response.json["shipments"]
    assert mine["factory_steps"]["refused"]["reason"] == REASON
    sign_in(client, "exporter@demo.example", demo["password"])
    waiting = get_page(client, "/factory/orders").by_id("to-confirm")
    hrefs = [node.attrs.get("href") for node in waiting.walk()] if waiting else []
    assert f"/factory/shipments/{shipment['id']}" not in hrefs  # answered: not to confirm
    run_jobs(app)

    seen = client.get(f"/api/v1/orders/{placed['id']}", headers=bearer(seller["token"])).json
    assert seen["status"] == "cancelled"
    assert seen["shipments"][0]["factory_refusal"]["reason"] == REASON
    assert services["ghn"].find(shipment["idempotency_key"])["status"] == "cancel"
    assert stock_of(app, listing_id, "CUP500-LAST") == 10

    again = _refuse(client, exporter_token, placed["id"])
    assert again.status_code == 409
    confirm = client.post(f"/api/v1/orders/{placed['id']}/confirm", headers=bearer(exporter_token))
    assert confirm.status_code == 409


def test_a_refusal_needs_a_reason(client, exporter_token, placed):
    response = _refuse(client, exporter_token, placed["id"], reason="  ")
    assert response.status_code == 422
    assert "reason" in response.json["error"]["fields"]


def test_a_confirmed_order_is_not_refused(client, exporter_token, placed):
    url = f"/api/v1/orders/{placed['id']}/confirm"
    assert client.post(url, headers=bearer(exporter_token)).status_code == 200
    response = _refuse(client, exporter_token, placed["id"])
    assert response.status_code == 409
    assert response.json["error"]["code"] == "already_confirmed"


def test_another_factory_cannot_refuse_an_order_it_does_not_make(app, client, placed):
    other = make_exporter(app, "b@other.example", "另一家工厂")
    assert _refuse(client, other["token"], placed["id"]).status_code == 404


def test_the_deadline_follows_the_listing_lead_time(client, seller, placed):
    seen = client.get(f"/api/v1/orders/{placed['id']}", headers=bearer(seller["token"])).json
    created = datetime.fromisoformat(seen["created_at"])
    confirm_by = datetime.fromisoformat(seen["shipments"][0]["confirm_by"])
    assert confirm_by - created == timedelta(days=3)


def _past_deadline(app, shipment_id: int) -> None:
    from sqlalchemy import update

    from connector.extensions import db
    from connector.models import Shipment
    from connector.models.types import utcnow

    with app.app_context():
        db.session.execute(
            update(Shipment)
            .where(Shipment.id == shipment_id)
            .values(confirm_by=utcnow() - timedelta(hours=1))
        )
        db.session.commit()


def test_ops_see_orders_the_factory_left_unanswered_past_the_deadline(
    app, client, demo, exporter_token, placed
):
    [shipment] = placed["shipments"]
    sign_in(client, "ops@demo.example", demo["password"])
    assert f"#{shipment['id']}<" not in get_page(client, "/ops/shipments?late=1").html
    _past_deadline(app, shipment["id"])
    board = get_page(client, "/ops/shipments?late=1")
    assert f"#{shipment['id']}<" in board.html
    assert "factory late" in board.html
    client.post(f"/api/v1/orders/{placed['id']}/confirm", headers=bearer(exporter_token))
    assert f"#{shipment['id']}<" not in get_page(client, "/ops/shipments?late=1").html


def test_the_exporter_refuses_on_the_page_with_the_reason_beside_the_field(
    app, client, demo, services, seller, placed
):
    [shipment] = placed["shipments"]
    sign_in(client, "exporter@demo.example", demo["password"])
    page = get_page(client, f"/factory/shipments/{shipment['id']}")
    url = f"/factory/shipments/{shipment['id']}/refuse"
    empty = client.post(url, data={"csrf_token": page.csrf(), "reason": ""})
    assert empty.status_code == 400
    assert 'id="refuse-reason-error"' in empty.get_data(as_text=True)
    done = client.post(url, data={"csrf_token": page.csrf(), "reason": REASON})
    assert done.status_code == 302
    after = get_page(client, f"/factory/shipments/{shipment['id']}")
    assert REASON in after.by_id("refusal").text()
    seen = shipment_json(client, seller["token"], shipment["id"])
    assert seen["state"] == "cancelled"  # never sent: cancelled at once
    assert seen["factory_refusal"]["reason"] == REASON


def test_a_refusal_reaches_the_sellers_webhook_with_the_factorys_reason(
    app, client, services, seller, exporter_token, placed
):
    from tests.seller_hooks.receiver import Receiver
    from tests.seller_hooks.support import add_endpoint
    from tests.seller_hooks.support import run_jobs as run_hook_jobs

    with Receiver() as receiver:
        add_endpoint(client, seller["token"], receiver.url, ["order.refused"])
        assert _refuse(client, exporter_token, placed["id"]).status_code == 200
        run_hook_jobs(app)
        [refused] = receiver.events("order.refused")
    assert refused["data"]["stage"] == "factory"
    assert refused["data"]["order_id"] == placed["id"]
    assert refused["data"]["reason"]["message"] == REASON

"""Which events reach whom: offers to the sellers of their market, orders and shipments
to the seller who ordered; never another seller's."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.fulfilment.support import make_offer, make_seller, order_body, post_order
from tests.fulfilment.support import run_jobs as run_all_jobs
from tests.offers.support import create, tshirt
from tests.seller_hooks.support import add_endpoint, run_jobs


@pytest.mark.both_databases
def test_offer_events_reach_only_the_sellers_of_the_offers_market(
    database_url,
    app,
    client,
    exporter_token,
    rates,
    translator,
    seller,
    other_seller,
    receiver,
    other_receiver,
):
    add_endpoint(client, seller["token"], receiver.url, ["offer.changed", "offer.withdrawn"])
    add_endpoint(client, other_seller["token"], other_receiver.url)
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    changed = receiver.events("offer.changed")
    assert {event["data"]["market"] for event in changed} == {"VN"}
    [offer] = [o for e in changed for o in e["data"]["offers"] if o["listing_id"] == listing["id"]]
    assert offer["version"] == 1
    assert offer["url"].endswith(f"/api/v1/offers/{offer['offer_id']}")
    assert {e["data"]["market"] for e in other_receiver.events()} == {"KZ"}

    client.patch(
        f"/api/v1/listings/{listing['id']}",
        json={"status": "draft"},
        headers=bearer(exporter_token),
    )
    run_jobs(app)
    [withdrawn] = receiver.events("offer.withdrawn")
    assert withdrawn["data"]["offers"] == [
        {**offer, "status": "withdrawn", "version": 2, "hold_reasons": ["listing_withdrawn"]}
    ]
    assert {e["data"]["market"] for e in other_receiver.events("offer.withdrawn")} == {"KZ"}


def test_a_reprice_that_changes_nothing_sends_nothing(
    app, client, exporter_token, rates, translator, seller, receiver
):
    add_endpoint(client, seller["token"], receiver.url)
    create(client, exporter_token, tshirt())
    run_jobs(app)
    before = len(receiver.received)
    from connector.offers.service import reprice_market

    with app.app_context():
        reprice_market("VN")
    run_jobs(app)
    assert len(receiver.received) == before


def test_endpoint_hears_only_the_events_it_chose(
    app, client, exporter_token, rates, translator, seller, receiver
):
    add_endpoint(client, seller["token"], receiver.url, ["order.refused"])
    create(client, exporter_token, tshirt())
    run_jobs(app)
    assert receiver.received == []


@pytest.mark.both_databases
def test_order_and_shipment_events_reach_only_the_seller_who_ordered(
    database_url, app, client, services, seller, receiver, other_receiver
):
    neighbour = make_seller(app, "saigon@shop.example", markets=("VN",))
    add_endpoint(client, seller["token"], receiver.url)
    add_endpoint(client, neighbour["token"], other_receiver.url)
    offer_id = make_offer(app, "VN")
    response = post_order(client, seller["token"], order_body(offer_id, reference="HN-1001"))
    assert response.status_code == 202, response.json
    order = response.json
    run_all_jobs(app)
    [accepted] = receiver.events("order.accepted")
    assert accepted["data"]["order_id"] == order["id"]
    assert accepted["data"]["reference"] == "HN-1001"
    assert accepted["data"]["total"] == order["total"]
    [shipment] = order["shipments"]
    updates = receiver.events("shipment.updated")
    assert [u["data"]["state"] for u in updates] == ["submitted"]
    assert updates[0]["data"]["shipment_id"] == shipment["id"]
    assert updates[0]["data"]["tracking_number"]
    assert other_receiver.received == []


def test_a_cancelled_shipment_is_an_update_to_its_seller(
    app, client, services, seller, receiver, ops_token
):
    add_endpoint(client, seller["token"], receiver.url, ["shipment.updated"])
    offer_id = make_offer(app, "VN")
    order = post_order(client, seller["token"], order_body(offer_id)).json
    [shipment] = order["shipments"]
    cancelled = client.post(f"/api/v1/shipments/{shipment['id']}/cancel", headers=bearer(ops_token))
    assert cancelled.status_code in (200, 202), cancelled.json
    run_all_jobs(app)
    assert [u["data"]["state"] for u in receiver.events("shipment.updated")] == ["cancelled"]


def test_an_order_refused_at_intake_tells_its_seller_why(
    app, client, services, seller, receiver, other_receiver
):
    neighbour = make_seller(app, "saigon@shop.example", markets=("VN",))
    add_endpoint(client, seller["token"], receiver.url)
    add_endpoint(client, neighbour["token"], other_receiver.url)
    offer_id = make_offer(app, "VN")
    response = post_order(client, seller["token"], order_body(offer_id, quantity=1))
    assert response.status_code == 422
    run_jobs(app)
    [refused] = receiver.events("order.refused")
    assert refused["data"]["stage"] == "intake" and refused["data"]["order_id"] is None
    assert refused["data"]["reason"]["code"] == "invalid_order"
    assert "lines.0.quantity" in refused["data"]["reason"]["fields"]
    assert other_receiver.received == []

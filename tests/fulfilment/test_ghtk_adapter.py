"""GHTK: request building, URLs and headers, parsing of answers, errors and updates,
then the adapter against the simulator and its updates through the app's receiver."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from adapters.carriers import ghtk
from adapters.carriers.base import (
    AddressRejected,
    AuthFailed,
    Booking,
    CannotCancel,
    DuplicateReference,
    PhoneNotAccepted,
)
from adapters.errors import BadResponse, OutcomeUnknown
from simulators.ghtk import GhtkSimulator
from tests.fulfilment.sample_requests import vn_request
from tests.fulfilment.support import RecordingSession, fixture

SETTINGS = ghtk.GhtkSettings(
    url="https://services.giaohangtietkiem.vn",
    token="tok-1",
    partner_code="S308157",
    pick_address_id="88",
)


def ghtk_request():
    return dataclasses.replace(vn_request(), key="CBC-42-ghtk-1")


# -- pure: requests and answers ------------------------------------------------------


def test_build_order_sends_grams_whole_dong_and_our_key():
    body = ghtk.build_order(ghtk_request(), SETTINGS)
    order = body["order"]
    assert order["id"] == "CBC-42-ghtk-1"
    assert order["tel"] == "0901234567" and order["pick_money"] == 0
    assert order["weight_option"] == "gram" and order["total_weight"] == 13200
    assert order["value"] == 16140000 and order["transport"] == "road"
    assert order["pick_address_id"] == "88" and "pick_address" not in order
    assert (order["province"], order["district"], order["ward"]) == (
        "Hồ Chí Minh",
        "Quận 1",
        "Phường Bến Nghé",
    )
    assert body["products"] == [
        {
            "name": "Áo thun cotton cổ tròn",
            "weight": 220,
            "quantity": 60,
            "product_code": "TS180-WHT-M",
            "price": 269000,
        }
    ]


def test_a_chosen_service_level_is_sent_as_the_transport():
    request = dataclasses.replace(ghtk_request(), service="fly")
    assert ghtk.build_order(request, SETTINGS)["order"]["transport"] == "fly"


def test_landlines_are_not_accepted():
    with pytest.raises(PhoneNotAccepted):
        ghtk.phone_for_service("+842838221234")


def test_create_url_and_headers():
    session = RecordingSession((200, fixture("ghtk/create_order_response.json")))
    adapter = ghtk.GhtkAdapter(SETTINGS, session=session)
    booking = adapter.create(ghtk_request())
    [call] = session.calls
    assert call["method"] == "POST"
    assert call["url"] == "https://services.giaohangtietkiem.vn/services/shipment/order/?ver=1.5"
    assert call["timeout"] == (3.05, 10.0)
    assert ghtk.headers(SETTINGS) == {"Token": "tok-1", "X-Client-Source": "S308157"}
    assert booking.external_ref == "S1.A1.17373471" and booking.status == "2"


def test_parse_errors_into_our_codes():
    with pytest.raises(DuplicateReference):
        ghtk.parse_order(200, fixture("ghtk/error_duplicate.json"))
    with pytest.raises(AddressRejected):
        ghtk.parse_order(200, fixture("ghtk/error_address.json"))
    with pytest.raises(AuthFailed):
        ghtk.parse_order(401, fixture("ghtk/error_token.json"))
    with pytest.raises(BadResponse):
        ghtk.parse_order(200, ["not", "an", "answer"])


def test_parse_status_and_not_found():
    booking = ghtk.parse_status(200, fixture("ghtk/status_response.json"))
    assert booking.external_ref == "S1.A1.17373471" and booking.status == "4"
    [event] = ghtk.tracking_events(booking)
    assert event.state == "in_transit" and event.key == "CBC-42-ghtk-1"
    assert ghtk.parse_status(200, fixture("ghtk/status_not_found.json")) is None


def test_update_becomes_an_event_with_its_reason():
    [event] = ghtk.parse_webhook(fixture("ghtk/webhook_update.json"))
    assert event.status == "9" and event.state == "needs_attention"
    assert event.reason == "carrier_not_delivered" == ghtk.reason_for("9")
    assert event.key == "CBC-42-ghtk-1" and event.external_ref == "S1.A1.17373471"
    assert event.occurred_at == datetime(2026, 12, 6, 9, 18, 39, tzinfo=UTC)
    with pytest.raises(BadResponse):
        ghtk.parse_webhook({"status_id": "5"})


def test_update_secret_rides_in_the_callback_url():
    assert ghtk.webhook_authentic("s3cret", b"", {}, {"hash": "s3cret"})
    assert not ghtk.webhook_authentic("s3cret", b"", {}, {"hash": "guess"})


# -- against the simulator -----------------------------------------------------------


@pytest.fixture(scope="module")
def ghtk_sim_server():
    with GhtkSimulator(token="tok-1") as simulator:
        yield simulator


@pytest.fixture
def ghtk_sim(ghtk_sim_server):
    ghtk_sim_server.reset()
    return ghtk_sim_server


def _adapter(sim) -> ghtk.GhtkAdapter:
    return ghtk.GhtkAdapter.from_settings(
        {"url": sim.url, "token": "tok-1", "partner_code": "S308157", "timeout": (1.0, 1.5)}
    )


def test_create_lookup_label_and_cancel_at_the_simulator(ghtk_sim):
    adapter = _adapter(ghtk_sim)
    booking = adapter.create(ghtk_request())
    found = adapter.lookup("CBC-42-ghtk-1")
    assert found is not None and found.external_ref == booking.external_ref
    [label] = adapter.documents(booking)
    assert label.kind == "label" and label.data.startswith(b"%PDF")
    adapter.cancel(booking)
    assert adapter.lookup("", booking.external_ref).status in ghtk.CANCELLED_STATUSES
    with pytest.raises(CannotCancel):
        adapter.cancel(booking)


def test_a_second_create_under_the_same_key_is_refused(ghtk_sim):
    adapter = _adapter(ghtk_sim)
    adapter.create(ghtk_request())
    with pytest.raises(DuplicateReference):
        adapter.create(ghtk_request())
    assert ghtk_sim.parcel_counts()["CBC-42-ghtk-1"] == 1


def test_a_dropped_answer_is_found_by_our_key_not_sent_again(ghtk_sim):
    adapter = _adapter(ghtk_sim)
    ghtk_sim.act_then_drop()
    with pytest.raises(OutcomeUnknown):
        adapter.create(ghtk_request())
    assert adapter.lookup("CBC-42-ghtk-1") is not None
    assert ghtk_sim.parcel_counts()["CBC-42-ghtk-1"] == 1


def test_unserved_districts_are_a_permanent_rejection(ghtk_sim):
    request = ghtk_request()
    request = dataclasses.replace(
        request, recipient=dataclasses.replace(request.recipient, district="Huyện Trường Sa")
    )
    with pytest.raises(AddressRejected):
        _adapter(ghtk_sim).create(request)


def test_wrong_token_is_auth_failed(ghtk_sim):
    adapter = ghtk.GhtkAdapter.from_settings(
        {"url": ghtk_sim.url, "token": "wrong", "partner_code": "S308157"}
    )
    with pytest.raises(AuthFailed):
        adapter.lookup("CBC-42-ghtk-1")


def test_the_apps_receiver_takes_ghtk_form_updates_without_knowing_ghtk(app, client, ghtk_sim):
    """Registered and configured is all it takes: the receiver checks the secret and
    reads the form through the adapter; no shipment of ours has this key (404)."""
    app.config["SHIPPING_ADAPTERS"]["ghtk"] = {"url": ghtk_sim.url, "webhook_secret": "hook"}
    app.config["SHIPPING_ADAPTERS_ENABLED"] = [*app.config["SHIPPING_ADAPTERS_ENABLED"], "ghtk"]
    form = fixture("ghtk/webhook_update.json")
    assert client.post("/webhooks/ghtk?hash=nope", data=form).status_code == 401
    assert client.post("/webhooks/ghtk?hash=hook", data={"x": "1"}).status_code == 400
    answer = client.post("/webhooks/ghtk?hash=hook", data=form)
    assert answer.status_code == 404 and answer.json["error"]["code"] == "unknown_shipment"


def test_booking_status_is_kept_as_text():
    assert Booking(external_ref="S1", status="-1").status in ghtk.CANCELLED_STATUSES


# -- through the app: a VN order that chooses GHTK ----------------------------------


def test_a_vn_order_choosing_ghtk_is_sent_there_once_and_tracked(
    app, client, services, seller, ghtk_sim
):
    from tests.fulfilment.support import (
        make_offer,
        order_body,
        post_order,
        run_jobs,
        shipment_json,
    )

    app.config["SHIPPING_ADAPTERS"]["ghtk"] = {
        "url": ghtk_sim.url,
        "sandbox": True,
        "token": "tok-1",
        "partner_code": "S308157",
        "webhook_secret": "ghtk-hook",
        "timeout": [1.0, 1.5],
    }
    app.config["SHIPPING_ADAPTERS_ENABLED"] = ["ghn", "cdek", "consolidation", "ghtk"]
    ghtk_sim.webhook_url = "http://localhost/unused"  # updates go through the test client
    offer_id = make_offer(app, "VN")
    response = post_order(client, seller["token"], order_body(offer_id, carrier="ghtk"))
    assert response.status_code == 202, response.json
    [shipment] = response.json["shipments"]
    assert shipment["adapter"] == "ghtk"
    run_jobs(app)
    sent = shipment_json(client, seller["token"], shipment["id"])
    assert sent["state"] == "submitted" and sent["tracking_number"]
    assert ghtk_sim.parcel_counts() == {shipment["idempotency_key"]: 1}
    assert services["ghn"].parcel_counts() == {}

    update = ghtk_sim.update_fields(ghtk_sim.find(shipment["idempotency_key"]))
    update["status_id"] = "5"
    answer = client.post("/webhooks/ghtk?hash=ghtk-hook", data=update)
    assert answer.status_code == 200, answer.json
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "delivered"


def test_a_carrier_the_market_does_not_offer_is_refused_by_field(app, client, services, seller):
    from tests.fulfilment.support import make_offer, order_body, post_order

    offer_id = make_offer(app, "KZ")
    response = post_order(
        client, seller["token"], order_body(offer_id, market="KZ", carrier="ghtk")
    )
    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == ["carrier"]


def test_an_address_refusal_names_the_field_ghtk_objected_to():
    with pytest.raises(AddressRejected) as caught:
        ghtk.parse_order(200, fixture("ghtk/error_address.json"))
    assert caught.value.field == "line1"  # "the delivery address is not served"

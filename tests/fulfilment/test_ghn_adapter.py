"""GHN: request building, URLs and headers, parsing of answers and errors (Karrio style)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.carriers import ghn
from adapters.carriers.base import AddressRejected, AuthFailed, Booking, DuplicateReference
from adapters.errors import BadResponse, ProviderUnavailable, Rejected
from tests.fulfilment.sample_requests import vn_request
from tests.fulfilment.support import RecordingSession, fixture

SETTINGS = ghn.GhnSettings(url="https://online-gateway.ghn.vn", token="tok-1", shop_id="885")


def test_build_create_order_request():
    body = ghn.build_create_order(vn_request(), SETTINGS)
    assert body == fixture("ghn/create_order_request.json")
    # Integers only: grams, centimetres, whole VND; insurance capped at GHN's ceiling.
    assert body["insurance_value"] == 5_000_000 and body["to_phone"] == "0901234567"


def test_create_order_url_and_headers():
    session = RecordingSession((200, fixture("ghn/create_order_response.json")))
    adapter = ghn.GhnAdapter(SETTINGS, session=session)
    adapter.create(vn_request())
    [call] = session.calls
    assert call["method"] == "POST"
    assert call["url"] == (
        "https://online-gateway.ghn.vn/shiip/public-api/v2/shipping-order/create"
    )
    assert call["json"]["client_order_code"] == "CBC-42-ghn-1"
    assert call["timeout"] == (3.05, 10.0)
    assert ghn.headers(SETTINGS) == {"Token": "tok-1", "ShopId": "885"}


def test_parse_create_order_success():
    booking = ghn.parse_create_order(200, fixture("ghn/create_order_response.json"))
    assert booking.external_ref == booking.tracking_number == "LKX7YBDQ"
    assert booking.status == "ready_to_pick" and not booking.pending
    assert booking.details["total_fee"] == 47000


@pytest.mark.parametrize(
    ("status", "name", "error", "code", "transient"),
    [
        (400, "error_phone_invalid", AddressRejected, "address_rejected", False),
        (400, "error_duplicate", DuplicateReference, "duplicate_reference", True),
        (401, "error_token", AuthFailed, "auth_failed", False),
        (400, "error_common", Rejected, "rejected", False),
    ],
)
def test_parse_create_order_errors(status, name, error, code, transient):
    with pytest.raises(error) as caught:
        ghn.parse_create_order(status, fixture(f"ghn/{name}.json"))
    assert caught.value.code == code and caught.value.transient is transient
    assert caught.value.provider == "ghn"


def test_parse_create_order_garbage():
    with pytest.raises(BadResponse):
        ghn.parse_create_order(200, ["not", "an", "envelope"])
    with pytest.raises(ProviderUnavailable):
        ghn.parse_create_order(200, {"code": 500, "message": "Hệ thống bận"})


def test_lookup_by_client_code_url_and_not_found():
    session = RecordingSession((400, fixture("ghn/detail_not_found.json")))
    adapter = ghn.GhnAdapter(SETTINGS, session=session)
    assert adapter.lookup("CBC-42-ghn-1") is None
    assert session.calls[0]["url"].endswith("/v2/shipping-order/detail-by-client-code")
    assert session.calls[0]["json"] == {"client_order_code": "CBC-42-ghn-1"}


def test_parse_detail_and_its_log_as_events():
    booking = ghn.parse_detail(200, fixture("ghn/detail_response.json"))
    assert booking.external_ref == "LKX7YBDQ" and booking.status == "delivering"
    events = ghn.tracking_events(booking)
    assert [(e.status, e.state) for e in events] == [
        ("ready_to_pick", "submitted"),
        ("picked", "in_transit"),
        ("delivering", "in_transit"),
    ]
    assert events[1].occurred_at == datetime(2026, 11, 26, 9, 31, 12, tzinfo=UTC)
    assert all(e.key == "CBC-42-ghn-1" for e in events)


def test_parse_webhook():
    [event] = ghn.parse_webhook(fixture("ghn/webhook_switch_status.json"))
    assert (event.status, event.state, event.key, event.external_ref) == (
        "delivered",
        "delivered",
        "CBC-42-ghn-1",
        "LKX7YBDQ",
    )
    assert event.occurred_at.year == 2026
    assert ghn.parse_webhook({**fixture("ghn/webhook_switch_status.json"), "Status": ""}) == []
    with pytest.raises(BadResponse):
        ghn.parse_webhook({"Status": "delivered"})


def test_status_map_marks_returns_and_losses_for_attention():
    assert ghn.event_for("lost", None).reason == "carrier_lost"
    assert ghn.event_for("returned", None).reason == "carrier_return"
    assert ghn.event_for("cancel", None).state == "cancelled"
    assert ghn.event_for("something_new", None).state is None


def test_label_is_fetched_through_a_print_token():
    session = RecordingSession(
        (200, {"code": 200, "message": "Success", "data": {"token": "p-tok"}}),
        (200, b"<html>A5</html>"),
    )
    adapter = ghn.GhnAdapter(SETTINGS, session=session)
    [label] = adapter.documents(Booking(external_ref="LKX7YBDQ"))
    assert session.calls[0]["json"] == {"order_codes": ["LKX7YBDQ"]}
    assert session.calls[1]["url"] == (
        "https://online-gateway.ghn.vn/a5/public-api/printA5?token=p-tok"
    )
    assert label.kind == "label" and label.data == b"<html>A5</html>"


def test_an_address_refusal_names_the_field_ghn_objected_to():
    with pytest.raises(AddressRejected) as caught:
        ghn.parse_create_order(400, fixture("ghn/error_phone_invalid.json"))
    assert caught.value.field == "phone"
    ward = {"code": 400, "message": "Phường/xã giao hàng chưa được hỗ trợ"}
    with pytest.raises(AddressRejected) as caught:
        ghn.parse_create_order(400, {**ward, "code_message": "WARD_NOT_SUPPORTED"})
    assert caught.value.field == "ward"

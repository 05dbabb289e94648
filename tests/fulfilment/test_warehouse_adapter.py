"""The consolidation warehouse: inbound notes, labels, errors, signed webhooks (Karrio style)."""

from __future__ import annotations

import json

import pytest

from adapters.carriers.base import AuthFailed, Booking, DuplicateReference, NotFound
from adapters.errors import Rejected
from adapters.warehouses import consolidation as warehouse
from tests.fulfilment.sample_requests import warehouse_request
from tests.fulfilment.support import RecordingSession, fixture, fixture_bytes

SETTINGS = warehouse.WarehouseSettings(
    url="https://wh.example", api_key="key-1", warehouse_code="YW01"
)


def test_build_inbound_note_request():
    body = warehouse.build_inbound_note(warehouse_request(), SETTINGS)
    assert body == fixture("warehouse/note_request.json")
    assert body["lines"][0]["declared_value"] == "233000"  # decimal strings, never floats


def test_inbound_note_url_and_idempotency_header():
    session = RecordingSession((201, fixture("warehouse/note_created.json")))
    booking = warehouse.ConsolidationWarehouseAdapter(SETTINGS, session=session).create(
        warehouse_request()
    )
    [call] = session.calls
    assert (call["method"], call["url"]) == ("POST", "https://wh.example/v1/inbound-notes")
    assert call["headers"] == {"Idempotency-Key": "CBC-44-consolidation-1"}
    assert booking.external_ref == booking.tracking_number == "IN000317"


def test_parse_note_created():
    booking = warehouse.parse_note(201, fixture("warehouse/note_created.json"))
    assert booking.status == "created" and booking.details["reference"] == "CBC-44-consolidation-1"
    assert [e.state for e in warehouse.tracking_events(booking)] == ["submitted"]


@pytest.mark.parametrize(
    ("status", "name", "error", "code"),
    [
        (409, "error_duplicate", DuplicateReference, "duplicate_reference"),
        (422, "error_invalid", Rejected, "rejected"),
        (401, "error_unauthorized", AuthFailed, "auth_failed"),
        (404, "error_unauthorized", AuthFailed, "auth_failed"),
    ],
)
def test_parse_errors(status, name, error, code):
    with pytest.raises(error) as caught:
        warehouse.parse_note(status, fixture(f"warehouse/{name}.json"))
    assert caught.value.code == code


def test_invalid_note_names_the_fields():
    with pytest.raises(Rejected) as caught:
        warehouse.parse_note(422, fixture("warehouse/error_invalid.json"))
    assert "lines.0.quantity" in caught.value.message and not caught.value.transient


def test_lookup_by_reference():
    session = RecordingSession((200, fixture("warehouse/search_empty.json")))
    adapter = warehouse.ConsolidationWarehouseAdapter(SETTINGS, session=session)
    assert adapter.lookup("CBC-44-consolidation-1") is None
    assert session.calls[0]["params"] == {"reference": "CBC-44-consolidation-1"}
    with pytest.raises(NotFound):
        warehouse.parse_note(404, {"error": {"code": "not_found", "message": "No such note"}})


def test_labels_are_two_pdfs():
    session = RecordingSession((200, b"%PDF-1.4 boxes"), (200, b"%PDF-1.4 skus"))
    documents = warehouse.ConsolidationWarehouseAdapter(SETTINGS, session=session).documents(
        Booking(external_ref="IN000317")
    )
    assert [d.kind for d in documents] == ["box_labels", "sku_labels"]
    assert [c["url"] for c in session.calls] == [
        "https://wh.example/v1/inbound-notes/IN000317/labels/boxes.pdf",
        "https://wh.example/v1/inbound-notes/IN000317/labels/skus.pdf",
    ]


def test_parse_received_webhook_with_its_receipt():
    [event] = warehouse.parse_webhook(fixture("warehouse/webhook_received.json"))
    assert (event.status, event.state, event.key, event.external_ref) == (
        "received",
        "delivered",
        "CBC-44-consolidation-1",
        "IN000317",
    )
    assert event.data["receipt"]["lines"][0]["received"] == 997


def test_signatures():
    body = fixture_bytes("warehouse/webhook_received.json")
    header = warehouse.sign("s3cret", body, 1_800_000_000)
    assert warehouse.verify_signature("s3cret", header, body, now=1_800_000_100)
    assert not warehouse.verify_signature("s3cret", header, body + b" ", now=1_800_000_100)
    assert not warehouse.verify_signature("other", header, body, now=1_800_000_100)
    assert not warehouse.verify_signature("s3cret", header, body, now=1_800_001_000)  # replay
    assert not warehouse.verify_signature("s3cret", None, body)
    assert not warehouse.verify_signature("s3cret", "t=abc,v1=00", body)
    assert json.loads(body)["type"] == "inbound_note.updated"

"""The consolidation warehouse of the fully managed programs: inbound (stocking) notes.

The factory does not ship to buyers: it sends stock into the platform's
warehouse, which sells and ships. Before sending, it files an inbound note
(SKU lines, quantities, box count) and gets back a note id, box labels and
SKU barcode labels (PDF) to stick on; the warehouse then reports arrival and
receipt (what it counted, what was damaged). The API is described in
``docs/warehouse-api.md``; in short:

* ``POST /v1/inbound-notes`` (``Idempotency-Key`` = our ``reference``) -> 201
  ``{"note": {...}}``; an existing reference -> 409 ``duplicate_reference``.
* ``GET /v1/inbound-notes?reference=<key>`` -> ``{"items": [...]}``: reconcile.
* ``GET /v1/inbound-notes/<id>`` -> ``{"note": {...}}`` with ``status``, ``events``
  and, once received, ``receipt``.
* ``GET /v1/inbound-notes/<id>/labels/boxes.pdf`` and ``.../skus.pdf``.
* ``POST /v1/inbound-notes/<id>/cancel`` while the boxes have not left.
* Errors: ``{"error": {"code": "...", "message": "...", "fields": {...}}}``.
* Webhooks are signed: ``X-Warehouse-Signature: t=<unix>,v1=<hex HMAC-SHA256 of
  "<t>.<body>">`` with the shared secret; see :func:`verify_signature`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from adapters.carriers.base import (
    AuthFailed,
    Booking,
    CannotCancel,
    Document,
    DuplicateReference,
    NotFound,
    ServiceClient,
    ShipmentRequest,
    TrackingEvent,
    json_of,
    parse_time,
)
from adapters.errors import AdapterError, BadResponse, ProviderUnavailable, Rejected
from adapters.http import DEFAULT_TIMEOUT
from adapters.settings import settings_from

PROVIDER = "consolidation"
NOTES = "/v1/inbound-notes"
SIGNATURE_HEADER = "X-Warehouse-Signature"
SIGNATURE_TOLERANCE_SECONDS = 300

STATUS_STATES = {
    "created": "submitted",
    "in_transit": "in_transit",
    "arrived": "in_transit",
    "receiving": "in_transit",
    "received": "delivered",
    "cancelled": "cancelled",
    "exception": "needs_attention",
}
LABELS = (("box_labels", "boxes"), ("sku_labels", "skus"))
CANCELLED_STATUSES = frozenset({"cancelled"})


@dataclass(frozen=True)
class WarehouseSettings:
    url: str
    api_key: str
    warehouse_code: str
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    sandbox: bool = False

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> WarehouseSettings:
        return settings_from(cls, settings, PROVIDER)


# -- pure: requests ------------------------------------------------------------------


def build_inbound_note(request: ShipmentRequest, settings: WarehouseSettings) -> dict[str, Any]:
    """The JSON body of ``POST /v1/inbound-notes`` (money as decimal strings)."""
    return {
        "reference": request.key,
        "warehouse_code": settings.warehouse_code,
        "market": request.market,
        "supplier": {"name": request.sender_name},
        "box_count": request.parcel.box_count,
        "total_weight_g": request.parcel.weight_g,
        "note": request.note[:500],
        "lines": [
            {
                "sku": item.sku,
                "name": item.name[:200],
                "quantity": item.quantity,
                "declared_value": str(item.unit_value),
                "currency": request.currency,
                "hs_code": item.hs_code,
            }
            for item in request.items
        ],
    }


def label_path(note_id: str, which: str) -> str:
    return f"{NOTES}/{note_id}/labels/{which}.pdf"


# -- pure: responses -----------------------------------------------------------------


def error_from(status: int, body: Any, operation: str = "create") -> AdapterError:
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return BadResponse(f"HTTP {status}: not a warehouse answer", provider=PROVIDER)
    code = str(error.get("code") or f"http_{status}")
    message = str(error.get("message") or code)
    if status == 401 or code == "unauthorized":
        return AuthFailed(message, provider=PROVIDER)
    if code == "duplicate_reference":
        return DuplicateReference(message, provider=PROVIDER)
    if status == 404 or code == "not_found":
        return NotFound(message, provider=PROVIDER)
    if code == "not_cancellable" or operation == "cancel":
        return CannotCancel(message, provider=PROVIDER)
    if status >= 500:
        return ProviderUnavailable(message, code="server_error", provider=PROVIDER)
    fields = error.get("fields")
    if isinstance(fields, dict) and fields:
        message = f"{message} ({', '.join(sorted(fields))})"
    return Rejected(
        message, code=code if code != "invalid_request" else "rejected", provider=PROVIDER
    )


def booking_from_note(note: Any) -> Booking:
    if not isinstance(note, dict) or not note.get("id"):
        raise BadResponse("note without id", provider=PROVIDER)
    return Booking(
        external_ref=str(note["id"]),
        tracking_number=str(note["id"]),
        status=note.get("status"),
        details={
            "reference": note.get("reference"),
            "events": note.get("events") or [],
            "receipt": note.get("receipt"),
            "labels": note.get("labels") or {},
        },
    )


def parse_note(status: int, body: Any, operation: str = "create") -> Booking:
    if status >= 400 or not isinstance(body, dict):
        raise error_from(status, body, operation)
    return booking_from_note(body.get("note"))


def parse_search(status: int, body: Any) -> Booking | None:
    if status >= 400:
        raise error_from(status, body, "lookup")
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise BadResponse("search answer without items", provider=PROVIDER)
    live = [note for note in items if isinstance(note, dict) and note.get("status") != "cancelled"]
    return booking_from_note(live[0]) if live else None


def event_for(status: str, when: Any, note: dict | None = None, **fields) -> TrackingEvent:
    state = STATUS_STATES.get(status)
    data: dict[str, Any] = {}
    if note and note.get("receipt") and status == "received":
        data["receipt"] = note["receipt"]
    return TrackingEvent(
        status=status,
        state=state,
        occurred_at=parse_time(when),
        reason=reason_for(status) if state == "needs_attention" else None,
        data=data,
        **fields,
    )


def reason_for(status: str) -> str:
    """Every warehouse status that needs a person is an exception at the warehouse."""
    return "warehouse_exception" if status in STATUS_STATES else "carrier_exception"


def tracking_events(booking: Booking) -> list[TrackingEvent]:
    note = {"receipt": booking.details.get("receipt")}
    return [
        event_for(
            str(entry.get("status")),
            entry.get("at"),
            note,
            description=str(entry.get("description") or "")[:300],
            key=booking.details.get("reference"),
            external_ref=booking.external_ref,
            tracking_number=booking.external_ref,
        )
        for entry in booking.details.get("events") or []
        if isinstance(entry, dict) and entry.get("status")
    ]


def parse_webhook(payload: Any) -> list[TrackingEvent]:
    """``inbound_note.updated``: the note's newest status as one event."""
    if not isinstance(payload, dict) or not payload.get("type"):
        raise BadResponse("webhook without type", provider=PROVIDER)
    note = (payload.get("data") or {}).get("note")
    if not isinstance(note, dict) or not note.get("id") or not note.get("status"):
        raise BadResponse("webhook without a note", provider=PROVIDER)
    return [
        event_for(
            str(note["status"]),
            note.get("updated_at") or payload.get("created_at"),
            note,
            description=str(payload.get("type")),
            key=note.get("reference"),
            external_ref=str(note["id"]),
            tracking_number=str(note["id"]),
        )
    ]


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The signature header value for ``body`` sent at ``timestamp``."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def webhook_authentic(
    secret: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
) -> bool:
    """The warehouse signs its body (HMAC-SHA256 with a timestamp)."""
    return verify_signature(secret, headers.get(SIGNATURE_HEADER), body)


def verify_signature(
    secret: str, header: str | None, body: bytes, now: float | None = None
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, recently (replays are refused)."""
    if not header:
        return False
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# -- the client ----------------------------------------------------------------------


class ConsolidationWarehouseAdapter(ServiceClient):
    """Fully managed stock: inbound notes at the consolidation warehouse."""

    name = PROVIDER
    label = "the consolidation warehouse"
    kind = "warehouse"
    required_address_fields: tuple[str, ...] = ()
    service_levels: tuple[tuple[str, str], ...] = ()  # one way in: the inbound note
    cancelled_statuses = CANCELLED_STATUSES
    # The receipt is stored when the boxes are received (from the tracking event).
    document_kinds = ("box_labels", "sku_labels", "receipt")
    label_kinds = ("box_labels",)
    reason_for = staticmethod(reason_for)
    parse_webhook = staticmethod(parse_webhook)
    webhook_authentic = staticmethod(webhook_authentic)

    @staticmethod
    def phone_for_service(e164: str) -> str:
        """The warehouse calls nobody: any valid number is kept as it is."""
        return e164

    settings_type = WarehouseSettings

    @staticmethod
    def session_headers(settings: WarehouseSettings) -> dict[str, str]:
        return {"Authorization": f"Bearer {settings.api_key}"}

    @classmethod
    def default_service(cls, settings: Mapping[str, Any]) -> str | None:
        return None

    def create(self, request: ShipmentRequest) -> Booking:
        response = self._send(
            "POST",
            NOTES,
            json=build_inbound_note(request, self.settings),
            headers={"Idempotency-Key": request.key},
        )
        return parse_note(response.status_code, json_of(response, PROVIDER))

    def lookup(self, key: str, external_ref: str | None = None) -> Booking | None:
        if external_ref:
            response = self._send("GET", f"{NOTES}/{external_ref}")
            if response.status_code == 404:
                return None
            return parse_note(response.status_code, json_of(response, PROVIDER), "lookup")
        response = self._send("GET", NOTES, params={"reference": key})
        return parse_search(response.status_code, json_of(response, PROVIDER))

    def confirm(self, booking: Booking) -> Booking:
        return booking

    def documents(self, booking: Booking) -> list[Document]:
        documents = []
        for kind, which in LABELS:
            response = self._send("GET", label_path(booking.external_ref, which))
            if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                raise BadResponse(
                    f"{which} labels answered HTTP {response.status_code}", provider=PROVIDER
                )
            documents.append(
                Document(
                    kind, "application/pdf", response.content, f"{booking.external_ref}-{which}.pdf"
                )
            )
        return documents

    def track(self, booking: Booking) -> list[TrackingEvent]:
        found = self.lookup("", booking.external_ref)
        if found is None:
            raise NotFound(f"no inbound note {booking.external_ref}", provider=PROVIDER)
        return tracking_events(found)

    def cancel(self, booking: Booking) -> None:
        response = self._send("POST", f"{NOTES}/{booking.external_ref}/cancel")
        if response.status_code >= 400:
            raise error_from(response.status_code, json_of(response, PROVIDER), "cancel")

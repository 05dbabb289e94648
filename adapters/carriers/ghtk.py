"""GHTK (Giao Hàng Tiết Kiệm), Vietnam: the shop's public services API.

* ``POST /services/shipment/order/?ver=1.5`` with headers ``Token`` and
  ``X-Client-Source``: ``{"products": [...], "order": {...}}``. Our idempotency
  key goes in ``order.id``; GHTK answers the ``label`` (its tracking code) and
  refuses a second order with the same id (error code ``ORDER_ID_EXIST``).
* ``GET /services/shipment/v2/<label or our id>``: status of one order; the
  reconcile step before any re-send looks it up by our id.
* ``POST /services/shipment/cancel/<label>``: cancels an order not yet picked up.
* ``GET /services/label/<label>``: the label as a PDF (JSON on error).

Product weights are sent in grams (``weight_option: gram``), money in whole VND.
Every JSON answer is ``{"success": true|false, "message": "...", ...}``.

GHTK posts status updates as a form (``label_id``, ``partner_id``, ``status_id``,
``action_time``, ``reason_code``, ``reason``) to the callback URL set for the
shop, which carries our secret (``?hash=`` as GHTK's guide writes it, or
``?token=``): see :func:`parse_webhook`.

Checked against GHTK's public guide, "8. Webhook"
(https://api.ghtk.vn/en/docs/submit-order/webhook, also
https://docs.giaohangtietkiem.vn/en/docs/submit-order/webhook): the update is
``application/x-www-form-urlencoded`` with those fields (plus ``weight`` in kg,
``fee``, ``return_part_package``, which we do not use); ``status_id`` is an
integer and ``reason_code`` a string or an integer depending on the page, so
both are read as text; ``action_time`` is ISO 8601 with an offset (+07:00);
``partner_id`` is the order id we sent (our key). GHTK counts only HTTP 200 as
received and otherwise sends the update again, so every other answer of our
receiver (401, 404, 409) means "send it again or give up", never "done".
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from adapters.carriers.base import (
    WEBHOOK_TOKEN_HEADER,
    AddressRejected,
    AuthFailed,
    Booking,
    CannotCancel,
    Document,
    DuplicateReference,
    NotFound,
    PhoneNotAccepted,
    ServiceClient,
    ShipmentRequest,
    TrackingEvent,
    _l,
    carrier_reason,
    field_named,
    json_of,
    status_event,
    whole,
)
from adapters.errors import AdapterError, BadResponse, ProviderUnavailable, Rejected
from adapters.http import DEFAULT_TIMEOUT
from adapters.settings import settings_from

PROVIDER = "ghtk"
CREATE = "/services/shipment/order/?ver=1.5"
STATUS = "/services/shipment/v2/"
CANCEL = "/services/shipment/cancel/"
LABEL = "/services/label/"

# GHTK's status_id -> our shipment state (None: recorded, no state change). The codes
# are the order status list of GHTK's guide (linked from its webhook page, see the module
# docstring): -1 cancelled, 1 not yet received, 2 received, 3 picked up/in a warehouse,
# 4 being delivered, 5 delivered (not yet reconciled), 6 reconciled, 7 could not pick up,
# 8 pick-up postponed, 9 could not deliver, 10 delivery postponed, 11 return reconciled,
# 12 picking up, 13 compensated, 20 being returned, 21 returned, and the courier's own
# reports 123 picked up, 127 could not pick up, 128 pick-up postponed, 45 delivered,
# 49 could not deliver, 410 delivery postponed (GHTK confirms them with its own codes).
STATUS_STATES = {
    "-1": "cancelled",
    "1": "submitted",  # not yet taken in
    "2": "submitted",  # taken in
    "12": "submitted",  # courier on the way to pick up
    "8": "submitted",  # pick-up postponed
    "128": "submitted",
    "3": "in_transit",  # picked up / in a warehouse
    "123": "in_transit",
    "4": "in_transit",  # out for delivery
    "10": "in_transit",  # delivery postponed
    "410": "in_transit",
    "45": "in_transit",  # the courier says delivered; GHTK confirms with 5
    "49": "in_transit",  # a failed try; GHTK tries again
    "5": "delivered",
    "6": "delivered",  # delivered and settled
    "7": "needs_attention",  # could not pick up
    "127": "needs_attention",
    "9": "needs_attention",  # could not deliver
    "13": "needs_attention",  # compensated: lost or damaged
    "20": "needs_attention",  # being returned
    "21": "needs_attention",  # returned
    "11": "needs_attention",
}
STATUS_REASONS = {
    "7": "carrier_pickup_failed",
    "127": "carrier_pickup_failed",
    "9": "carrier_not_delivered",
    "13": "carrier_lost",
}
CANCELLED_STATUSES = frozenset({"-1"})
# GHTK's ``transport`` values a shipment may be sent with.
SERVICE_LEVELS = (
    ("road", _l("Road transport")),
    ("fly", _l("Air transport")),
)
DUPLICATE_CODES = {"ORDER_ID_EXIST"}
ADDRESS_HINTS = ("địa chỉ", "tỉnh", "huyện", "xã", "province", "district", "ward", "address")
PHONE_HINTS = ("điện thoại", "phone", "tel")
# Which ship-to field GHTK's message names; the finest level first.
FIELD_HINTS = (
    ("xã", "ward"),
    ("ward", "ward"),
    ("huyện", "district"),
    ("district", "district"),
    ("tỉnh", "province"),
    ("province", "province"),
    ("địa chỉ", "line1"),
    ("address", "line1"),
)
# A Vietnamese mobile in E.164: +84, a mobile prefix digit, eight more digits.
MOBILE_E164 = re.compile(r"^\+84([35789]\d{8})$")


@dataclass(frozen=True)
class GhtkSettings:
    url: str
    token: str
    partner_code: str
    pick_address_id: str | None = None  # the shop's pick-up place at GHTK
    pick_name: str = ""
    pick_tel: str = ""
    pick_address: str = ""
    pick_province: str = ""
    pick_district: str = ""
    transport: str = "road"
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    sandbox: bool = False

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> GhtkSettings:
        return settings_from(cls, settings, PROVIDER)


def headers(settings: GhtkSettings) -> dict[str, str]:
    return {"Token": settings.token, "X-Client-Source": settings.partner_code}


def phone_for_service(e164: str) -> str:
    """GHTK's couriers call the buyer: a Vietnamese mobile, as dialled at home."""
    match = MOBILE_E164.match(e164 or "")
    if not match:
        raise PhoneNotAccepted(
            "GHTK delivers to Vietnamese mobile numbers only", code="mobile_only", provider=PROVIDER
        )
    return "0" + match.group(1)


# -- pure: requests ------------------------------------------------------------------


def build_order(request: ShipmentRequest, settings: GhtkSettings) -> dict[str, Any]:
    """The create-order body: the buyer, the pick-up place, products in grams."""
    recipient = request.recipient
    order: dict[str, Any] = {
        "id": request.key,
        "pick_name": settings.pick_name or request.sender_name,
        "pick_money": 0,  # prepaid: nothing collected from the buyer
        "name": recipient.name,
        "tel": phone_for_service(recipient.phone),
        "address": recipient.street,
        "province": recipient.province or recipient.city or "",
        "district": recipient.district or "",
        "ward": recipient.ward or "",
        "hamlet": "Khác",
        "is_freeship": "1",
        "value": whole(request.declared_value),
        "transport": request.service or settings.transport,
        "weight_option": "gram",
        "total_weight": request.parcel.weight_g,
        "note": request.note[:120],
    }
    if settings.pick_address_id:
        order["pick_address_id"] = settings.pick_address_id
    else:
        order.update(
            pick_tel=settings.pick_tel,
            pick_address=settings.pick_address,
            pick_province=settings.pick_province,
            pick_district=settings.pick_district,
        )
    products = [
        {
            "name": item.name[:120],
            "weight": item.unit_weight_g or 1,
            "quantity": item.quantity,
            "product_code": item.sku,
            "price": whole(item.unit_value),
        }
        for item in request.items
    ]
    return {"products": products, "order": order}


def status_path(reference: str) -> str:
    return STATUS + requests.utils.quote(reference, safe="")


def cancel_path(label: str) -> str:
    return CANCEL + requests.utils.quote(label, safe="")


def label_path(label: str) -> str:
    return LABEL + requests.utils.quote(label, safe="")


# -- pure: responses -----------------------------------------------------------------


def _mentions(text: str, hints: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(hint in lowered for hint in hints)


def error_from(status: int, body: Any, operation: str = "create") -> AdapterError:
    """GHTK's failure answer as one of our errors, with a stable code."""
    if not isinstance(body, dict):
        return BadResponse(f"HTTP {status}: not a GHTK answer", provider=PROVIDER)
    message = str(body.get("message") or f"HTTP {status}")
    error = body.get("error") if isinstance(body.get("error"), dict) else {}
    if status in (401, 403) or "token" in message.lower():
        return AuthFailed(message, provider=PROVIDER)
    if status >= 500:
        return ProviderUnavailable(message, code="server_error", provider=PROVIDER)
    if operation == "create" and error.get("code") in DUPLICATE_CODES:
        return DuplicateReference(message, provider=PROVIDER)
    if operation == "lookup":
        return NotFound(message, provider=PROVIDER)
    if operation == "cancel":
        return CannotCancel(message, provider=PROVIDER)
    if _mentions(message, PHONE_HINTS):
        return PhoneNotAccepted(message, provider=PROVIDER)
    if _mentions(message, ADDRESS_HINTS):
        return AddressRejected(message, field=field_named(message, FIELD_HINTS), provider=PROVIDER)
    return Rejected(message, code="rejected", provider=PROVIDER)


def _answer(status: int, body: Any, operation: str) -> dict:
    if not isinstance(body, dict) or "success" not in body:
        raise BadResponse(f"HTTP {status}: not a GHTK answer", provider=PROVIDER)
    if status != 200 or body.get("success") is not True:
        raise error_from(status, body, operation)
    return body


def parse_order(status: int, body: Any) -> Booking:
    """The created order; raises our error for GHTK's failure answer."""
    order = _answer(status, body, "create").get("order")
    if not isinstance(order, dict) or not order.get("label"):
        raise BadResponse("create answered without a label", provider=PROVIDER)
    return Booking(
        external_ref=str(order["label"]),
        tracking_number=str(order["label"]),
        status=str(order.get("status_id") or "2"),
        details={
            "partner_id": order.get("partner_id"),
            "fee": order.get("fee"),
            "estimated_deliver_time": order.get("estimated_deliver_time"),
        },
    )


def parse_status(status: int, body: Any) -> Booking | None:
    """An order found by label or our id; None when GHTK does not know it."""
    try:
        order = _answer(status, body, "lookup").get("order")
    except NotFound:
        return None
    if not isinstance(order, dict) or not order.get("label_id"):
        raise BadResponse("status answered without label_id", provider=PROVIDER)
    return Booking(
        external_ref=str(order["label_id"]),
        tracking_number=str(order["label_id"]),
        status=str(order.get("status")),
        details={"partner_id": order.get("partner_id"), "modified": order.get("modified")},
    )


def event_for(status: str, when: Any, **fields) -> TrackingEvent:
    return status_event(status, when, STATUS_STATES, reason_for, **fields)


def reason_for(status: str) -> str:
    """Our reason code for a GHTK status that needs a person (a return unless named)."""
    return carrier_reason(status, STATUS_STATES, STATUS_REASONS)


def tracking_events(booking: Booking) -> list[TrackingEvent]:
    """GHTK answers the current status only: one event."""
    if not booking.status:
        return []
    return [
        event_for(
            booking.status,
            booking.details.get("modified"),
            key=booking.details.get("partner_id"),
            external_ref=booking.external_ref,
            tracking_number=booking.tracking_number,
        )
    ]


def parse_webhook(payload: Any) -> list[TrackingEvent]:
    """GHTK's status update (form fields or the same keys as JSON) as one event."""
    if not isinstance(payload, dict) or not payload.get("label_id"):
        raise BadResponse("update without label_id", provider=PROVIDER)
    status = str(payload.get("status_id") or "").strip()
    if not status:
        raise BadResponse("update without status_id", provider=PROVIDER)
    label = str(payload["label_id"])
    return [
        event_for(
            status,
            payload.get("action_time"),
            description=str(payload.get("reason") or "")[:300],
            key=str(payload.get("partner_id") or "") or None,
            external_ref=label,
            tracking_number=label,
            data={"reason_code": payload.get("reason_code")},
        )
    ]


def webhook_authentic(
    secret: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
) -> bool:
    """The callback URL carries the secret: ``?hash=`` (GHTK's own example) or ``?token=``."""
    given = headers.get(WEBHOOK_TOKEN_HEADER) or query.get("hash") or query.get("token") or ""
    return hmac.compare_digest(given.encode(), secret.encode())


# -- the client ----------------------------------------------------------------------


class GhtkAdapter(ServiceClient):
    """Semi-managed parcels in Vietnam through GHTK."""

    name = PROVIDER
    label = "GHTK"
    kind = "carrier"
    required_address_fields = ("province", "district")
    service_levels = SERVICE_LEVELS
    cancelled_statuses = CANCELLED_STATUSES
    document_kinds = ("label",)
    label_kinds = ("label",)
    phone_for_service = staticmethod(phone_for_service)
    reason_for = staticmethod(reason_for)
    parse_webhook = staticmethod(parse_webhook)
    webhook_authentic = staticmethod(webhook_authentic)

    settings_type = GhtkSettings
    session_headers = staticmethod(headers)

    @classmethod
    def default_service(cls, settings: Mapping[str, Any]) -> str | None:
        value = settings.get("transport")
        return None if value is None else str(value)

    def create(self, request: ShipmentRequest) -> Booking:
        response = self._send("POST", CREATE, json=build_order(request, self.settings))
        return parse_order(response.status_code, json_of(response, PROVIDER))

    def lookup(self, key: str, external_ref: str | None = None) -> Booking | None:
        response = self._send("GET", status_path(external_ref or key))
        return parse_status(response.status_code, json_of(response, PROVIDER))

    def confirm(self, booking: Booking) -> Booking:
        return booking  # GHTK answers create synchronously

    def documents(self, booking: Booking) -> list[Document]:
        response = self._send("GET", label_path(booking.external_ref))
        if response.status_code != 200 or not response.content.startswith(b"%PDF"):
            raise error_from(response.status_code, json_of(response, PROVIDER), "label")
        return [
            Document("label", "application/pdf", response.content, f"{booking.external_ref}.pdf")
        ]

    def track(self, booking: Booking) -> list[TrackingEvent]:
        found = self.lookup("", booking.external_ref)
        if found is None:
            raise NotFound(f"GHTK does not know {booking.external_ref}", provider=PROVIDER)
        return tracking_events(found)

    def cancel(self, booking: Booking) -> None:
        response = self._send("POST", cancel_path(booking.external_ref))
        _answer(response.status_code, json_of(response, PROVIDER), "cancel")

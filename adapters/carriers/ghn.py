"""GHN (Giao Hàng Nhanh), Vietnam: the shop's public API v2.

* ``POST /shiip/public-api/v2/shipping-order/create`` with headers ``Token`` and
  ``ShopId``; weights in grams, sizes in whole centimetres, money in whole VND.
  Our idempotency key goes in ``client_order_code``; GHN answers ``order_code``
  (the tracking number) and refuses a second order with the same client code.
* ``POST .../shipping-order/detail-by-client-code`` finds an order by our key:
  the reconcile step before any re-send.
* ``POST .../shipping-order/detail`` by ``order_code``: status and its ``log``.
* ``POST .../v2/a5/gen-token`` then ``GET /a5/public-api/printA5?token=``: the A5 label.
* ``POST .../v2/switch-status/cancel`` with ``order_codes``.

``to_phone`` is a Vietnamese mobile number as dialled at home: ten digits, ``0``
then a mobile prefix (``03``, ``05``, ``07``, ``08``, ``09``). GHN's couriers call
or text the buyer and refuse landlines (``PHONE_INVALID``); :func:`phone_for_service`
is that rule, asked by order intake and used to build the request.

Every answer is the envelope ``{"code": 200, "message": "Success", "data": ...}``;
errors carry ``code`` 400/401/... with a ``message`` (often Vietnamese) and a
``code_message`` such as ``PHONE_INVALID``. Which texts mean "already exists" or
"not found" is matched on both fields, since GHN documents the codes loosely.

GHN posts status callbacks (JSON, retried on any non-200) to the URL set in
the shop's settings: see :func:`parse_webhook`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from adapters.carriers.base import (
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
    endpoint,
    field_named,
    json_of,
    parse_time,
    webhook_token_matches,
    whole,
)
from adapters.errors import AdapterError, BadResponse, ProviderUnavailable, Rejected
from adapters.http import DEFAULT_TIMEOUT, send
from adapters.settings import settings_from

PROVIDER = "ghn"
CREATE = "/shiip/public-api/v2/shipping-order/create"
DETAIL = "/shiip/public-api/v2/shipping-order/detail"
DETAIL_BY_CLIENT_CODE = "/shiip/public-api/v2/shipping-order/detail-by-client-code"
CANCEL = "/shiip/public-api/v2/switch-status/cancel"
PRINT_GEN = "/shiip/public-api/v2/a5/gen-token"
PRINT_A5 = "/a5/public-api/printA5"

# GHN's order statuses -> our shipment state (None: recorded, no state change).
STATUS_STATES = {
    "ready_to_pick": "submitted",
    "picking": "submitted",
    "money_collect_picking": "submitted",
    "picked": "in_transit",
    "storing": "in_transit",
    "transporting": "in_transit",
    "sorting": "in_transit",
    "delivering": "in_transit",
    "money_collect_delivering": "in_transit",
    "delivery_fail": "in_transit",  # a failed try; GHN tries again
    "delivered": "delivered",
    "cancel": "cancelled",
    "waiting_to_return": "needs_attention",
    "return": "needs_attention",
    "return_transporting": "needs_attention",
    "return_sorting": "needs_attention",
    "returning": "needs_attention",
    "return_fail": "needs_attention",
    "returned": "needs_attention",
    "exception": "needs_attention",
    "damage": "needs_attention",
    "lost": "needs_attention",
}
STATUS_REASONS = {
    "exception": "carrier_exception",
    "damage": "carrier_damaged",
    "lost": "carrier_lost",
}
# GHN's ``service_type_id`` values a shipment may be sent with.
SERVICE_LEVELS = (
    ("2", _l("E-commerce delivery (light parcels)")),
    ("5", _l("Traditional delivery (heavy parcels)")),
)
CANCELLED_STATUSES = frozenset({"cancel"})
ADDRESS_HINTS = ("PHONE", "WARD", "DISTRICT", "PROVINCE", "ADDRESS")
ADDRESS_FIELDS = ("to_phone", "to_ward", "to_district", "to_province", "to_address", "to_name")
# What GHN's code_message or message names -> our ship-to field (phone before ward: a
# message may name both the field and the area).
FIELD_HINTS = (
    ("PHONE", "phone"),
    ("to_phone", "phone"),
    ("WARD", "ward"),
    ("DISTRICT", "district"),
    ("PROVINCE", "province"),
    ("to_name", "name"),
    ("ADDRESS", "line1"),
)
DUPLICATE_HINTS = ("đã tồn tại", "already exist", "duplicate", "existed")
NOT_FOUND_HINTS = ("not found", "không tồn tại", "không tìm thấy", "NOT_FOUND")
# A Vietnamese mobile in E.164: +84, a mobile prefix digit, eight more digits.
MOBILE_E164 = re.compile(r"^\+84([35789]\d{8})$")


@dataclass(frozen=True)
class GhnSettings:
    url: str
    token: str
    shop_id: str
    service_type_id: int = 2  # 2: light parcels (E-commerce Delivery); 5: heavy
    payment_type_id: int = 1  # 1: the shop pays the fee
    required_note: str = "KHONGCHOXEMHANG"  # the buyer may not open the parcel
    max_insurance_value: int = 5_000_000  # GHN's ceiling, VND
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    sandbox: bool = False

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> GhnSettings:
        return settings_from(cls, settings, PROVIDER)


# -- pure: requests ------------------------------------------------------------------


def headers(settings: GhnSettings) -> dict[str, str]:
    return {"Token": settings.token, "ShopId": settings.shop_id}


def phone_for_service(e164: str) -> str:
    """The number as GHN takes it (+84901234567 -> 0901234567); a landline or a number
    outside Vietnam raises :class:`PhoneNotAccepted` (code ``mobile_only``)."""
    match = MOBILE_E164.match(e164 or "")
    if match is None:
        raise PhoneNotAccepted(
            "GHN takes Vietnamese mobile numbers only", code="mobile_only", provider=PROVIDER
        )
    return "0" + match.group(1)


def build_create_order(request: ShipmentRequest, settings: GhnSettings) -> dict[str, Any]:
    """The JSON body of ``shipping-order/create``."""
    recipient, parcel = request.recipient, request.parcel
    names = ", ".join(f"{item.name} x{item.quantity}" for item in request.items)
    return {
        "payment_type_id": settings.payment_type_id,
        "required_note": settings.required_note,
        "client_order_code": request.key,
        "note": request.note[:500],
        "to_name": recipient.name,
        "to_phone": phone_for_service(recipient.phone),
        "to_address": recipient.street,
        "to_ward_name": recipient.ward,
        "to_district_name": recipient.district,
        "to_province_name": recipient.province,
        "cod_amount": 0,
        "content": names[:2000],
        "weight": parcel.weight_g,
        "length": parcel.length_cm,
        "width": parcel.width_cm,
        "height": parcel.height_cm,
        "insurance_value": min(whole(request.declared_value), settings.max_insurance_value),
        "service_type_id": int(request.service) if request.service else settings.service_type_id,
        "items": [
            {
                "name": item.name[:200],
                "code": item.sku,
                "quantity": item.quantity,
                "price": whole(item.unit_value),
                "weight": item.unit_weight_g or 0,
            }
            for item in request.items
        ],
    }


def build_detail_by_client_code(key: str) -> dict[str, str]:
    return {"client_order_code": key}


def build_detail(order_code: str) -> dict[str, str]:
    return {"order_code": order_code}


def build_print_token(order_code: str) -> dict[str, list[str]]:
    return {"order_codes": [order_code]}


def build_cancel(order_code: str) -> dict[str, list[str]]:
    return {"order_codes": [order_code]}


# -- pure: responses -----------------------------------------------------------------


def _envelope(status: int, body: Any) -> dict:
    if not isinstance(body, dict) or "code" not in body:
        raise BadResponse(f"HTTP {status}: not a GHN envelope", provider=PROVIDER)
    return body


def _text(body: dict) -> str:
    return f"{body.get('code_message') or ''} {body.get('message') or ''}".strip()


def _mentions(body: dict, hints: tuple[str, ...]) -> bool:
    text = _text(body)
    return any(hint.lower() in text.lower() for hint in hints)


def error_from(status: int, body: Any, operation: str = "create") -> AdapterError:
    """GHN's error envelope as one of our errors, with a stable code."""
    if not isinstance(body, dict):
        return BadResponse(f"HTTP {status}: not a GHN envelope", provider=PROVIDER)
    code = body.get("code")
    message = str(body.get("message") or f"HTTP {status}")
    if status in (401, 403) or code in (401, 403):
        return AuthFailed(message, provider=PROVIDER)
    if status >= 500 or (isinstance(code, int) and code >= 500):
        return ProviderUnavailable(message, code="server_error", provider=PROVIDER)
    if operation == "lookup" and _mentions(body, NOT_FOUND_HINTS):
        return NotFound(message, provider=PROVIDER)
    if operation == "create" and _mentions(body, DUPLICATE_HINTS):
        return DuplicateReference(message, provider=PROVIDER)
    if operation == "cancel":
        return CannotCancel(message, provider=PROVIDER)
    code_message = str(body.get("code_message") or "")
    if any(hint in code_message.upper() for hint in ADDRESS_HINTS) or any(
        name in message for name in ADDRESS_FIELDS
    ):
        field = field_named(code_message, FIELD_HINTS) or field_named(message, FIELD_HINTS)
        return AddressRejected(message, field=field, provider=PROVIDER)
    return Rejected(message, code="rejected", provider=PROVIDER)


def _data(status: int, body: Any, operation: str) -> Any:
    body = _envelope(status, body)
    if status != 200 or body.get("code") != 200:
        raise error_from(status, body, operation)
    return body.get("data")


def parse_create_order(status: int, body: Any) -> Booking:
    """The created order; raises our error for GHN's error envelope."""
    data = _data(status, body, "create")
    if not isinstance(data, dict) or not data.get("order_code"):
        raise BadResponse("create answered without order_code", provider=PROVIDER)
    return Booking(
        external_ref=data["order_code"],
        tracking_number=data["order_code"],
        status="ready_to_pick",
        details={
            "total_fee": data.get("total_fee"),
            "expected_delivery_time": data.get("expected_delivery_time"),
            "sort_code": data.get("sort_code"),
        },
    )


def parse_detail(status: int, body: Any) -> Booking | None:
    """An order found by client code or order code; None when GHN does not know it."""
    try:
        data = _data(status, body, "lookup")
    except NotFound:
        return None
    if isinstance(data, list):  # some gateway versions wrap the order in a list
        data = data[0] if data else None
    if data is None:
        return None
    if not isinstance(data, dict) or not data.get("order_code"):
        raise BadResponse("detail answered without order_code", provider=PROVIDER)
    return Booking(
        external_ref=data["order_code"],
        tracking_number=data["order_code"],
        status=data.get("status"),
        details={"log": data.get("log") or [], "client_order_code": data.get("client_order_code")},
    )


def event_for(
    status: str,
    when: Any,
    *,
    key: str | None = None,
    order_code: str | None = None,
    description: str = "",
    data: dict | None = None,
) -> TrackingEvent:
    state = STATUS_STATES.get(status)
    return TrackingEvent(
        status=status,
        state=state,
        occurred_at=parse_time(when),
        description=description,
        key=key or None,
        external_ref=order_code,
        tracking_number=order_code,
        reason=reason_for(status) if state == "needs_attention" else None,
        data=data or {},
    )


def reason_for(status: str) -> str:
    """Our reason code for a GHN status that needs a person (a return unless named)."""
    return carrier_reason(status, STATUS_STATES, STATUS_REASONS)


def tracking_events(booking: Booking) -> list[TrackingEvent]:
    """The order's status log (oldest first) as events."""
    log = booking.details.get("log") or []
    key = booking.details.get("client_order_code")
    events = [
        event_for(
            str(entry.get("status")),
            entry.get("updated_date"),
            key=key,
            order_code=booking.external_ref,
        )
        for entry in log
        if isinstance(entry, dict) and entry.get("status")
    ]
    if not events and booking.status:
        events.append(event_for(booking.status, None, key=key, order_code=booking.external_ref))
    return events


def parse_webhook(payload: Any) -> list[TrackingEvent]:
    """GHN's callback body (``OrderCode``, ``ClientOrderCode``, ``Status``, ``Time``...)."""
    if not isinstance(payload, dict) or not payload.get("OrderCode"):
        raise BadResponse("callback without OrderCode", provider=PROVIDER)
    status = str(payload.get("Status") or "")
    if not status:
        return []  # update_weight / update_fee callbacks carry no status change
    return [
        event_for(
            status,
            payload.get("Time"),
            key=payload.get("ClientOrderCode"),
            order_code=payload["OrderCode"],
            description=str(payload.get("Description") or "")[:300],
            data={"type": payload.get("Type"), "reason_code": payload.get("ReasonCode")},
        )
    ]


def print_url(settings: GhnSettings, token: str) -> str:
    return endpoint(settings.url, PRINT_A5) + "?token=" + requests.utils.quote(token, safe="")


# -- the client ----------------------------------------------------------------------


class GhnAdapter(ServiceClient):
    """Semi-managed parcels in Vietnam through GHN."""

    name = PROVIDER
    label = "GHN"
    kind = "carrier"
    required_address_fields = ("province", "district", "ward")
    service_levels = SERVICE_LEVELS
    cancelled_statuses = CANCELLED_STATUSES
    document_kinds = ("label",)
    label_kinds = ("label",)
    phone_for_service = staticmethod(phone_for_service)
    reason_for = staticmethod(reason_for)
    parse_webhook = staticmethod(parse_webhook)
    # GHN can only be given a callback URL: the secret rides in it.
    webhook_authentic = staticmethod(webhook_token_matches)

    settings_type = GhnSettings
    session_headers = staticmethod(headers)

    @classmethod
    def default_service(cls, settings: Mapping[str, Any]) -> str | None:
        value = settings.get("service_type_id")
        return None if value is None else str(value)

    def _post(self, path: str, body: dict) -> requests.Response:
        return self._send("POST", path, json=body)

    def create(self, request: ShipmentRequest) -> Booking:
        response = self._post(CREATE, build_create_order(request, self.settings))
        return parse_create_order(response.status_code, json_of(response, PROVIDER))

    def lookup(self, key: str, external_ref: str | None = None) -> Booking | None:
        if external_ref:
            response = self._post(DETAIL, build_detail(external_ref))
        else:
            response = self._post(DETAIL_BY_CLIENT_CODE, build_detail_by_client_code(key))
        return parse_detail(response.status_code, json_of(response, PROVIDER))

    def confirm(self, booking: Booking) -> Booking:
        return booking  # GHN answers create synchronously

    def documents(self, booking: Booking) -> list[Document]:
        response = self._post(PRINT_GEN, build_print_token(booking.external_ref))
        data = _data(response.status_code, json_of(response, PROVIDER), "print")
        token = data.get("token") if isinstance(data, dict) else None
        if not token:
            raise BadResponse("gen-token answered without a token", provider=PROVIDER)
        label = send(
            self.session,
            "GET",
            print_url(self.settings, token),
            provider=PROVIDER,
            timeout=self.settings.timeout,
        )
        if label.status_code != 200 or not label.content:
            raise BadResponse(f"printA5 answered HTTP {label.status_code}", provider=PROVIDER)
        content_type = label.headers.get("Content-Type", "text/html; charset=utf-8")
        suffix = "pdf" if "pdf" in content_type else "html"
        return [Document("label", content_type, label.content, f"{booking.external_ref}.{suffix}")]

    def track(self, booking: Booking) -> list[TrackingEvent]:
        found = self.lookup("", booking.external_ref)
        if found is None:
            raise NotFound(f"GHN does not know {booking.external_ref}", provider=PROVIDER)
        return tracking_events(found)

    def cancel(self, booking: Booking) -> None:
        response = self._post(CANCEL, build_cancel(booking.external_ref))
        data = _data(response.status_code, json_of(response, PROVIDER), "cancel")
        for entry in data if isinstance(data, list) else []:
            if isinstance(entry, dict) and entry.get("result") is False:
                raise CannotCancel(
                    str(entry.get("message") or "GHN refused to cancel"), provider=PROVIDER
                )

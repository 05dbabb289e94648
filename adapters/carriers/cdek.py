"""CDEK (Kazakhstan, Uzbekistan and the CIS): the integration API v2.

* ``POST /v2/oauth/token`` (``grant_type=client_credentials``, ``client_id``,
  ``client_secret``) gives a bearer token valid ``expires_in`` seconds. It is
  cached in a shared store for a share of that time, so it never outlives its
  validity (a token too short-lived to be worth it is not cached at all); a call
  answering 401 anyway (CDEK restarted, or revoked it) drops the cached token and
  is made once more with a new one.
* ``POST /v2/orders`` answers 202 with the order's ``entity.uuid`` and a
  ``requests`` list whose CREATE request is ``ACCEPTED``: CDEK validates
  asynchronously. ``GET /v2/orders/<uuid>`` shows the request turning
  ``SUCCESSFUL`` (with ``cdek_number``, the tracking number) or ``INVALID``
  (with ``errors``). Our idempotency key goes in ``number`` (online-store
  orders, ``type: 1``); ``GET /v2/orders?im_number=<key>`` finds the order by it.
* ``POST /v2/print/barcodes`` then ``GET /v2/print/barcodes/<uuid>`` until
  ``READY``, then the PDF at its ``url``: the parcel's barcode label.
* ``DELETE /v2/orders/<uuid>`` cancels an order not yet handed over.
* ``recipient.phones[].number`` is the number in international format (``+7...``);
  landlines are accepted, so E.164 goes as it is.
* The ``ORDER_STATUS`` webhook posts ``{"type": "ORDER_STATUS", "uuid": ...,
  "attributes": {"number", "cdek_number", "code", "status_date_time", ...}}``.

Errors are ``{"requests": [{"state": "INVALID", "errors": [{"code":
"v2_...", "message": "..."}]}]}``; the codes map to our errors below.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from adapters.carriers.base import (
    AddressRejected,
    AuthFailed,
    AwaitingService,
    Booking,
    CannotCancel,
    Document,
    DuplicateReference,
    MemoryTokenStore,
    NotFound,
    ShipmentRequest,
    TokenStore,
    TrackingEvent,
    _l,
    carrier_reason,
    endpoint,
    field_named,
    json_of,
    parse_time,
    status_event,
    webhook_token_matches,
    wire_number,
)
from adapters.errors import AdapterError, BadResponse, ProviderUnavailable, Rejected
from adapters.http import DEFAULT_TIMEOUT, make_session, send
from adapters.settings import settings_from

PROVIDER = "cdek"
OAUTH = "/v2/oauth/token"
ORDERS = "/v2/orders"
PRINT_BARCODES = "/v2/print/barcodes"

ONLINE_STORE = 1  # order type whose "number" is the shop's own order number
PENDING_STATES = ("ACCEPTED", "WAITING")
DUPLICATE_CODES = {
    "v2_im_number_already_used",
    "v2_order_number_already_used",
    "v2_similar_order_exists",
}
NOT_FOUND_CODES = {"v2_entity_not_found", "v2_order_not_found", "v2_entity_not_found_im_number"}
AUTH_CODES = {"v2_unauthorized", "v2_token_expired", "invalid_token", "unauthorized"}
ADDRESS_HINTS = ("location", "city", "address", "postal", "phone", "recipient")
# A CDEK error code -> the ship-to field it names (the location is the street address).
FIELD_HINTS = (
    ("phone", "phone"),
    ("postal", "postal_code"),
    ("city", "city"),
    ("location", "line1"),
    ("address", "line1"),
    ("recipient_name", "name"),
)
# A token is cached for this share of its validity: the rest covers the time its answer
# took to arrive and clocks that disagree, so the cached copy dies before the token.
TOKEN_CACHE_SHARE = 0.75
# A token valid for less than this is used for one call only, not cached.
TOKEN_MIN_CACHE_SECONDS = 5

STATUS_STATES = {
    "ACCEPTED": "submitted",
    "CREATED": "submitted",
    "RECEIVED_AT_SHIPMENT_WAREHOUSE": "in_transit",
    "READY_TO_SHIP_AT_SENDING_OFFICE": "in_transit",
    "READY_FOR_SHIPMENT_IN_SENDER_CITY": "in_transit",
    "TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY": "in_transit",
    "SENT_TO_TRANSIT_CITY": "in_transit",
    "ACCEPTED_IN_TRANSIT_CITY": "in_transit",
    "ACCEPTED_AT_TRANSIT_WAREHOUSE": "in_transit",
    "READY_FOR_SHIPMENT_IN_TRANSIT_CITY": "in_transit",
    "TAKEN_BY_TRANSPORTER_FROM_TRANSIT_CITY": "in_transit",
    "SENT_TO_RECIPIENT_CITY": "in_transit",
    "ACCEPTED_IN_RECIPIENT_CITY": "in_transit",
    "ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE": "in_transit",
    "ACCEPTED_AT_PICK_UP_POINT": "in_transit",
    "TAKEN_BY_COURIER": "in_transit",
    "IN_CUSTOMS_INTERNATIONAL": "in_transit",
    "SHIPPED_TO_DESTINATION": "in_transit",
    "PASSED_TO_TRANSIT_CARRIER": "in_transit",
    "IN_CUSTOMS_LOCAL": "in_transit",
    "CUSTOMS_COMPLETE": "in_transit",
    "POSTOMAT_POSTED": "in_transit",
    "DELIVERED": "delivered",
    "NOT_DELIVERED": "needs_attention",
    "INVALID": "needs_attention",
    "RETURNED_TO_SENDER_CITY_WAREHOUSE": "needs_attention",
    "RETURNED_TO_TRANSIT_WAREHOUSE": "needs_attention",
    "RETURNED_TO_RECIPIENT_CITY_WAREHOUSE": "needs_attention",
    "REMOVED": "cancelled",
}
STATUS_REASONS = {"NOT_DELIVERED": "carrier_not_delivered", "INVALID": "carrier_invalid"}
CANCELLED_STATUSES = frozenset({"REMOVED"})
# CDEK's ``tariff_code`` values a shipment may be sent with.
SERVICE_LEVELS = (
    ("136", _l("Parcel, pick-up point to pick-up point")),
    ("137", _l("Parcel, pick-up point to door")),
    ("138", _l("Parcel, door to pick-up point")),
    ("139", _l("Parcel, door to door")),
)


@dataclass(frozen=True)
class CdekSettings:
    url: str
    client_id: str
    client_secret: str
    tariff_code: int = 137  # parcel, office to door
    shipment_point: str | None = None  # the CDEK office the factory drops parcels at
    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    poll_attempts: int = 6
    poll_interval: float = 0.5
    sandbox: bool = False

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> CdekSettings:
        return settings_from(cls, settings, PROVIDER)

    @property
    def token_name(self) -> str:
        digest = hashlib.sha256(f"{self.url} {self.client_id}".encode()).hexdigest()[:16]
        return f"cdek-token:{digest}"


# -- pure: requests ------------------------------------------------------------------


def build_token_request(settings: CdekSettings) -> dict[str, str]:
    """The form of ``POST /v2/oauth/token``."""
    return {
        "grant_type": "client_credentials",
        "client_id": settings.client_id,
        "client_secret": settings.client_secret,
    }


def build_order(request: ShipmentRequest, settings: CdekSettings) -> dict[str, Any]:
    """The JSON body of ``POST /v2/orders``."""
    recipient, parcel = request.recipient, request.parcel
    to_location: dict[str, Any] = {
        "country_code": recipient.country,
        "city": recipient.city,
        "address": recipient.street,
    }
    if recipient.province:
        to_location["region"] = recipient.province
    if recipient.postal_code:
        to_location["postal_code"] = recipient.postal_code
    person: dict[str, Any] = {"name": recipient.name, "phones": [{"number": recipient.phone}]}
    if recipient.email:
        person["email"] = recipient.email
    body: dict[str, Any] = {
        "type": ONLINE_STORE,
        "number": request.key,
        "tariff_code": int(request.service) if request.service else settings.tariff_code,
        "comment": request.note[:255],
        "to_location": to_location,
        "recipient": person,
        "sender": {"company": request.sender_name[:255], "name": request.sender_name[:255]},
        "packages": [
            {
                "number": "1",
                "weight": parcel.weight_g,
                "length": parcel.length_cm,
                "width": parcel.width_cm,
                "height": parcel.height_cm,
                "comment": request.order_ref,
                "items": [
                    {
                        "name": item.name[:255],
                        "ware_key": item.sku,
                        "payment": {"value": 0},  # prepaid: nothing to collect
                        "cost": wire_number(item.unit_value),
                        "weight": item.unit_weight_g or 1,
                        "amount": item.quantity,
                    }
                    for item in request.items
                ],
            }
        ],
    }
    if settings.shipment_point:
        body["shipment_point"] = settings.shipment_point
    return body


def build_print_request(order_uuid: str) -> dict[str, Any]:
    return {"orders": [{"order_uuid": order_uuid}], "copy_count": 1, "format": "A6"}


def build_webhook_subscription(url: str) -> dict[str, str]:
    return {"type": "ORDER_STATUS", "url": url}


# -- pure: responses -----------------------------------------------------------------


def _errors(body: Any) -> list[dict]:
    if not isinstance(body, dict):
        return []
    found = []
    for request_state in body.get("requests") or []:
        if isinstance(request_state, dict):
            found += [e for e in request_state.get("errors") or [] if isinstance(e, dict)]
    found += [e for e in body.get("errors") or [] if isinstance(e, dict)]
    return found


def error_from_codes(errors: list[dict], status: int = 400, operation: str = "create"):
    """CDEK's ``errors`` list as one of our errors (the first that decides wins)."""
    codes = [str(error.get("code") or "") for error in errors]
    message = (
        "; ".join(f"{error.get('code')}: {error.get('message') or ''}".strip() for error in errors)
        or f"HTTP {status}"
    )
    if status == 401 or AUTH_CODES & set(codes):
        return AuthFailed(message, provider=PROVIDER)
    if DUPLICATE_CODES & set(codes):
        return DuplicateReference(message, provider=PROVIDER)
    if NOT_FOUND_CODES & set(codes) or (status == 404 and not codes):
        return NotFound(message, provider=PROVIDER)
    if operation == "cancel":
        return CannotCancel(message, provider=PROVIDER)
    if any(hint in code for code in codes for hint in ADDRESS_HINTS):
        field = next((f for f in (field_named(c, FIELD_HINTS) for c in codes) if f), None)
        return AddressRejected(message, field=field, provider=PROVIDER)
    if status >= 500:
        return ProviderUnavailable(message, code="server_error", provider=PROVIDER)
    return Rejected(message, code="rejected", provider=PROVIDER)


def parse_token(status: int, body: Any) -> tuple[str, int]:
    """(access token, seconds it is valid)."""
    if status in (400, 401, 403):
        description = body.get("error_description") if isinstance(body, dict) else None
        raise AuthFailed(description or f"token refused (HTTP {status})", provider=PROVIDER)
    if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
        raise BadResponse(f"token answer not understood (HTTP {status})", provider=PROVIDER)
    try:
        expires_in = int(body.get("expires_in") or 3600)
    except (TypeError, ValueError):
        expires_in = 3600
    return str(body["access_token"]), expires_in


def token_cache_seconds(expires_in: int) -> int:
    """How long to keep a token valid ``expires_in`` seconds: a share of it, or 0 (do
    not cache) when that share is too short to be worth it."""
    seconds = int(expires_in * TOKEN_CACHE_SHARE)
    return seconds if seconds >= TOKEN_MIN_CACHE_SECONDS else 0


def _create_request(body: dict) -> dict:
    states = [r for r in body.get("requests") or [] if isinstance(r, dict)]
    for request_state in states:
        if request_state.get("type") == "CREATE":
            return request_state
    return states[0] if states else {}


def parse_order(status: int, body: Any, operation: str = "create") -> Booking:
    """An order answer (202 on create, 200 on GET) as a booking, pending until SUCCESSFUL."""
    if status == 401:
        raise AuthFailed("unauthorized", provider=PROVIDER)
    if not isinstance(body, dict):
        raise BadResponse(f"HTTP {status}: not a CDEK answer", provider=PROVIDER)
    errors = _errors(body)
    request_state = _create_request(body)
    state = str(request_state.get("state") or "")
    if status >= 400 or state == "INVALID":
        raise error_from_codes(errors, status, operation)
    entity = body.get("entity")
    if not isinstance(entity, dict) or not entity.get("uuid"):
        raise BadResponse("order answer without entity.uuid", provider=PROVIDER)
    cdek_number = entity.get("cdek_number")
    statuses = [s for s in entity.get("statuses") or [] if isinstance(s, dict)]
    latest = _latest(statuses)
    return Booking(
        external_ref=str(entity["uuid"]),
        tracking_number=str(cdek_number) if cdek_number else None,
        status=latest.get("code") if latest else None,
        pending=(state in PENDING_STATES) or not cdek_number,
        details={"number": entity.get("number"), "statuses": statuses, "request_state": state},
    )


def parse_lookup(status: int, body: Any) -> Booking | None:
    """``GET /v2/orders?im_number=`` or ``/<uuid>``: the order, or None when CDEK holds no
    valid order under it (unknown, or refused as INVALID: no parcel exists then)."""
    if isinstance(body, dict) and status < 400:
        if _create_request(body).get("state") == "INVALID":
            return None
    try:
        return parse_order(status, body, operation="lookup")
    except NotFound:
        return None


def _latest(statuses: list[dict]) -> dict | None:
    if not statuses:
        return None
    return max(statuses, key=lambda s: parse_time(s.get("date_time")) or parse_time("1970-01-01"))


def parse_print(status: int, body: Any) -> tuple[str, str | None]:
    """(print task uuid, PDF url once READY); raises when the task failed."""
    if status == 401:
        raise AuthFailed("unauthorized", provider=PROVIDER)
    if not isinstance(body, dict):
        raise BadResponse(f"HTTP {status}: not a CDEK answer", provider=PROVIDER)
    entity = body.get("entity") or {}
    errors = _errors(body)
    if status >= 400 or any(r.get("state") == "INVALID" for r in body.get("requests") or []):
        raise error_from_codes(errors, status, "print")
    if not entity.get("uuid"):
        raise BadResponse("print answer without entity.uuid", provider=PROVIDER)
    codes = [s.get("code") for s in entity.get("statuses") or [] if isinstance(s, dict)]
    if "INVALID" in codes:
        raise BadResponse("CDEK could not render the label", provider=PROVIDER)
    ready = "READY" in codes and entity.get("url")
    return str(entity["uuid"]), (str(entity["url"]) if ready else None)


def event_for(status: str, when: Any, **fields) -> TrackingEvent:
    return status_event(status, when, STATUS_STATES, reason_for, **fields)


def reason_for(status: str) -> str:
    """Our reason code for a CDEK status that needs a person (a return unless named)."""
    return carrier_reason(status, STATUS_STATES, STATUS_REASONS)


def tracking_events(booking: Booking) -> list[TrackingEvent]:
    # CDEK lists the newest first; reversed, a stable sort keeps same-second ones in order.
    statuses = list(reversed(booking.details.get("statuses") or []))
    ordered = sorted(statuses, key=lambda s: parse_time(s.get("date_time")) or parse_time("1970"))
    return [
        event_for(
            str(entry.get("code")),
            entry.get("date_time"),
            description=str(entry.get("name") or "")[:300],
            key=booking.details.get("number"),
            external_ref=booking.external_ref,
            tracking_number=booking.tracking_number,
            data={"city": entry.get("city")},
        )
        for entry in ordered
        if entry.get("code")
    ]


def parse_webhook(payload: Any) -> list[TrackingEvent]:
    """An ``ORDER_STATUS`` webhook as events; other webhook types carry none."""
    if not isinstance(payload, dict) or not payload.get("type"):
        raise BadResponse("webhook without type", provider=PROVIDER)
    if payload["type"] != "ORDER_STATUS":
        return []
    attributes = payload.get("attributes")
    if not isinstance(attributes, dict) or not attributes.get("code") or not payload.get("uuid"):
        raise BadResponse("ORDER_STATUS webhook without uuid or code", provider=PROVIDER)
    cdek_number = attributes.get("cdek_number")
    return [
        event_for(
            str(attributes["code"]),
            attributes.get("status_date_time") or payload.get("date_time"),
            description=str(attributes.get("city_name") or "")[:300],
            key=attributes.get("number"),
            external_ref=str(payload["uuid"]),
            tracking_number=str(cdek_number) if cdek_number else None,
            data={"is_return": bool(attributes.get("is_return"))},
        )
    ]


# -- the client ----------------------------------------------------------------------


class CdekAdapter:
    """Semi-managed parcels in Kazakhstan and Uzbekistan through CDEK."""

    name = PROVIDER
    label = "CDEK"
    kind = "carrier"
    required_address_fields = ("city",)
    service_levels = SERVICE_LEVELS
    cancelled_statuses = CANCELLED_STATUSES
    document_kinds = ("label",)
    label_kinds = ("label",)
    reason_for = staticmethod(reason_for)
    parse_webhook = staticmethod(parse_webhook)
    # CDEK's subscription takes a URL only: the secret rides in it.
    webhook_authentic = staticmethod(webhook_token_matches)

    @staticmethod
    def phone_for_service(e164: str) -> str:
        """CDEK takes any number (mobile or landline) in international format."""
        return e164

    def __init__(
        self,
        settings: CdekSettings,
        session: requests.Session | None = None,
        token_store: TokenStore | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.settings = settings
        self.sandbox = settings.sandbox
        self.session = session or make_session()
        self.tokens = token_store or MemoryTokenStore()
        self.sleep = sleep

    @classmethod
    def from_settings(
        cls, settings: Mapping[str, Any], token_store: TokenStore | None = None, **_ignored
    ) -> CdekAdapter:
        return cls(CdekSettings.from_mapping(settings), token_store=token_store)

    @classmethod
    def default_service(cls, settings: Mapping[str, Any]) -> str | None:
        value = settings.get("tariff_code")
        return None if value is None else str(value)

    # -- token --------------------------------------------------------------------
    def _token(self, fresh: bool = False) -> str:
        name = self.settings.token_name
        if not fresh:
            cached = self.tokens.get(name)
            if cached:
                return cached
        response = send(
            self.session,
            "POST",
            endpoint(self.settings.url, OAUTH),
            provider=PROVIDER,
            timeout=self.settings.timeout,
            data=build_token_request(self.settings),
        )
        token, expires_in = parse_token(response.status_code, json_of(response, PROVIDER))
        ttl = token_cache_seconds(expires_in)
        if ttl:
            self.tokens.set(name, token, ttl)
        return token

    def _drop_token(self, token: str) -> None:
        """Forget the cached token if it is the one CDEK refused (another worker may
        already have cached a new one)."""
        name = self.settings.token_name
        if self.tokens.get(name) == token:
            self.tokens.delete(name)

    def _call(self, method: str, url: str, **kwargs) -> requests.Response:
        """One authorised call. A 401 means CDEK no longer knows the token (it expired
        early, or CDEK restarted); nothing was done, so the call is made once more
        with a new token."""
        for fresh in (False, True):
            token = self._token(fresh=fresh)
            response = send(
                self.session,
                method,
                url,
                provider=PROVIDER,
                timeout=self.settings.timeout,
                headers={"Authorization": f"Bearer {token}"},
                **kwargs,
            )
            if response.status_code != 401:
                return response
            self._drop_token(token)
        raise AuthFailed("CDEK refused a freshly issued token", provider=PROVIDER)

    # -- operations ---------------------------------------------------------------
    def create(self, request: ShipmentRequest) -> Booking:
        response = self._call(
            "POST", endpoint(self.settings.url, ORDERS), json=build_order(request, self.settings)
        )
        return parse_order(response.status_code, json_of(response, PROVIDER))

    def _get_order(self, order_uuid: str) -> requests.Response:
        return self._call("GET", endpoint(self.settings.url, f"{ORDERS}/{order_uuid}"))

    def lookup(self, key: str, external_ref: str | None = None) -> Booking | None:
        if external_ref:
            response = self._get_order(external_ref)
        else:
            response = self._call(
                "GET", endpoint(self.settings.url, ORDERS), params={"im_number": key}
            )
        return parse_lookup(response.status_code, json_of(response, PROVIDER))

    def confirm(self, booking: Booking) -> Booking:
        """Poll the order until CDEK has validated it; AwaitingService if it takes longer."""
        for attempt in range(self.settings.poll_attempts):
            if not booking.pending:
                return booking
            if attempt:
                self.sleep(self.settings.poll_interval)
            response = self._get_order(booking.external_ref)
            booking = parse_order(
                response.status_code, json_of(response, PROVIDER), operation="confirm"
            )
        if booking.pending:
            raise AwaitingService(
                f"order {booking.external_ref} still {booking.details.get('request_state')}",
                provider=PROVIDER,
            )
        return booking

    def documents(self, booking: Booking) -> list[Document]:
        response = self._call(
            "POST",
            endpoint(self.settings.url, PRINT_BARCODES),
            json=build_print_request(booking.external_ref),
        )
        task, url = parse_print(response.status_code, json_of(response, PROVIDER))
        for attempt in range(self.settings.poll_attempts):
            if url:
                break
            if attempt:
                self.sleep(self.settings.poll_interval)
            response = self._call("GET", endpoint(self.settings.url, f"{PRINT_BARCODES}/{task}"))
            task, url = parse_print(response.status_code, json_of(response, PROVIDER))
        if not url:
            raise AwaitingService(f"label {task} not ready yet", provider=PROVIDER)
        pdf = self._call("GET", url)
        if pdf.status_code != 200 or not pdf.content.startswith(b"%PDF"):
            raise BadResponse(f"label download answered HTTP {pdf.status_code}", provider=PROVIDER)
        name = booking.tracking_number or booking.external_ref
        return [Document("label", "application/pdf", pdf.content, f"{name}.pdf")]

    def track(self, booking: Booking) -> list[TrackingEvent]:
        found = self.lookup("", booking.external_ref)
        if found is None:
            raise NotFound(f"CDEK does not know {booking.external_ref}", provider=PROVIDER)
        return tracking_events(found)

    def cancel(self, booking: Booking) -> None:
        response = self._call(
            "DELETE", endpoint(self.settings.url, f"{ORDERS}/{booking.external_ref}")
        )
        body = json_of(response, PROVIDER)
        if response.status_code >= 400 or any(
            isinstance(r, dict) and r.get("state") == "INVALID"
            for r in (body.get("requests") if isinstance(body, dict) else None) or []
        ):
            raise error_from_codes(_errors(body), response.status_code, "cancel")

    def subscribe_webhook(self, url: str) -> str:
        """Ask CDEK to post ORDER_STATUS events to ``url``; returns the subscription uuid."""
        response = self._call(
            "POST",
            endpoint(self.settings.url, "/v2/webhooks"),
            json=build_webhook_subscription(url),
        )
        body = json_of(response, PROVIDER)
        entity = body.get("entity") if isinstance(body, dict) else None
        if response.status_code >= 400 or not isinstance(entity, dict):
            raise error_from_codes(_errors(body), response.status_code, "webhook")
        return str(entity.get("uuid"))


__all__ = ["AdapterError", "CdekAdapter", "CdekSettings"]

"""What every shipping adapter (carrier or warehouse) takes, gives back and raises.

An adapter turns a :class:`ShipmentRequest` into a :class:`Booking` at one
service. The request carries our idempotency key, which the service stores
with the shipment (GHN ``client_order_code``, CDEK ``number``, the warehouse's
``reference``), so :meth:`ShippingAdapter.lookup` can tell whether an earlier
call that ended unclearly did create something there.

Nothing in here logs a request: requests carry the buyer's name, phone and address.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any, Protocol

import requests

from adapters.errors import AdapterError, BadResponse, Rejected
from adapters.http import make_session, send

# -- errors (stable codes; transient means a later retry may succeed) -------------------


class DuplicateReference(AdapterError):
    """The service already holds a shipment under our key: look it up, never re-send."""

    code = "duplicate_reference"
    transient = True


class AddressRejected(Rejected):
    """The service refuses the destination (unknown or unserved area, bad phone).

    ``field`` names the ship-to field the service objected to (``phone``, ``ward``,
    ``line1``...), when its answer says which, so ops can be shown that field.
    """

    code = "address_rejected"

    def __init__(self, message: str, *, field: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.field = field


class PhoneNotAccepted(AddressRejected):
    """The service does not deliver to this kind of number (say, a landline where its
    couriers call mobiles only). ``code`` names the service's rule: ``mobile_only``."""

    code = "phone_not_accepted"

    def __init__(self, message: str, *, field: str | None = "phone", **kwargs: Any) -> None:
        super().__init__(message, field=field, **kwargs)


def field_named(text: str, hints: tuple[tuple[str, str], ...]) -> str | None:
    """The ship-to field of the first (hint, field) whose hint appears in ``text``."""
    lowered = (text or "").lower()
    return next((name for hint, name in hints if hint.lower() in lowered), None)


class AuthFailed(AdapterError):
    """The credentials are wrong or revoked: a person must fix the configuration."""

    code = "auth_failed"
    transient = False


class AwaitingService(AdapterError):
    """The service accepted the request but has not finished processing it yet."""

    code = "awaiting_service"
    transient = True


class NotFound(AdapterError):
    """The service does not know the shipment asked about."""

    code = "not_found"
    transient = False


class CannotCancel(Rejected):
    """The service will not cancel the shipment any more (picked up, received...)."""

    code = "cannot_cancel"


# -- what goes in --------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """The buyer: personal data, decrypted only for the call."""

    name: str
    phone: str  # E.164
    line1: str
    country: str
    email: str | None = None
    line2: str | None = None
    ward: str | None = None
    district: str | None = None
    province: str | None = None
    city: str | None = None
    postal_code: str | None = None

    @property
    def street(self) -> str:
        return ", ".join(part for part in (self.line1, self.line2) if part)


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    quantity: int
    unit_value: Decimal  # in the request's currency
    unit_weight_g: int | None = None
    hs_code: str | None = None


@dataclass(frozen=True)
class Parcel:
    """The whole leg as the service measures it: grams, whole centimetres, boxes."""

    weight_g: int
    length_cm: int
    width_cm: int
    height_cm: int
    box_count: int = 1


@dataclass(frozen=True)
class ShipmentRequest:
    key: str  # our idempotency key, derived from (order, adapter, leg)
    order_ref: str
    market: str
    currency: str
    recipient: Recipient
    parcel: Parcel
    items: tuple[Item, ...]
    declared_value: Decimal
    sender_name: str
    note: str = ""
    # The carrier's service level for this shipment (GHN service_type_id, CDEK
    # tariff code); None uses the configured default.
    service: str | None = None


# -- what comes back -----------------------------------------------------------------


@dataclass(frozen=True)
class Booking:
    """The shipment as the service holds it."""

    external_ref: str  # the service's id (GHN order_code, CDEK uuid, inbound note id)
    tracking_number: str | None = None
    status: str | None = None  # the service's own status code
    # Accepted but still being processed (CDEK's request state ACCEPTED/WAITING).
    pending: bool = False
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Document:
    kind: str  # label | box_labels | sku_labels | receipt
    content_type: str
    data: bytes
    filename: str


@dataclass(frozen=True)
class TrackingEvent:
    """One status change as the service reports it, mapped to our shipment state."""

    status: str  # the service's code, e.g. "delivering", "DELIVERED", "received"
    state: str | None  # ours: submitted, in_transit, delivered, needs_attention, cancelled
    occurred_at: datetime | None
    description: str = ""
    key: str | None = None
    external_ref: str | None = None
    tracking_number: str | None = None
    reason: str | None = None  # our reason code when state is needs_attention
    data: dict[str, Any] = field(default_factory=dict)


class TokenStore(Protocol):
    """Where an adapter keeps an access token between jobs (Redis in the app)."""

    def get(self, name: str) -> str | None: ...

    def set(self, name: str, value: str, ttl_seconds: int) -> None: ...

    def delete(self, name: str) -> None: ...


class MemoryTokenStore:
    """A per-process token store, for tests and scripts (``clock``: epoch seconds)."""

    def __init__(self, clock: Callable[[], float] | None = None) -> None:
        self._values: dict[str, tuple[str, float]] = {}
        self._clock = clock or (lambda: datetime.now(UTC).timestamp())

    def get(self, name: str) -> str | None:
        entry = self._values.get(name)
        if entry is None or entry[1] <= self._clock():
            return None
        return entry[0]

    def set(self, name: str, value: str, ttl_seconds: int) -> None:
        self._values[name] = (value, self._clock() + ttl_seconds)

    def delete(self, name: str) -> None:
        self._values.pop(name, None)


class ShippingAdapter(Protocol):
    """One service that takes shipments: a carrier or a warehouse.

    Besides the calls, each adapter class declares what the app needs to know about
    its service without naming it: the service levels ops may choose from, which of
    its statuses mean the shipment is already cancelled there, the document kinds it
    gives, the reason code of a status that needs a person, and how its webhooks are
    authenticated and read.
    """

    name: str
    label: str  # how sellers and ops know the service: "GHN", "CDEK"
    kind: str  # carrier | warehouse
    sandbox: bool
    # Ship-to fields the service needs beyond name, phone and line1.
    required_address_fields: tuple[str, ...]
    # (code, label) pairs: the service levels a shipment may be sent with. Labels are
    # English message ids, translated by whoever shows them.
    service_levels: tuple[tuple[str, str], ...]
    # The service's statuses meaning the shipment is cancelled there already.
    cancelled_statuses: frozenset[str]
    # The kinds of :class:`Document` kept for its shipments; ``label_kinds`` are the
    # ones a request for "the label" is answered with.
    document_kinds: tuple[str, ...]
    label_kinds: tuple[str, ...]

    @classmethod
    def default_service(cls, settings: Mapping[str, Any]) -> str | None:
        """The service level configured for shipments that name none."""
        ...

    @staticmethod
    def reason_for(status: str) -> str:
        """Our reason code for one of the service's statuses that needs a person."""
        ...

    @staticmethod
    def webhook_authentic(
        secret: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
    ) -> bool:
        """Whether a webhook request comes from the service (its shared ``secret``)."""
        ...

    @staticmethod
    def parse_webhook(payload: Any) -> list[TrackingEvent]:
        """A decoded webhook body as events; :class:`BadResponse` when not understood."""
        ...

    @staticmethod
    def phone_for_service(e164: str) -> str:
        """The buyer's number exactly as the service is sent it; :class:`PhoneNotAccepted`
        when the service cannot deliver to such a number. Order intake asks this too,
        so what is accepted there is what is sent."""
        ...

    def create(self, request: ShipmentRequest) -> Booking: ...

    def lookup(self, key: str, external_ref: str | None = None) -> Booking | None: ...

    def confirm(self, booking: Booking) -> Booking: ...

    def documents(self, booking: Booking) -> list[Document]: ...

    def track(self, booking: Booking) -> list[TrackingEvent]: ...

    def cancel(self, booking: Booking) -> None: ...


# -- small pure helpers shared by the adapters ----------------------------------------


def _l(text: str) -> str:
    """Marks a label for message extraction; it is translated where it is shown."""
    return text


WEBHOOK_TOKEN_HEADER = "X-Webhook-Token"  # noqa: S105 - a header name


def webhook_token_matches(
    secret: str, body: bytes, headers: Mapping[str, str], query: Mapping[str, str]
) -> bool:
    """For services that can only be given a URL: the secret comes back as
    ``?token=<secret>`` or in the ``X-Webhook-Token`` header."""
    given = headers.get(WEBHOOK_TOKEN_HEADER) or query.get("token") or ""
    return hmac.compare_digest(given.encode(), secret.encode())


def whole(value: Decimal) -> int:
    """An amount as the integer the service wants (VND, KZT): half up."""
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def whole_up(value: Decimal | int | str) -> int:
    """A size in whole units, never smaller than given, at least 1."""
    return max(1, int(Decimal(str(value)).to_integral_value(rounding=ROUND_CEILING)))


def wire_number(value: Decimal) -> int | float:
    """A JSON number for a service whose schema wants one: exact when whole.

    Prices are rounded to whole units or cents before they get here, so the
    float of a cents value prints back as the same decimal.
    """
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def endpoint(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def json_of(response: requests.Response, provider: str) -> Any:
    """The answer's JSON body; BadResponse when it is not JSON (a proxy's HTML page)."""
    try:
        return response.json()
    except ValueError as exc:
        raise BadResponse(
            f"HTTP {response.status_code}: body is not JSON", provider=provider
        ) from exc


class ServiceClient:
    """What every adapter's client shares: made from its settings, calls through its one
    session, at its base URL, under its configured timeout (``adapters.http.send``: no
    hidden retries). A subclass names its ``settings_type`` (a dataclass with ``url``,
    ``timeout``, ``sandbox`` and ``from_mapping``) and the headers every call carries."""

    name: str
    settings_type: Any

    def __init__(self, settings: Any, session: requests.Session | None = None):
        self.settings = settings
        self.sandbox = settings.sandbox
        self.session = session or make_session(self.session_headers(settings))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any], **_ignored) -> Any:
        return cls(cls.settings_type.from_mapping(settings))

    @staticmethod
    def session_headers(settings: Any) -> dict[str, str]:
        return {}

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        return send(
            self.session,
            method,
            endpoint(self.settings.url, path),
            provider=self.name,
            timeout=self.settings.timeout,
            **kwargs,
        )


def carrier_reason(status: str, states: Mapping[str, str | None], named: Mapping[str, str]) -> str:
    """Our reason code for a carrier status that needs a person: the one ``named`` for it,
    a return otherwise; a status the table does not know is an exception."""
    if status not in states:
        return "carrier_exception"
    return named.get(status, "carrier_return")


def status_event(
    status: str,
    when: Any,
    states: Mapping[str, str | None],
    reason_for: Callable[[str], str],
    **fields,
) -> TrackingEvent:
    """The event of a carrier status: its state from ``states``, a reason when it needs
    a person, the time read as ISO 8601."""
    state = states.get(status)
    reason = reason_for(status) if state == "needs_attention" else None
    return TrackingEvent(
        status=status, state=state, occurred_at=parse_time(when), reason=reason, **fields
    )


# A phone-like number: optional +, digits with spaces, dots, dashes or brackets between
# them, standing on its own. Not a piece of a URL path, host name, port or id: digits
# right after a word character, "/", "." or "-", or right before one, are left alone.
_PHONE_LIKE = re.compile(r"(?<![\w/.-])\+?\(?\d[\d ().-]{5,24}\d\)?(?![\w/]|[-.:]\w)")
_IP_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Bounded and anchored at the start of a word: a long run of word characters (an HTML
# error page) must not make this quadratic.
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{1,190}")


def _mask_phone(match: re.Match) -> str:
    text = match.group(0)
    digits = sum(char.isdigit() for char in text)
    if digits < 7 or _IP_ADDRESS.fullmatch(text) or _ISO_DATE.fullmatch(text):
        return text
    return "***"  # more than a phone's 15 digits may still hold one: masked too


def scrub(message: str, *secrets: str | None, limit: int = 480) -> str:
    """A service's error message fit to store and log: no phone numbers, e-mails
    or the given strings (the buyer's name and address), and not too long. URLs,
    host names, ports and ids keep their digits: ops need them to act."""
    text = str(message or "")
    for value in secrets:
        if value and len(value) >= 3:
            text = text.replace(value, "***")
    text = _PHONE_LIKE.sub(_mask_phone, _EMAIL.sub("***", text))
    return text[:limit]


def parse_time(value: Any) -> datetime | None:
    """ISO 8601 with ``Z``, ``+07:00`` or ``+0700``; None when absent or unreadable."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)

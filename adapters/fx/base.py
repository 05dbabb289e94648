"""What every FX rate provider returns and raises: quotes, the provider protocol, FX errors."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol, runtime_checkable

from adapters.errors import BadResponse
from adapters.http import parse_timeout

_CURRENCY = re.compile(r"^[A-Z]{3}$")

# Seconds one provider fetch may take in all (every request, body included); a
# refresh waits no longer for a provider than this, whatever the per-read timeouts.
DEFAULT_DEADLINE = 30.0


class NoRatesPublished(BadResponse):
    """The source answered but published nothing for that day (weekend, holiday, not yet out).

    Transient: asking again later (or for the previous business day) may succeed.
    """

    code = "no_rates"
    transient = True


@dataclass(frozen=True)
class Quote:
    """1 unit of ``base`` = ``rate`` units of ``quote``, as published by ``source`` at ``as_of``.

    ``path`` is empty for a direct quote; when the rate was derived through other
    currencies it lists them in order, e.g. ``("CNY", "EUR", "THB")``.
    """

    base: str
    quote: str
    rate: Decimal
    source: str
    as_of: datetime
    path: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for code in (self.base, self.quote):
            if not isinstance(code, str) or not _CURRENCY.match(code):
                raise ValueError(f"not an ISO 4217 code: {code!r}")
        if not isinstance(self.rate, Decimal):
            # Money never goes through float: a float here is a bug upstream.
            raise TypeError(f"rate must be a Decimal, not {type(self.rate).__name__}")
        if not self.rate.is_finite() or self.rate <= 0:
            raise ValueError(f"rate must be a positive finite number, not {self.rate}")
        if not isinstance(self.as_of, datetime) or self.as_of.utcoffset() is None:
            raise ValueError("as_of must be an aware datetime")
        object.__setattr__(self, "as_of", self.as_of.astimezone(UTC))
        object.__setattr__(self, "path", tuple(self.path))


@runtime_checkable
class FxProvider(Protocol):
    """A source of FX rates, registered by ``name`` in :data:`adapters.fx.PROVIDERS`."""

    name: str

    def fetch(self, on: date | None = None) -> list[Quote]:
        """Quotes published for ``on`` (the latest published when ``None``).

        Raises :class:`adapters.errors.AdapterError` subclasses only:
        ``ProviderUnavailable`` (timeout, 5xx, 429), ``BadResponse`` (malformed data)
        and :class:`NoRatesPublished` (nothing published for that day).
        """
        ...


@dataclass(frozen=True)
class FxRequest:
    """One HTTP request, built by a pure function and sent by the provider."""

    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()


def parse_positive_decimal(text: str, *, provider: str, what: str) -> Decimal:
    """A positive finite Decimal from a published figure, or BadResponse."""
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError) as exc:
        raise BadResponse(f"{what} is not a number: {text!r}", provider=provider) from exc
    if not value.is_finite() or value <= 0:
        raise BadResponse(f"{what} is not a positive number: {text!r}", provider=provider)
    return value


def check_currency(code: str | None, *, provider: str) -> str:
    code = (code or "").strip().upper()
    if not _CURRENCY.match(code):
        raise BadResponse(f"not a currency code: {code!r}", provider=provider)
    return code


def parse_xml(content: str | bytes, *, provider: str) -> ET.Element:
    """The root element of an XML answer, or BadResponse.

    A DOCTYPE is refused outright: none of these services send one, and it is
    the door to entity-expansion tricks. ElementTree resolves no external
    entities, and the bundled expat (>= 2.4.1) caps internal expansion.
    """
    raw = content.encode() if isinstance(content, str) else content
    if not raw.strip():
        raise BadResponse("empty body", provider=provider)
    if b"<!DOCTYPE" in raw.upper():
        raise BadResponse("XML with a DOCTYPE refused", provider=provider)
    try:
        return ET.fromstring(content)  # noqa: S314 - DOCTYPE refused above; see docstring
    except ET.ParseError as exc:
        raise BadResponse(f"malformed XML: {exc}", provider=provider) from exc


def deadline_of(settings: Mapping[str, Any]) -> float:
    """The ``deadline`` setting in seconds (unset or empty: the default); must be positive."""
    value = settings.get("deadline")
    deadline = DEFAULT_DEADLINE if value in (None, "") else float(value)
    if not deadline > 0:
        raise ValueError(f"deadline must be a positive number of seconds, not {value!r}")
    return deadline


def http_options(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``base_url``, ``timeout`` and ``deadline`` keyword arguments from a provider's settings.

    URL: ``base_url`` (or ``url``); unset or empty keeps the provider's default.
    Timeouts: ``timeout`` (one number for both, or ``[connect, read]``), then
    ``connect_timeout`` / ``read_timeout`` override either part.
    Deadline: ``deadline``, seconds for the whole fetch (default :data:`DEFAULT_DEADLINE`).
    """
    connect, read = parse_timeout(settings.get("timeout"))
    options: dict[str, Any] = {
        "timeout": (
            float(settings.get("connect_timeout", connect)),
            float(settings.get("read_timeout", read)),
        ),
        "deadline": deadline_of(settings),
    }
    url = settings.get("base_url") or settings.get("url")
    if url:
        options["base_url"] = str(url)
    return options

"""ECB euro reference rates through forex-python (``CurrencyRates(force_decimal=True)``).

forex-python 1.9 builds its URL as ``Common._source_url() + ("latest" | "YYYY-MM-DD")``
with ``?base=<ccy>&rtype=fpy`` (``_source_url`` is ``https://theratesapi.com/api/``),
and the API answers ``{"base": "CNY", "date": "2024-04-24", "rates": {"USD": 0.138, ...}}``.
We subclass it only to make that URL configurable and to keep the answer's date.

**No timeout in the library.** forex-python calls ``requests.get`` without a
timeout, so a stalled server would hang the caller forever. Call :meth:`EcbProvider.fetch`
only inside an RQ job that has a job timeout. As a second guard, each library
call runs in a daemon thread and we stop waiting after ``connect + read``
seconds (ProviderUnavailable, code ``timeout``), or once the fetch of every
base has used up its total ``deadline`` (DeadlineExceeded); the abandoned thread
ends with its socket, or with the RQ work-horse process that ran the job.

The ECB publishes EUR-based rates only; for another base the API divides two
EUR rates, so those quotes record the path through EUR.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from time import monotonic
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import requests
from forex_python.converter import CurrencyRates, DecimalFloatMismatchError, RatesNotAvailableError

from adapters.errors import BadResponse, DeadlineExceeded, ProviderUnavailable
from adapters.fx.base import (
    DEFAULT_DEADLINE,
    FxRequest,
    NoRatesPublished,
    Quote,
    check_currency,
    http_options,
)
from adapters.http import DEFAULT_TIMEOUT

NAME = "ecb"
DEFAULT_BASE_URL = "https://theratesapi.com/api"  # forex-python 1.9's own source
DEFAULT_BASES = ("CNY", "USD", "EUR")
PIVOT = "EUR"  # the only base the ECB itself publishes
FRANKFURT = ZoneInfo("Europe/Berlin")
PUBLISHED_AT = time(16, 0)  # "usually updated at around 16:00 CET every working day"

T = TypeVar("T")


def build_request(base_url: str, base: str, on: date | None = None) -> FxRequest:
    """The request forex-python sends for ``get_rates(base, on)``."""
    return FxRequest(
        method="GET",
        url=base_url.rstrip("/") + "/" + (on.isoformat() if on else "latest"),
        params=(("base", base), ("rtype", "fpy")),
    )


def as_of_for(day: date) -> datetime:
    """Reference rates of ``day`` are published around 16:00 Frankfurt time."""
    return datetime.combine(day, PUBLISHED_AT, tzinfo=FRANKFURT).astimezone(UTC)


def parse_rates(content: str | bytes, base: str) -> list[Quote]:
    """Quotes ``<base>/<ccy>`` from one answer of the API forex-python reads."""
    try:
        answer = json.loads(content, parse_float=Decimal)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise BadResponse(f"not JSON: {exc}", provider=NAME) from exc
    if not isinstance(answer, dict):
        raise BadResponse("the answer is not a JSON object", provider=NAME)
    if answer.get("base", base) != base:
        raise BadResponse(f"asked for base {base}, got {answer.get('base')}", provider=NAME)
    return quotes_from_rates(base, answer.get("rates"), answer.get("date"))


def quotes_from_rates(base: str, rates: object, published: object) -> list[Quote]:
    """Quotes from the ``rates`` mapping and ``date`` of an answer (shared by both paths)."""
    if not rates:
        raise NoRatesPublished(f"no rates for base {base}", provider=NAME)
    if not isinstance(rates, Mapping):
        raise BadResponse("'rates' is not an object", provider=NAME)
    as_of = as_of_for(_published_date(published))
    quotes = []
    for code, value in rates.items():
        code = check_currency(code, provider=NAME)
        if code == base:
            continue
        path = () if PIVOT in (base, code) else (base, PIVOT, code)
        rate = _decimal(value, code)
        quotes.append(Quote(base=base, quote=code, rate=rate, source=NAME, as_of=as_of, path=path))
    return quotes


def _published_date(value: object) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadResponse(f"unreadable date: {value!r}", provider=NAME) from exc


def _decimal(value: object, code: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        # A float here would mean the JSON was decoded without Decimal: refuse it.
        raise BadResponse(f"{code} rate is not a decimal number: {value!r}", provider=NAME)
    try:
        rate = Decimal(value)
    except InvalidOperation as exc:
        raise BadResponse(f"{code} rate is not a number: {value!r}", provider=NAME) from exc
    if not rate.is_finite() or rate <= 0:
        raise BadResponse(f"{code} rate is not a positive number: {value!r}", provider=NAME)
    return rate


class ConfigurableCurrencyRates(CurrencyRates):
    """forex-python's ``CurrencyRates`` with its source URL configurable.

    It also keeps the ``date`` of the last answer, which ``get_rates`` drops.
    One instance per call: the remembered answer is per instance.
    """

    def __init__(self, base_url: str) -> None:
        super().__init__(force_decimal=True)
        self._base_url = base_url.rstrip("/") + "/"
        self.answer_date: object = None

    def _source_url(self) -> str:
        return self._base_url

    def _decode_rates(self, response, use_decimal=False, date_str=None):
        rates = super()._decode_rates(response, use_decimal=use_decimal, date_str=date_str)
        self.answer_date = json.loads(response.text).get("date")
        return rates


class EcbProvider:
    """ECB reference rates for a few bases, fetched through forex-python."""

    name = NAME

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        bases: Iterable[str] = DEFAULT_BASES,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.deadline = deadline
        self.bases = tuple(bases)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> EcbProvider:
        """Settings keys: ``base_url``, ``connect_timeout``, ``read_timeout``, ``deadline``,
        ``bases``."""
        return cls(**http_options(settings), bases=settings.get("bases") or DEFAULT_BASES)

    def fetch(self, on: date | None = None) -> list[Quote]:
        """Quotes for every configured base; ``on`` must be a publication day.

        Must run inside an RQ job with a job timeout (see the module docstring).
        """
        quotes: list[Quote] = []
        until = monotonic() + self.deadline
        for base in self.bases:
            quotes.extend(self._fetch_base(base, on, until))
        return quotes

    def _fetch_base(self, base: str, on: date | None, until: float) -> list[Quote]:
        library = ConfigurableCurrencyRates(self.base_url)
        left = until - monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"no time left for base {base}", provider=NAME)
        try:
            rates = _within(min(left, sum(self.timeout)), lambda: _call_library(library, base, on))
        except ProviderUnavailable as exc:
            if exc.code == "timeout" and monotonic() >= until:
                raise DeadlineExceeded(
                    f"no answer for base {base} within the {self.deadline:g}s deadline",
                    provider=NAME,
                ) from exc
            raise
        quotes = quotes_from_rates(base, rates, library.answer_date)
        if on is not None and quotes[0].as_of != as_of_for(on):
            # The API answers a closed day with the previous publication: not ``on``'s.
            raise NoRatesPublished(f"no reference rates published on {on}", provider=NAME)
        return quotes


def _call_library(library: CurrencyRates, base: str, on: date | None) -> dict:
    """``get_rates`` with every error forex-python can let out turned into ours."""
    try:
        return library.get_rates(base, on)
    except RatesNotAvailableError as exc:
        # Any non-200 answer (5xx, 429, 404) ends here; the library keeps no status.
        raise ProviderUnavailable(str(exc), code="rates_not_available", provider=NAME) from exc
    except requests.Timeout as exc:
        raise ProviderUnavailable("timed out", code="timeout", provider=NAME) from exc
    except requests.ConnectionError as exc:
        raise ProviderUnavailable(
            "could not connect", code="connection_failed", provider=NAME
        ) from exc
    except requests.RequestException as exc:
        raise ProviderUnavailable(str(exc), provider=NAME) from exc
    except (ValueError, TypeError, AttributeError, ArithmeticError) as exc:
        # JSON errors (ValueError subclasses), decimal errors, a non-object answer.
        raise BadResponse(f"unreadable answer: {exc}", provider=NAME) from exc
    except DecimalFloatMismatchError as exc:
        raise BadResponse(str(exc), provider=NAME) from exc


def _within(seconds: float, call: Callable[[], T]) -> T:
    """Run ``call`` in a daemon thread; stop waiting after ``seconds``."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:  # handed back to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"{NAME}-fetch", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise ProviderUnavailable(f"no answer within {seconds:g}s", code="timeout", provider=NAME)
    if "error" in outcome:
        raise outcome["error"]  # already one of ours, or a bug that should surface as is
    return outcome["value"]  # type: ignore[return-value]

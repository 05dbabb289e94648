"""National Bank of Kazakhstan: official daily KZT rates, XML at ``/rss/get_rates.cfm``.

The answer looks like::

    <rates>
      <generator/><title/><link/><description/><copyright/>
      <date>24.04.2024</date>
      <item><fullname>ҚЫТАЙ ЮАНІ</fullname><title>CNY</title>
            <description>61.31</description><quant>1</quant><index/><change/></item>
      <item>... <title>UZS</title><description>3.5</description><quant>100</quant> ...</item>
    </rates>

``description`` is the KZT price of ``quant`` units (AMD and HUF are quoted per 10,
KRW and UZS per 100, IRR per 1000), so one unit costs description / quant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import requests

from adapters.errors import BadResponse
from adapters.fx.base import (
    DEFAULT_DEADLINE,
    FxRequest,
    NoRatesPublished,
    Quote,
    check_currency,
    http_options,
    parse_positive_decimal,
    parse_xml,
)
from adapters.http import DEFAULT_TIMEOUT, expect_ok, make_session, send

NAME = "nbk"
DEFAULT_BASE_URL = "https://nationalbank.kz"
RATES_PATH = "/rss/get_rates.cfm"
ALMATY = ZoneInfo("Asia/Almaty")  # UTC+5 since 2024-03-01, UTC+6 before; tzdata knows both


def build_request(base_url: str, on: date) -> FxRequest:
    """The request for the rates in force on ``on``."""
    return FxRequest(
        method="GET",
        url=base_url.rstrip("/") + RATES_PATH,
        params=(("fdate", on.strftime("%d.%m.%Y")),),
    )


def as_of_for(day: date) -> datetime:
    """When the rates of ``day`` take effect: 00:00 Almaty time on that day, in UTC.

    The NBK fixes a day's rates on the previous business day (from the KASE
    session and the 15:00 Almaty cross rates) and they are in force for the
    whole of ``day``. The feed states no publication time, so we record the
    moment the rates take effect: the earliest instant they are the official
    rate, and the same value for every fetch of that day.
    """
    return datetime.combine(day, time(0, 0), tzinfo=ALMATY).astimezone(UTC)


def parse_rates(content: str | bytes) -> list[Quote]:
    """Quotes ``<ccy>/KZT`` per single unit from one ``get_rates.cfm`` answer."""
    root = parse_xml(content, provider=NAME)
    if root.tag != "rates":
        raise BadResponse(f"expected <rates>, got <{root.tag}>", provider=NAME)
    items = root.findall("item")
    if not items:
        raise NoRatesPublished("no rates in the answer", provider=NAME)
    day = _published_date(root.findtext("date"))
    as_of = as_of_for(day)
    quotes = []
    for item in items:
        quote = _quote_from_item(item, as_of)
        if quote is not None:
            quotes.append(quote)
    if not quotes:
        raise NoRatesPublished("every rate in the answer was blank", provider=NAME)
    return quotes


def _published_date(text: str | None) -> date:
    try:
        return datetime.strptime((text or "").strip(), "%d.%m.%Y").date()  # noqa: DTZ007 - a date
    except ValueError as exc:
        raise BadResponse(f"unreadable <date>: {text!r}", provider=NAME) from exc


def _quote_from_item(item, as_of: datetime) -> Quote | None:
    code = check_currency(item.findtext("title"), provider=NAME)
    figure = (item.findtext("description") or "").strip()
    if figure in ("", "-"):
        return None  # not quoted that day
    price = parse_positive_decimal(figure, provider=NAME, what=f"{code} rate")
    quant = _quant(item.findtext("quant"), code)
    return Quote(base=code, quote="KZT", rate=price / quant, source=NAME, as_of=as_of)


def _quant(text: str | None, code: str) -> int:
    text = (text or "1").strip() or "1"
    if not text.isdigit() or int(text) < 1:
        raise BadResponse(f"{code} quant is not a positive integer: {text!r}", provider=NAME)
    return int(text)


class NbkProvider:
    """Fetches one day's NBK rates through a session with explicit timeouts."""

    name = NAME

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        session: requests.Session | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.deadline = deadline
        self.session = session or make_session()
        self._clock = clock or (lambda: datetime.now(UTC))

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> NbkProvider:
        """Settings keys: ``base_url``, ``connect_timeout``, ``read_timeout``, ``deadline``."""
        return cls(**http_options(settings))

    def fetch(self, on: date | None = None) -> list[Quote]:
        """Rates in force on ``on`` (today in Almaty when None).

        NoRatesPublished when the NBK has nothing for that day, or when it
        answers with another day's rates (we never relabel a rate's date).
        """
        day = on or self._clock().astimezone(ALMATY).date()
        request = build_request(self.base_url, day)
        response = send(
            self.session,
            request.method,
            request.url,
            params=dict(request.params),
            provider=NAME,
            timeout=self.timeout,
            deadline=self.deadline,
        )
        quotes = parse_rates(expect_ok(response, NAME).content)
        if quotes[0].as_of != as_of_for(day):
            raise NoRatesPublished(
                f"no rates for {day}: the answer is for another day", provider=NAME
            )
        return quotes

"""Vietcombank: the bank's current VND board, XML at ``/Usercontrols/TVPortal.TyGia/pXML.aspx``.

The answer looks like::

    <!--For reference only. Only one request every 5 minutes!-->
    <ExrateList>
      <DateTime>12/21/2022 2:36:27 PM</DateTime>
      <Exrate CurrencyCode="CNY" CurrencyName="YUAN RENMINBI " Buy="3,331.96"
              Transfer="3,365.61" Sell="3,474.50"/>
      <Exrate CurrencyCode="DKK" CurrencyName="DANISH KRONE " Buy="-" .../>
      <Source>Joint Stock Commercial Bank for Foreign Trade of Vietnam - Vietcombank</Source>
    </ExrateList>

Figures are VND per one unit, with thousands separators; a figure the bank does
not quote is ``-`` or empty. ``DateTime`` is Vietnam local time (UTC+7, no DST).
The feed has no history: it always shows the board in force now.

We use the ``Sell`` column by default: it is what the bank charges to sell us the
foreign currency, i.e. the VND we pay to buy CNY and pay the factory. ``Buy`` and
``Transfer`` are what the bank pays for currency it receives, and would understate
our cost. The column used is recorded in each quote's source ("vietcombank:sell").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import requests

from adapters.errors import BadResponse, Rejected
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

NAME = "vietcombank"
DEFAULT_BASE_URL = "https://portal.vietcombank.com.vn"
RATES_PATH = "/Usercontrols/TVPortal.TyGia/pXML.aspx"
HEAD_OFFICE = "10"  # ``b`` selects the branch board; 10 is the head office
FIELDS = ("Buy", "Transfer", "Sell")
DEFAULT_FIELD = "Sell"
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")
_TIME_FORMATS = ("%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p")


def build_request(base_url: str) -> FxRequest:
    """The request for the board in force now (the feed takes no date)."""
    return FxRequest(
        method="GET", url=base_url.rstrip("/") + RATES_PATH, params=(("b", HEAD_OFFICE),)
    )


def parse_rates(content: str | bytes, field: str = DEFAULT_FIELD) -> list[Quote]:
    """Quotes ``<ccy>/VND`` from the ``field`` column; currencies without it are skipped."""
    if field not in FIELDS:
        raise ValueError(f"field must be one of {FIELDS}, not {field!r}")
    root = parse_xml(content, provider=NAME)
    if root.tag != "ExrateList":
        raise BadResponse(f"expected <ExrateList>, got <{root.tag}>", provider=NAME)
    rows = root.findall("Exrate")
    if not rows:
        raise NoRatesPublished("the board lists no currency", provider=NAME)
    as_of = parse_board_time(root.findtext("DateTime"))
    source = f"{NAME}:{field.lower()}"
    quotes = []
    for row in rows:
        code = check_currency(row.get("CurrencyCode"), provider=NAME)
        rate = parse_figure(row.get(field), what=f"{code} {field}")
        if code == "VND" or rate is None:
            continue
        quotes.append(Quote(base=code, quote="VND", rate=rate, source=source, as_of=as_of))
    if not quotes:
        raise NoRatesPublished(f"no currency has a {field} rate", provider=NAME)
    return quotes


def parse_figure(text: str | None, *, what: str) -> Decimal | None:
    """``"3,474.50"`` -> Decimal; ``"-"``, ``""``, missing or zero -> None (not quoted)."""
    text = (text or "").strip().replace(",", "")
    if text in ("", "-"):
        return None
    if text.strip("0.") == "":
        return None  # "0" / "0.00": the bank does not deal in it
    return parse_positive_decimal(text, provider=NAME, what=what)


def parse_board_time(text: str | None) -> datetime:
    """``"12/21/2022 2:36:27 PM"`` (Vietnam local time) -> aware UTC datetime."""
    text = " ".join((text or "").split())
    for fmt in _TIME_FORMATS:
        try:
            local = datetime.strptime(text, fmt)  # noqa: DTZ007 - zone attached below
        except ValueError:
            continue
        return local.replace(tzinfo=HO_CHI_MINH).astimezone(UTC)
    raise BadResponse(f"unreadable <DateTime>: {text!r}", provider=NAME)


class VietcombankProvider:
    """Fetches the current Vietcombank board through a session with explicit timeouts."""

    name = NAME

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        deadline: float = DEFAULT_DEADLINE,
        field: str = DEFAULT_FIELD,
        session: requests.Session | None = None,
    ) -> None:
        if field not in FIELDS:
            raise ValueError(f"field must be one of {FIELDS}, not {field!r}")
        self.base_url = base_url
        self.timeout = timeout
        self.deadline = deadline
        self.field = field
        self.session = session or make_session()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> VietcombankProvider:
        """Settings keys: ``base_url``, ``connect_timeout``, ``read_timeout``, ``deadline``,
        ``rate_field``."""
        return cls(**http_options(settings), field=settings.get("rate_field", DEFAULT_FIELD))

    def fetch(self, on: date | None = None) -> list[Quote]:
        """The board in force now; with ``on``, only if the board is that day's.

        A board from before ``on`` means the bank has not published for that day
        (weekend, holiday, early morning): NoRatesPublished, transient. A board
        from after ``on`` means ``on`` is history, which this feed cannot give:
        Rejected, permanent.
        """
        request = build_request(self.base_url)
        response = send(
            self.session,
            request.method,
            request.url,
            params=dict(request.params),
            provider=NAME,
            timeout=self.timeout,
            deadline=self.deadline,
        )
        quotes = parse_rates(expect_ok(response, NAME).content, self.field)
        if on is not None:
            board_day = quotes[0].as_of.astimezone(HO_CHI_MINH).date()
            if board_day < on:
                raise NoRatesPublished(
                    f"no board for {on} yet: the latest is from {board_day}", provider=NAME
                )
            if board_day > on:
                raise Rejected(
                    f"the feed has no history; it shows {board_day}, not {on}",
                    code="history_unavailable",
                    provider=NAME,
                )
        return quotes

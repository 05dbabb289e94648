"""Simulators of the FX rate sources, each speaking its service's real format.

Tests (and the ``make run`` sandbox) fill ``published`` with the figures a
source "published" per day; a day with nothing gets the empty answer the
source gives on weekends and holidays. Faults come from :class:`Simulator`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal
from xml.sax.saxutils import escape, quoteattr

from flask import Response, abort, request

from simulators.base import Simulator

NBK_NAMES = {
    "AMD": "АРМЯНСКИЙ ДРАМ",
    "CNY": "КИТАЙСКИЙ ЮАНЬ",
    "EUR": "ЕВРО",
    "HUF": "ВЕНГЕРСКИЙ ФОРИНТ",
    "IRR": "ИРАНСКИЙ РИАЛ",
    "JPY": "ЯПОНСКАЯ ЙЕНА",
    "KRW": "ЮЖНО-КОРЕЙСКИЙ ВОН",
    "RUB": "РОССИЙСКИЙ РУБЛЬ",
    "USD": "ДОЛЛАР США",
    "UZS": "УЗБЕКСКИЙ СУМ",
}


class NbkSimulator(Simulator):
    """``GET /rss/get_rates.cfm?fdate=DD.MM.YYYY`` as the National Bank of Kazakhstan answers it.

    ``published[day] = {"CNY": ("61.31", 1), "UZS": ("3.5", 100)}``: the KZT price
    of ``quant`` units, as text, exactly as it should appear in the feed.
    """

    name = "nbk-simulator"

    def __init__(self) -> None:
        self.published: dict[date, dict[str, tuple[str, int]]] = {}
        super().__init__()

    def setup_routes(self) -> None:
        self.app.add_url_rule("/rss/get_rates.cfm", "rates", self._rates)

    def _rates(self):
        try:
            day = datetime.strptime(request.args.get("fdate", ""), "%d.%m.%Y").date()  # noqa: DTZ007
        except ValueError:
            abort(400)
        return Response(
            render_nbk(day, self.published.get(day, {})), content_type="text/xml; charset=utf-8"
        )


def render_nbk(day: date, rates: dict[str, tuple[str, int]]) -> str:
    """One ``get_rates.cfm`` document; no ``<item>`` at all when nothing was published."""
    items = "".join(
        "<item>"
        f"<fullname>{escape(NBK_NAMES.get(code, code))}</fullname>"
        f"<title>{escape(code)}</title>"
        f"<description>{escape(figure)}</description>"
        f"<quant>{quant}</quant><index></index><change></change>"
        "</item>\n"
        for code, (figure, quant) in rates.items()
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rates>\n'
        "<generator>Alternate RSS Builder</generator>\n"
        "<title>Official exchange rates of National Bank of Republic Kazakhstan</title>\n"
        "<link>www.nationalbank.kz</link>\n"
        "<description>Official exchange rates of National Bank of Republic Kazakhstan"
        "</description>\n"
        "<copyright>www.nationalbank.kz</copyright>\n"
        f"<date>{day.strftime('%d.%m.%Y')}</date>\n{items}</rates>\n"
    )


@dataclass
class VcbBoard:
    """One Vietcombank board: its local publication time and rows code -> (buy, transfer, sell).

    Figures are text as the bank prints them ("3,474.50", "-", "").
    """

    published_at: time
    rows: dict[str, tuple[str, str, str]] = field(default_factory=dict)


class VietcombankSimulator(Simulator):
    """``GET /Usercontrols/TVPortal.TyGia/pXML.aspx`` as Vietcombank answers it.

    The real feed shows the board in force now; here "now" is ``today`` (a date
    the test sets) and the board is ``published[today]``. No board that day
    gives an ``<ExrateList>`` with no ``<Exrate>``.
    """

    name = "vietcombank-simulator"

    def __init__(self, today: date | None = None) -> None:
        self.today = today or date(2022, 12, 21)
        self.published: dict[date, VcbBoard] = {}
        super().__init__()

    def setup_routes(self) -> None:
        self.app.add_url_rule("/Usercontrols/TVPortal.TyGia/pXML.aspx", "board", self._board)

    def _board(self):
        board = self.published.get(self.today)
        return Response(render_vietcombank(self.today, board), mimetype="text/xml")


def render_vietcombank(day: date, board: VcbBoard | None) -> str:
    lines = ["<!--For reference only. Only one request every 5 minutes!-->", "<ExrateList>"]
    if board is not None:
        stamp = datetime.combine(day, board.published_at)
        hour = stamp.strftime("%I").lstrip("0")
        lines.append(
            f"<DateTime>{stamp.month}/{stamp.day}/{stamp.year} "
            f"{hour}:{stamp.strftime('%M:%S %p')}</DateTime>"
        )
        for code, (buy, transfer, sell) in board.rows.items():
            lines.append(
                f"<Exrate CurrencyCode={quoteattr(code)} CurrencyName={quoteattr(code + ' ')} "
                f"Buy={quoteattr(buy)} Transfer={quoteattr(transfer)} Sell={quoteattr(sell)}/>"
            )
    lines.append(
        "<Source>Joint Stock Commercial Bank for Foreign Trade of Vietnam - Vietcombank</Source>"
    )
    lines.append("</ExrateList>")
    return "\n".join(lines) + "\n"


class EcbSimulator(Simulator):
    """The rates API forex-python 1.9 reads: ``GET /api/<YYYY-MM-DD|latest>?base=CNY``.

    ``published[day] = {"USD": "1.0686", "CNY": "7.7431", ...}``: the ECB's
    EUR-based reference rates of that day. Other bases are derived from them
    (rate(B->X) = EUR->X / EUR->B, to 4 decimals) as the real API does. A day
    without a publication answers with empty ``rates``.
    """

    name = "ecb-simulator"

    def __init__(self) -> None:
        self.published: dict[date, dict[str, str]] = {}
        super().__init__()

    def setup_routes(self) -> None:
        self.app.add_url_rule("/api/<day>", "rates", self._rates)

    def _rates(self, day: str):
        base = request.args.get("base", "EUR").upper()
        if day == "latest":
            if not self.published:
                abort(404)
            wanted = max(self.published)
        else:
            try:
                wanted = date.fromisoformat(day)
            except ValueError:
                abort(400)
        rates = rates_for_base(self.published.get(wanted, {}), base)
        if rates is None:
            abort(404)  # a base the ECB does not publish
        symbols = request.args.get("symbols")
        if symbols:
            rates = {code: rate for code, rate in rates.items() if code in symbols.split(",")}
        body = ",".join(f'"{code}":{rate}' for code, rate in sorted(rates.items()))
        payload = f'{{"base":"{base}","date":"{wanted.isoformat()}","rates":{{{body}}}}}'
        return Response(payload, mimetype="application/json")


def rates_for_base(eur_rates: dict[str, str], base: str) -> dict[str, str] | None:
    """EUR-based rates re-expressed for ``base``; None if ``base`` is not in the set."""
    if not eur_rates:
        return {}
    if base == "EUR":
        return dict(eur_rates)
    if base not in eur_rates:
        return None
    per_eur = Decimal(eur_rates[base])
    crossed = {"EUR": Decimal(1) / per_eur}
    crossed.update({code: Decimal(rate) / per_eur for code, rate in eur_rates.items()})
    crossed.pop(base)
    step = Decimal("0.0001")
    return {code: str(rate.quantize(step, ROUND_HALF_EVEN)) for code, rate in crossed.items()}

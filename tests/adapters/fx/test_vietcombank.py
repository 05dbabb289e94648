"""Vietcombank: request, parsing, and HTTP against the simulator."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from decimal import Decimal

import pytest

from adapters.errors import BadResponse, DeadlineExceeded, ProviderUnavailable, Rejected
from adapters.fx import build_provider
from adapters.fx.base import NoRatesPublished
from adapters.fx.vietcombank import build_request, parse_board_time, parse_figure, parse_rates
from simulators.base import Fault
from simulators.fx import VcbBoard
from tests.adapters.fx.support import DRIP_SECONDS, DRIP_SETTINGS, FAST_TIMEOUT, fixture_bytes

DEC_21 = date(2022, 12, 21)  # a Wednesday
DEC_24 = date(2022, 12, 24)  # a Saturday
REAL_BOARD = "vietcombank-2022-12-21.xml"


def by_base(quotes):
    return {quote.base: quote for quote in quotes}


# -- request ---------------------------------------------------------------


def test_build_request_targets_the_head_office_board():
    request = build_request("https://portal.vietcombank.com.vn/")
    assert request.method == "GET"
    assert request.url == "https://portal.vietcombank.com.vn/Usercontrols/TVPortal.TyGia/pXML.aspx"
    assert request.params == (("b", "10"),)


# -- parsing ---------------------------------------------------------------


def test_parse_uses_the_sell_column_of_the_real_board():
    # Board of 21.12.2022, 2:36:27 PM. Its USD figures (23,550 buy / 23,860 sell)
    # are the "end of December 21" rates VietnamPlus reported on 22.12.2022.
    quotes = by_base(parse_rates(fixture_bytes(REAL_BOARD)))
    assert len(quotes) == 20
    assert quotes["CNY"].rate == Decimal("3474.50")
    assert quotes["USD"].rate == Decimal("23860.00")
    assert quotes["KWD"].rate == Decimal("80301.57")
    assert {quote.quote for quote in quotes.values()} == {"VND"}
    assert {quote.source for quote in quotes.values()} == {"vietcombank:sell"}


def test_parse_records_the_column_it_used():
    quotes = by_base(parse_rates(fixture_bytes(REAL_BOARD), field="Transfer"))
    assert quotes["CNY"].rate == Decimal("3365.61")
    assert quotes["CNY"].source == "vietcombank:transfer"


def test_parse_skips_a_currency_whose_column_is_a_dash():
    # DKK, INR, KWD, MYR, NOK, RUB, SAR and SEK have Buy="-" on that board.
    quotes = by_base(parse_rates(fixture_bytes(REAL_BOARD), field="Buy"))
    assert len(quotes) == 12
    assert "DKK" not in quotes
    assert quotes["CNY"].rate == Decimal("3331.96")


def test_parse_skips_currencies_with_no_sell_figure():
    # KWD Sell="", SAR Sell="-", RUB Sell="0.00": only CNY remains.
    quotes = parse_rates(fixture_bytes("vietcombank-missing-sell.xml"))
    assert [quote.base for quote in quotes] == ["CNY"]


def test_parse_converts_vietnam_local_time_to_utc():
    quote = parse_rates(fixture_bytes(REAL_BOARD))[0]
    # 2:36:27 PM in Ho Chi Minh City (UTC+7) = 07:36:27 UTC.
    assert quote.as_of == datetime(2022, 12, 21, 7, 36, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/21/2022 2:36:27 PM", datetime(2022, 12, 21, 7, 36, 27, tzinfo=UTC)),
        ("11/26/2026 8:30:01 AM", datetime(2026, 11, 26, 1, 30, 1, tzinfo=UTC)),
        ("3/20/2026 8:00 AM", datetime(2026, 3, 20, 1, 0, tzinfo=UTC)),
        ("1/2/2024 12:05:00 AM", datetime(2024, 1, 1, 17, 5, tzinfo=UTC)),
    ],
)
def test_parse_board_time_formats(text, expected):
    assert parse_board_time(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3,474.50", Decimal("3474.50")),
        ("80,301.57", Decimal("80301.57")),
        ("19.39", Decimal("19.39")),
        ("23,860", Decimal("23860")),
        ("-", None),
        ("", None),
        (None, None),
        ("0.00", None),
    ],
)
def test_parse_figure_handles_separators_and_blanks(text, expected):
    assert parse_figure(text, what="test") == expected


def test_parse_an_empty_board_is_no_rates_published():
    with pytest.raises(NoRatesPublished):
        parse_rates(fixture_bytes("vietcombank-empty.xml"))


def test_parse_malformed_xml_is_a_bad_response():
    with pytest.raises(BadResponse) as caught:
        parse_rates(fixture_bytes("vietcombank-malformed.xml"))
    assert not isinstance(caught.value, NoRatesPublished)


def test_parse_an_unreadable_board_time_is_a_bad_response():
    with pytest.raises(BadResponse, match="DateTime"):
        parse_rates(fixture_bytes("vietcombank-bad-time.xml"))


def test_parse_an_html_error_page_is_a_bad_response():
    with pytest.raises(BadResponse):
        parse_rates(fixture_bytes("garbage.html"))


def test_parse_refuses_an_unknown_column():
    with pytest.raises(ValueError):
        parse_rates(fixture_bytes(REAL_BOARD), field="Mid")


# -- a real rate, by hand --------------------------------------------------


def test_real_vietcombank_sell_rate_prices_a_cny_listing_in_vnd():
    # Vietcombank board of 21.12.2022 2:36:27 PM: CNY Sell = 3,474.50 VND.
    # 18.50 CNY x 3,474.50 = 64,278.25 VND (18 x 3,474.50 = 62,541.00; 0.50 x 3,474.50 = 1,737.25).
    cny = by_base(parse_rates(fixture_bytes(REAL_BOARD)))["CNY"]
    assert Decimal("18.50") * cny.rate == Decimal("64278.25")


# -- over HTTP, against the simulator -------------------------------------


def vcb_provider(sim, **settings):
    return build_provider("vietcombank", {"base_url": sim.url, **FAST_TIMEOUT, **settings})


def publish_board(sim, day=DEC_21):
    sim.today = day
    sim.published[day] = VcbBoard(
        published_at=clock_time(14, 36, 27),
        rows={
            "CNY": ("3,331.96", "3,365.61", "3,474.50"),
            "USD": ("23,550.00", "23,580.00", "23,860.00"),
            "DKK": ("-", "3,319.77", "3,447.29"),
        },
    )


def test_fetch_good_day(vietcombank_sim):
    publish_board(vietcombank_sim)
    quotes = by_base(vcb_provider(vietcombank_sim).fetch(DEC_21))
    assert quotes["CNY"].rate == Decimal("3474.50")
    assert quotes["DKK"].rate == Decimal("3447.29")
    assert quotes["CNY"].as_of == datetime(2022, 12, 21, 7, 36, 27, tzinfo=UTC)
    assert vietcombank_sim.requests == [("GET", "/Usercontrols/TVPortal.TyGia/pXML.aspx?b=10")]


def test_fetch_latest_needs_no_date(vietcombank_sim):
    publish_board(vietcombank_sim)
    assert len(vcb_provider(vietcombank_sim).fetch()) == 3


def test_fetch_honours_the_configured_column(vietcombank_sim):
    publish_board(vietcombank_sim)
    quotes = by_base(vcb_provider(vietcombank_sim, rate_field="Buy").fetch())
    assert quotes["CNY"].rate == Decimal("3331.96")
    assert "DKK" not in quotes


def test_fetch_weekend_with_an_empty_board_is_no_rates_published(vietcombank_sim):
    publish_board(vietcombank_sim)
    vietcombank_sim.today = DEC_24  # nothing published that day
    with pytest.raises(NoRatesPublished) as caught:
        vcb_provider(vietcombank_sim).fetch(DEC_24)
    assert caught.value.transient is True


def test_fetch_for_a_day_not_yet_published_is_no_rates_published(vietcombank_sim):
    publish_board(vietcombank_sim)  # the board still shows 21.12
    with pytest.raises(NoRatesPublished):
        vcb_provider(vietcombank_sim).fetch(date(2022, 12, 22))


def test_fetch_history_is_rejected_permanently(vietcombank_sim):
    publish_board(vietcombank_sim)
    with pytest.raises(Rejected) as caught:
        vcb_provider(vietcombank_sim).fetch(date(2022, 12, 20))
    assert caught.value.code == "history_unavailable"
    assert caught.value.transient is False


@pytest.mark.parametrize("status", [500, 503])
def test_fetch_server_error_is_transient_provider_unavailable(vietcombank_sim, status):
    vietcombank_sim.inject(Fault(kind="status", status=status))
    with pytest.raises(ProviderUnavailable) as caught:
        vcb_provider(vietcombank_sim).fetch()
    assert caught.value.code == "server_error"
    assert caught.value.transient is True


def test_fetch_timeout_fails_fast_instead_of_hanging(vietcombank_sim):
    publish_board(vietcombank_sim)
    vietcombank_sim.inject(Fault(kind="timeout", seconds=1.0))
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable) as caught:
        vcb_provider(vietcombank_sim).fetch()
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 0.9


def test_fetch_of_a_dripped_board_stops_at_the_deadline(vietcombank_sim):
    publish_board(vietcombank_sim)
    vietcombank_sim.inject(Fault(kind="drip", seconds=DRIP_SECONDS))
    provider = build_provider("vietcombank", {"base_url": vietcombank_sim.url, **DRIP_SETTINGS})
    with pytest.raises(DeadlineExceeded) as caught:
        provider.fetch()
    assert caught.value.code == "deadline_exceeded" and caught.value.transient is True


def test_fetch_garbage_is_a_bad_response(vietcombank_sim):
    vietcombank_sim.inject(Fault(kind="garbage"))
    with pytest.raises(BadResponse) as caught:
        vcb_provider(vietcombank_sim).fetch()
    assert caught.value.code == "bad_response"


def test_fetch_malformed_xml_is_a_bad_response(vietcombank_sim):
    body = fixture_bytes("vietcombank-malformed.xml").decode()
    vietcombank_sim.inject(Fault(kind="garbage", body=body))
    with pytest.raises(BadResponse):
        vcb_provider(vietcombank_sim).fetch()

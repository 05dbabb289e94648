"""National Bank of Kazakhstan: request, parsing, and HTTP against the simulator."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest

from adapters.errors import BadResponse, DeadlineExceeded, ProviderUnavailable
from adapters.fx import build_provider
from adapters.fx.base import NoRatesPublished
from adapters.fx.nbk import as_of_for, build_request, parse_rates
from simulators.base import Fault
from tests.adapters.fx.support import DRIP_SECONDS, DRIP_SETTINGS, FAST_TIMEOUT, fixture_bytes

APRIL_24 = date(2024, 4, 24)  # a Wednesday
APRIL_27 = date(2024, 4, 27)  # a Saturday


def by_base(quotes):
    return {quote.base: quote for quote in quotes}


# -- request ---------------------------------------------------------------


def test_build_request_asks_for_the_day_in_nbk_date_format():
    request = build_request("https://nationalbank.kz/", APRIL_24)
    assert request.method == "GET"
    assert request.url == "https://nationalbank.kz/rss/get_rates.cfm"
    assert request.params == (("fdate", "24.04.2024"),)


# -- parsing ---------------------------------------------------------------


def test_parse_reads_every_currency_of_the_real_24_april_2024_answer():
    quotes = parse_rates(fixture_bytes("nbk-2024-04-24.xml"))
    # 39 <item>s; the header's own <title>/<description> are not rates.
    assert len(quotes) == 39
    assert {quote.quote for quote in quotes} == {"KZT"}
    assert {quote.source for quote in quotes} == {"nbk"}
    rates = {code: quote.rate for code, quote in by_base(quotes).items()}
    assert rates["CNY"] == Decimal("61.31")
    assert rates["USD"] == Decimal("444.32")
    assert rates["EUR"] == Decimal("473.33")
    assert all(isinstance(rate, Decimal) for rate in rates.values())


@pytest.mark.parametrize(
    ("code", "published", "per_unit"),
    [
        ("AMD", "10 AMD = 11.38 KZT", Decimal("1.138")),
        ("HUF", "10 HUF = 12.02 KZT", Decimal("1.202")),
        ("UZS", "100 UZS = 3.5 KZT", Decimal("0.035")),
        ("KRW", "100 KRW = 32.25 KZT", Decimal("0.3225")),
        ("IRR", "1000 IRR = 10.6 KZT", Decimal("0.0106")),
        ("JPY", "1 JPY = 2.87 KZT", Decimal("2.87")),
    ],
)
def test_parse_divides_by_quant_to_price_one_unit(code, published, per_unit):
    quotes = by_base(parse_rates(fixture_bytes("nbk-2024-04-24.xml")))
    assert quotes[code].rate == per_unit, published


def test_parse_dates_rates_from_midnight_almaty_in_utc():
    quote = parse_rates(fixture_bytes("nbk-2024-04-24.xml"))[0]
    # Almaty is UTC+5 since 2024-03-01: 24.04.2024 00:00 local = 23.04.2024 19:00 UTC.
    assert quote.as_of == datetime(2024, 4, 23, 19, 0, tzinfo=UTC)


def test_as_of_uses_utc_plus_6_before_kazakhstan_changed_zone():
    assert as_of_for(date(2024, 2, 29)) == datetime(2024, 2, 28, 18, 0, tzinfo=UTC)


def test_parse_skips_currencies_published_as_dash_or_blank():
    quotes = parse_rates(fixture_bytes("nbk-blank-figures.xml"))
    assert {quote.base for quote in quotes} == {"CNY"}


def test_parse_an_answer_without_items_is_no_rates_published():
    with pytest.raises(NoRatesPublished) as caught:
        parse_rates(fixture_bytes("nbk-empty.xml"))
    assert caught.value.code == "no_rates"
    assert caught.value.transient is True


def test_parse_malformed_xml_is_a_bad_response():
    with pytest.raises(BadResponse) as caught:
        parse_rates(fixture_bytes("nbk-malformed.xml"))
    assert not isinstance(caught.value, NoRatesPublished)
    assert caught.value.code == "bad_response"


def test_parse_an_html_error_page_is_a_bad_response():
    with pytest.raises(BadResponse):
        parse_rates(fixture_bytes("garbage.html"))


def test_parse_a_figure_that_is_not_a_number_is_a_bad_response():
    with pytest.raises(BadResponse, match="CNY"):
        parse_rates(fixture_bytes("nbk-not-a-number.xml"))


@pytest.mark.parametrize("body", [b"", b"   ", b"<<<not what you expected", b"<html/>"])
def test_parse_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        parse_rates(body)


# -- a real rate, by hand --------------------------------------------------


def test_real_nbk_rate_prices_a_cny_listing_in_kzt():
    # NBK official rate in force on 24.04.2024 (nationalbank.kz): 1 CNY = 61.31 KZT.
    # A factory price of 18.50 CNY is 18.50 x 61.31 = 1,134.235 KZT
    # (18 x 61.31 = 1,103.58; 0.50 x 61.31 = 30.655; sum 1,134.235),
    # i.e. 1,134.24 KZT to the tiyn, half up.
    cny = by_base(parse_rates(fixture_bytes("nbk-2024-04-24.xml")))["CNY"]
    kzt = Decimal("18.50") * cny.rate
    assert kzt == Decimal("1134.235")
    assert kzt.quantize(Decimal("0.01"), ROUND_HALF_UP) == Decimal("1134.24")


# -- over HTTP, against the simulator -------------------------------------


def nbk_provider(sim, **settings):
    return build_provider("nbk", {"base_url": sim.url, **FAST_TIMEOUT, **settings})


def test_fetch_good_day(nbk_sim):
    nbk_sim.published[APRIL_24] = {"CNY": ("61.31", 1), "UZS": ("3.5", 100)}
    quotes = by_base(nbk_provider(nbk_sim).fetch(APRIL_24))
    assert quotes["CNY"].rate == Decimal("61.31")
    assert quotes["UZS"].rate == Decimal("0.035")
    assert nbk_sim.requests == [("GET", "/rss/get_rates.cfm?fdate=24.04.2024")]


def test_fetch_without_a_date_asks_for_today_in_almaty(nbk_sim):
    nbk_sim.published[APRIL_24] = {"CNY": ("61.31", 1)}
    provider = build_provider("nbk", {"base_url": nbk_sim.url})
    # 23.04.2024 20:00 UTC is already 24.04 01:00 in Almaty.
    provider._clock = lambda: datetime(2024, 4, 23, 20, 0, tzinfo=UTC)
    assert provider.fetch()[0].rate == Decimal("61.31")
    assert nbk_sim.requests[-1][1].endswith("fdate=24.04.2024")


def test_fetch_weekend_is_no_rates_published(nbk_sim):
    nbk_sim.published[APRIL_24] = {"CNY": ("61.31", 1)}
    with pytest.raises(NoRatesPublished) as caught:
        nbk_provider(nbk_sim).fetch(APRIL_27)
    assert caught.value.transient is True


def test_fetch_another_days_answer_is_not_relabelled(nbk_sim):
    # The service answers with the 24.04 document when asked for 25.04.
    nbk_sim.inject(Fault(kind="garbage", body=fixture_bytes("nbk-2024-04-24.xml").decode()))
    with pytest.raises(NoRatesPublished):
        nbk_provider(nbk_sim).fetch(date(2024, 4, 25))


@pytest.mark.parametrize("status", [500, 502, 503])
def test_fetch_server_error_is_transient_provider_unavailable(nbk_sim, status):
    nbk_sim.inject(Fault(kind="status", status=status, body="down"))
    with pytest.raises(ProviderUnavailable) as caught:
        nbk_provider(nbk_sim).fetch(APRIL_24)
    assert caught.value.code == "server_error"
    assert caught.value.transient is True


def test_fetch_rate_limited_is_transient_with_retry_after(nbk_sim):
    nbk_sim.inject(Fault(kind="status", status=429, headers={"Retry-After": "300"}))
    with pytest.raises(ProviderUnavailable) as caught:
        nbk_provider(nbk_sim).fetch(APRIL_24)
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after == 300


def test_fetch_timeout_fails_fast_instead_of_hanging(nbk_sim):
    nbk_sim.published[APRIL_24] = {"CNY": ("61.31", 1)}
    nbk_sim.inject(Fault(kind="timeout", seconds=1.0))
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable) as caught:
        nbk_provider(nbk_sim).fetch(APRIL_24)
    assert caught.value.code == "timeout"
    assert caught.value.transient is True
    assert time.monotonic() - started < 0.9


def test_fetch_of_an_answer_dripped_byte_by_byte_stops_at_the_deadline(nbk_sim):
    nbk_sim.published[APRIL_24] = {"CNY": ("61.31", 1), "UZS": ("3.5", 100)}
    nbk_sim.inject(Fault(kind="drip", seconds=DRIP_SECONDS))
    provider = build_provider("nbk", {"base_url": nbk_sim.url, **DRIP_SETTINGS})
    with pytest.raises(DeadlineExceeded) as caught:
        provider.fetch(APRIL_24)
    assert caught.value.code == "deadline_exceeded"
    assert caught.value.transient is True
    assert isinstance(caught.value, ProviderUnavailable)
    # The same answer, not dripped, is read whole through the same streaming path.
    assert by_base(provider.fetch(APRIL_24))["UZS"].rate == Decimal("0.035")


def test_fetch_garbage_is_a_bad_response(nbk_sim):
    nbk_sim.inject(Fault(kind="garbage"))
    with pytest.raises(BadResponse) as caught:
        nbk_provider(nbk_sim).fetch(APRIL_24)
    assert caught.value.code == "bad_response"


def test_fetch_malformed_xml_is_a_bad_response(nbk_sim):
    nbk_sim.inject(Fault(kind="garbage", body=fixture_bytes("nbk-malformed.xml").decode()))
    with pytest.raises(BadResponse):
        nbk_provider(nbk_sim).fetch(APRIL_24)


def test_fetch_connection_refused_is_transient(closed_port_url):
    provider = build_provider("nbk", {"base_url": closed_port_url, **FAST_TIMEOUT})
    with pytest.raises(ProviderUnavailable) as caught:
        provider.fetch(APRIL_24)
    assert caught.value.code == "connection_failed"

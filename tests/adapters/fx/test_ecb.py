"""ECB reference rates through forex-python, against a simulator of the API it reads."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from adapters.errors import BadResponse, DeadlineExceeded, ProviderUnavailable
from adapters.fx import build_provider
from adapters.fx.base import NoRatesPublished
from adapters.fx.ecb import (
    DEFAULT_BASE_URL,
    ConfigurableCurrencyRates,
    build_request,
    parse_rates,
    quotes_from_rates,
)
from simulators.base import Fault
from tests.adapters.fx.support import DRIP_SECONDS, DRIP_SETTINGS, FAST_TIMEOUT, fixture_bytes

APRIL_24 = date(2024, 4, 24)  # a Wednesday
APRIL_27 = date(2024, 4, 27)  # a Saturday
# ECB euro reference rates of 24.04.2024 (eurofxref-hist.csv), a few of them.
ECB_APRIL_24 = {"USD": "1.0686", "CNY": "7.7431", "THB": "39.602", "MYR": "5.1058"}


def by_quote(quotes, base):
    return {quote.quote: quote for quote in quotes if quote.base == base}


# -- request ---------------------------------------------------------------


def test_build_request_mirrors_forex_python_urls():
    latest = build_request("https://theratesapi.com/api/", "CNY")
    assert latest.url == "https://theratesapi.com/api/latest"
    assert latest.params == (("base", "CNY"), ("rtype", "fpy"))
    dated = build_request("https://theratesapi.com/api", "USD", APRIL_24)
    assert dated.url == "https://theratesapi.com/api/2024-04-24"


def test_default_url_is_forex_pythons_own_source():
    # If a forex-python upgrade moves its source, this says so.
    from forex_python.converter import CurrencyRates

    assert CurrencyRates()._source_url() == DEFAULT_BASE_URL + "/"


def test_forex_python_sends_exactly_the_built_request(ecb_sim):
    ecb_sim.published[APRIL_24] = ECB_APRIL_24
    library = ConfigurableCurrencyRates(ecb_sim.url + "/api")
    library.get_rates("CNY", APRIL_24)
    request = build_request(ecb_sim.url + "/api", "CNY", APRIL_24)
    expected = request.url.removeprefix(ecb_sim.url) + "?" + urlencode(request.params)
    assert ecb_sim.requests == [("GET", expected)]


# -- parsing ---------------------------------------------------------------


def test_parse_reads_the_real_24_april_2024_reference_rates():
    quotes = by_quote(parse_rates(fixture_bytes("ecb-2024-04-24-eur.json"), "EUR"), "EUR")
    assert len(quotes) == 30
    assert quotes["CNY"].rate == Decimal("7.7431")
    assert quotes["USD"].rate == Decimal("1.0686")
    assert quotes["THB"].rate == Decimal("39.602")
    assert quotes["MYR"].rate == Decimal("5.1058")
    assert quotes["CNY"].path == ()  # the ECB publishes EUR/CNY itself
    # Published around 16:00 in Frankfurt (CEST, UTC+2) = 14:00 UTC.
    assert quotes["CNY"].as_of == datetime(2024, 4, 24, 14, 0, tzinfo=UTC)


def test_parse_records_the_path_through_eur_for_other_bases():
    quotes = quotes_from_rates(
        "CNY", {"USD": Decimal("0.138"), "EUR": Decimal("0.1291")}, "2024-04-24"
    )
    paths = {quote.quote: quote.path for quote in quotes}
    assert paths == {"USD": ("CNY", "EUR", "USD"), "EUR": ()}


def test_parse_empty_rates_is_no_rates_published():
    with pytest.raises(NoRatesPublished):
        parse_rates(fixture_bytes("ecb-empty.json"), "CNY")


def test_parse_a_rate_that_is_not_a_number_is_a_bad_response():
    with pytest.raises(BadResponse, match="CNY"):
        parse_rates(fixture_bytes("ecb-bad-rate.json"), "EUR")


@pytest.mark.parametrize("body", [b"", b"<<<not json", b"[1, 2]", fixture_bytes("garbage.html")])
def test_parse_garbage_is_a_bad_response(body):
    with pytest.raises(BadResponse):
        parse_rates(body, "EUR")


def test_parse_refuses_an_answer_for_another_base():
    with pytest.raises(BadResponse, match="base"):
        parse_rates(fixture_bytes("ecb-2024-04-24-eur.json"), "USD")


# -- over HTTP, through forex-python, against the simulator ---------------


def ecb_provider(sim, **settings):
    return build_provider("ecb", {"base_url": sim.url + "/api", **FAST_TIMEOUT, **settings})


def test_fetch_good_day_returns_cny_usd_and_eur_bases(ecb_sim):
    ecb_sim.published[APRIL_24] = ECB_APRIL_24
    quotes = ecb_provider(ecb_sim).fetch(APRIL_24)
    assert {quote.base for quote in quotes} == {"CNY", "USD", "EUR"}
    assert by_quote(quotes, "EUR")["CNY"].rate == Decimal("7.7431")
    cny = by_quote(quotes, "CNY")
    # 1.0686 / 7.7431 = 0.13800674... -> 0.1380, as the API rounds cross rates.
    assert cny["USD"].rate == Decimal("0.1380")
    assert cny["USD"].path == ("CNY", "EUR", "USD")
    assert cny["EUR"].path == ()
    assert all(isinstance(quote.rate, Decimal) for quote in quotes)
    assert {quote.source for quote in quotes} == {"ecb"}


def test_fetch_latest_dates_quotes_from_the_answer(ecb_sim):
    ecb_sim.published[APRIL_24] = ECB_APRIL_24
    quotes = ecb_provider(ecb_sim, bases=["EUR"]).fetch()
    assert quotes[0].as_of == datetime(2024, 4, 24, 14, 0, tzinfo=UTC)
    assert ecb_sim.requests == [("GET", "/api/latest?base=EUR&rtype=fpy")]


def test_fetch_weekend_is_no_rates_published(ecb_sim):
    ecb_sim.published[APRIL_24] = ECB_APRIL_24
    with pytest.raises(NoRatesPublished) as caught:
        ecb_provider(ecb_sim).fetch(APRIL_27)
    assert caught.value.transient is True


def test_fetch_a_closed_day_answered_with_the_previous_publication_is_not_relabelled(ecb_sim):
    # The real API answers a Saturday with Friday's rates and Friday's date.
    ecb_sim.inject(Fault(kind="garbage", body=fixture_bytes("ecb-2024-04-24-eur.json").decode()))
    with pytest.raises(NoRatesPublished):
        ecb_provider(ecb_sim, bases=["EUR"]).fetch(APRIL_27)


@pytest.mark.parametrize("status", [500, 503, 429])
def test_fetch_server_error_is_transient_provider_unavailable(ecb_sim, status):
    ecb_sim.inject(Fault(kind="status", status=status))
    with pytest.raises(ProviderUnavailable) as caught:
        ecb_provider(ecb_sim).fetch(APRIL_24)
    # forex-python reduces every non-200 answer to RatesNotAvailableError.
    assert caught.value.code == "rates_not_available"
    assert caught.value.transient is True


def test_fetch_timeout_fails_fast_although_forex_python_has_none(ecb_sim):
    ecb_sim.published[APRIL_24] = ECB_APRIL_24
    ecb_sim.inject(Fault(kind="timeout", seconds=1.0))
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable) as caught:
        ecb_provider(ecb_sim, connect_timeout=0.1, read_timeout=0.3).fetch(APRIL_24)
    assert caught.value.code == "timeout"
    assert time.monotonic() - started < 0.9


def test_fetch_of_a_dripped_answer_stops_at_the_deadline_although_forex_python_streams_not(
    ecb_sim,
):
    ecb_sim.published[APRIL_24] = ECB_APRIL_24
    ecb_sim.inject(Fault(kind="drip", seconds=DRIP_SECONDS))
    provider = build_provider("ecb", {"base_url": ecb_sim.url + "/api", **DRIP_SETTINGS})
    with pytest.raises(DeadlineExceeded) as caught:
        provider.fetch(APRIL_24)
    assert caught.value.code == "deadline_exceeded"
    # The first base used up the whole deadline: the others were not even asked for.
    assert len(ecb_sim.requests) == 1


def test_fetch_garbage_is_a_bad_response(ecb_sim):
    ecb_sim.inject(Fault(kind="garbage"))
    with pytest.raises(BadResponse) as caught:
        ecb_provider(ecb_sim).fetch(APRIL_24)
    assert caught.value.code == "bad_response"


def test_fetch_a_non_numeric_rate_is_a_bad_response(ecb_sim):
    ecb_sim.inject(Fault(kind="garbage", body=fixture_bytes("ecb-bad-rate.json").decode()))
    with pytest.raises(BadResponse):
        ecb_provider(ecb_sim, bases=["EUR"]).fetch(APRIL_24)


def test_fetch_connection_refused_is_transient(closed_port_url):
    provider = build_provider("ecb", {"base_url": closed_port_url, **FAST_TIMEOUT})
    with pytest.raises(ProviderUnavailable) as caught:
        provider.fetch(APRIL_24)
    assert caught.value.code == "connection_failed"

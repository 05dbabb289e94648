from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from adapters.errors import BadResponse
from adapters.fx.base import NoRatesPublished, Quote

NOON_ALMATY = datetime(2024, 4, 24, 12, 0, tzinfo=timezone(timedelta(hours=5)))


def test_quote_keeps_as_of_in_utc():
    quote = Quote("CNY", "KZT", Decimal("61.31"), "nbk", NOON_ALMATY)
    assert quote.as_of == datetime(2024, 4, 24, 7, 0, tzinfo=UTC)
    assert quote.as_of.tzinfo is UTC


def test_quote_refuses_a_float_rate():
    with pytest.raises(TypeError):
        Quote("CNY", "KZT", 61.31, "nbk", NOON_ALMATY)


@pytest.mark.parametrize("rate", [Decimal(0), Decimal("-1"), Decimal("NaN"), Decimal("Infinity")])
def test_quote_refuses_a_rate_that_is_not_positive_and_finite(rate):
    with pytest.raises(ValueError):
        Quote("CNY", "KZT", rate, "nbk", NOON_ALMATY)


def test_quote_refuses_a_naive_as_of():
    with pytest.raises(ValueError):
        Quote("CNY", "KZT", Decimal("61.31"), "nbk", datetime(2024, 4, 24, 12, 0))  # noqa: DTZ001


@pytest.mark.parametrize("code", ["cny", "CN", "CNYY", "", None])
def test_quote_refuses_a_code_that_is_not_iso_4217(code):
    with pytest.raises(ValueError):
        Quote(code, "KZT", Decimal("61.31"), "nbk", NOON_ALMATY)


def test_quote_is_immutable():
    quote = Quote("CNY", "KZT", Decimal("61.31"), "nbk", NOON_ALMATY)
    with pytest.raises(AttributeError):
        quote.rate = Decimal(1)


def test_no_rates_published_is_a_transient_bad_response_with_its_own_code():
    error = NoRatesPublished("closed", provider="nbk")
    assert isinstance(error, BadResponse)
    assert error.code == "no_rates"
    assert error.transient is True
    assert str(error) == "nbk: no_rates: closed"

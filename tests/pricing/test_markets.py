"""Markets are data: files are validated at start, and a new market needs no code."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest

from connector.markets.registry import MarketConfigError, load_markets
from connector.pricing.engine import Conversion, Parcel, landed_price, prepare

SHIPPED = Path(__file__).resolve().parents[2] / "markets"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "markets"


def test_shipped_markets_load_with_their_currencies_and_locales():
    markets = load_markets(SHIPPED)
    assert {"VN", "KZ", "UZ", "TH", "MY"} <= set(markets)
    assert markets["VN"].currency == "VND" and markets["VN"].locales == ("vi_VN",)
    assert markets["KZ"].currency == "KZT" and markets["KZ"].locales == ("kk_KZ", "ru_KZ")
    assert markets["KZ"].vat_rate(date(2025, 12, 31)) == D("12")
    assert markets["KZ"].vat_rate(date(2026, 1, 1)) == D("16")


def test_a_new_market_file_is_priced_without_code(tmp_path):
    shutil.copy(FIXTURES / "ph.toml", tmp_path / "ph.toml")
    market = load_markets(tmp_path)["PH"]
    rates = Conversion("PHP", {"CNY": D("8.1")})
    result = landed_price(
        prepare(
            market, "semi_managed", Parcel(220, D("30"), D("25"), D("2")), rates, date(2026, 11, 26)
        ),
        D("18.50"),
    )
    assert result.currency == "PHP" and result.price % 1 == 0


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (lambda t: t.replace('currency = "PHP"', 'currency = "peso"'), "currency"),
        (
            lambda t: t.replace('default_mode = "semi_managed"', 'default_mode = "teleport"'),
            "default_mode",
        ),
        (lambda t: t + '\n[[vat]]\nrate = "10"\nsince = 2025-01-01\n', "overlap"),
        (lambda t: t.replace('rate = "12"', 'rate = "112"'), "vat.0.rate"),
        (lambda t: t.replace("first_price", "first_prize"), "first_prize"),
        (lambda t: t + "\n[[[broken", "ph.toml"),
    ],
)
def test_invalid_market_file_names_the_problem(tmp_path, mutation, message):
    text = (FIXTURES / "ph.toml").read_text()
    (tmp_path / "ph.toml").write_text(mutation(text))
    with pytest.raises(MarketConfigError) as error:
        load_markets(tmp_path)
    assert "ph.toml" in str(error.value) and message in str(error.value)


def test_rate_move_limit_defaults_to_ten_percent_and_is_read_from_the_file(tmp_path):
    assert all(m.max_rate_move_pct == D("10") for m in load_markets(SHIPPED).values())
    text = (FIXTURES / "ph.toml").read_text()
    assert "max_rate_move_pct" not in text
    (tmp_path / "ph.toml").write_text(text)
    assert load_markets(tmp_path)["PH"].max_rate_move_pct == D("10")
    (tmp_path / "ph.toml").write_text('max_rate_move_pct = "2.5"\n' + text)
    assert load_markets(tmp_path)["PH"].max_rate_move_pct == D("2.5")


@pytest.mark.parametrize("value", ['"0"', '"-5"', '"150"', '"ten"'])
def test_rate_move_limit_outside_0_to_100_percent_names_the_field(tmp_path, value):
    text = (FIXTURES / "ph.toml").read_text()
    (tmp_path / "ph.toml").write_text(f"max_rate_move_pct = {value}\n" + text)
    with pytest.raises(MarketConfigError, match="max_rate_move_pct"):
        load_markets(tmp_path)


def test_enabling_a_market_without_a_file_is_an_error():
    with pytest.raises(MarketConfigError, match="XX"):
        load_markets(SHIPPED, enabled=["VN", "XX"])

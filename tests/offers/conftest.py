"""Fixtures of the offer tests: a translation simulator and fresh rates for every market."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.offers.support import Quote, fresh, store


@pytest.fixture
def translator(app):
    """A LibreTranslate simulator on 127.0.0.1, configured as the app's machine translator."""
    from simulators.libretranslate import LibreTranslateSimulator

    with LibreTranslateSimulator() as simulator:
        app.config["TRANSLATION"] = {
            **app.config["TRANSLATION"],
            "url": simulator.url,
            "timeout": 2.0,
        }
        yield simulator


@pytest.fixture
def rates(app):
    """Direct quotes for every market's currency, published an hour ago."""
    as_of = fresh()
    store(
        app,
        Quote("CNY", "VND", D("3700"), "vietcombank:sell", as_of),
        Quote("EUR", "VND", D("30000"), "vietcombank:sell", as_of),
        Quote("CNY", "KZT", D("70"), "nbk", as_of),
        Quote("EUR", "KZT", D("600"), "nbk", as_of),
        Quote("CNY", "UZS", D("1700"), "cbu", as_of),
        Quote("USD", "UZS", D("12500"), "cbu", as_of),
        Quote("CNY", "THB", D("4.6"), "ecb", as_of),
        Quote("CNY", "MYR", D("0.62"), "ecb", as_of),
    )

"""The FX simulators (from the adapter tests), configured as the app's live providers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from simulators.fx import VcbBoard
from tests.adapters.fx.conftest import (  # noqa: F401  (fixtures)
    _ecb_server,
    _nbk_server,
    _vietcombank_server,
    ecb_sim,
    nbk_sim,
    vietcombank_sim,
)
from tests.offers.conftest import rates, translator  # noqa: F401  (fixtures)

ALMATY = ZoneInfo("Asia/Almaty")
HO_CHI_MINH = ZoneInfo("Asia/Ho_Chi_Minh")

# What the NBK publishes (KZT per quant units) and Vietcombank's board (VND per unit):
# every market currency but the provider's own is quoted against KZT or VND only.
NBK_RATES = {
    "CNY": ("61.31", 1),
    "USD": ("444.32", 1),
    "EUR": ("473.33", 1),
    "UZS": ("3.5", 100),
    "THB": ("12.07", 1),
    "MYR": ("93.06", 1),
}
VCB_ROWS = {
    "CNY": ("3,331.96", "3,365.61", "3,474.50"),
    "USD": ("23,550.00", "23,580.00", "23,860.00"),
    "EUR": ("24,511.68", "24,759.28", "25,883.79"),
    "THB": ("602.97", "669.97", "695.70"),
    "MYR": ("-", "5,286.48", "5,402.39"),
}


def nbk_figure(code: str) -> Decimal:
    """KZT per one unit, as the provider reads it."""
    figure, quant = NBK_RATES[code]
    return Decimal(figure) / quant


def publish_nbk(sim, figures=None) -> None:
    """Today's (and, across midnight, tomorrow's) rates in Almaty."""
    today = datetime.now(UTC).astimezone(ALMATY).date()
    for day in (today, today + timedelta(days=1)):
        sim.published[day] = dict(figures or NBK_RATES)


def publish_vietcombank(sim, rows=None) -> None:
    """A board published early today in Vietnam."""
    sim.today = datetime.now(UTC).astimezone(HO_CHI_MINH).date()
    sim.published[sim.today] = VcbBoard(published_at=time(0, 1), rows=dict(rows or VCB_ROWS))


@pytest.fixture
def live_providers(app, nbk_sim, vietcombank_sim):  # noqa: F811 - fixtures
    """The app fetches from the NBK and Vietcombank simulators only, with a short deadline."""
    publish_nbk(nbk_sim)
    publish_vietcombank(vietcombank_sim)
    common = {"connect_timeout": 2.0, "read_timeout": 5.0, "deadline": 1.0}
    app.config["FX_PROVIDERS"] = ["nbk", "vietcombank"]
    app.config["FX_SETTINGS"] = {
        "nbk": {"url": nbk_sim.url, **common},
        "vietcombank": {"url": vietcombank_sim.url, **common},
    }
    return nbk_sim, vietcombank_sim

"""Fixtures for orders and shipments: simulators wired into the app, a seller."""

from __future__ import annotations

import pytest

from tests.fulfilment.support import make_seller, sandbox_settings
from tests.offers.conftest import rates, translator  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def ghn_sim_server():
    from simulators.ghn import GhnSimulator

    with GhnSimulator() as simulator:
        yield simulator


@pytest.fixture(scope="session")
def cdek_sim_server():
    from simulators.cdek import CdekSimulator

    with CdekSimulator() as simulator:
        yield simulator


@pytest.fixture(scope="session")
def warehouse_sim_server():
    from simulators.warehouse import WarehouseSimulator

    with WarehouseSimulator() as simulator:
        yield simulator


@pytest.fixture
def ghn_sim(ghn_sim_server):
    ghn_sim_server.reset()
    return ghn_sim_server


@pytest.fixture
def cdek_sim(cdek_sim_server):
    cdek_sim_server.reset()
    return cdek_sim_server


@pytest.fixture
def warehouse_sim(warehouse_sim_server):
    warehouse_sim_server.reset()
    return warehouse_sim_server


@pytest.fixture
def services(app, ghn_sim, cdek_sim, warehouse_sim):
    """The three simulators, configured as the app's shipping services; fast retries."""
    app.config["SHIPPING_ADAPTERS"] = sandbox_settings(ghn_sim, cdek_sim, warehouse_sim)
    app.config["FULFILMENT"] = {
        **app.config["FULFILMENT"],
        "backoff_seconds": 0.0,
        "lease_seconds": 30,
        "max_attempts": 5,
    }
    app.extensions.pop("shipping_adapters", None)
    return {"ghn": ghn_sim, "cdek": cdek_sim, "consolidation": warehouse_sim}


@pytest.fixture
def seller(app):
    return make_seller(app)

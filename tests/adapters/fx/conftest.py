"""Simulators for the FX adapter tests.

Each simulator is started once per session (stopping one waits out the
server's poll interval) and handed to every test with a clean state.
"""

from __future__ import annotations

import socket
from datetime import date

import pytest

from simulators.fx import EcbSimulator, NbkSimulator, VietcombankSimulator


def _clean(sim):
    sim.published.clear()
    sim.faults.clear()
    sim.requests.clear()
    return sim


@pytest.fixture(scope="session")
def _nbk_server():
    with NbkSimulator() as sim:
        yield sim


@pytest.fixture(scope="session")
def _vietcombank_server():
    with VietcombankSimulator() as sim:
        yield sim


@pytest.fixture(scope="session")
def _ecb_server():
    with EcbSimulator() as sim:
        yield sim


@pytest.fixture
def nbk_sim(_nbk_server):
    return _clean(_nbk_server)


@pytest.fixture
def vietcombank_sim(_vietcombank_server):
    _vietcombank_server.today = date(2022, 12, 21)
    return _clean(_vietcombank_server)


@pytest.fixture
def ecb_sim(_ecb_server):
    return _clean(_ecb_server)


@pytest.fixture
def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"

"""Fixtures for the translation adapters: payload files and a LibreTranslate simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.translation.libretranslate import LibreTranslateClient
from simulators.libretranslate import LibreTranslateSimulator

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "translation"


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# One server per session: stopping one takes half a second (the serve_forever poll).
@pytest.fixture(scope="session")
def _shared_simulator():
    with LibreTranslateSimulator() as sim:
        yield sim


@pytest.fixture(scope="session")
def _shared_keyed_simulator():
    with LibreTranslateSimulator(api_key="right-key") as sim:
        yield sim


@pytest.fixture
def simulator(_shared_simulator):
    _shared_simulator.reset()
    yield _shared_simulator
    _shared_simulator.reset()


@pytest.fixture
def keyed_simulator(_shared_keyed_simulator):
    _shared_keyed_simulator.reset()
    yield _shared_keyed_simulator
    _shared_keyed_simulator.reset()


@pytest.fixture
def make_client():
    """A client for a simulator, with settings overridable per test."""

    def make(sim, **settings) -> LibreTranslateClient:
        return LibreTranslateClient.from_settings({"url": sim.url, **settings})

    return make

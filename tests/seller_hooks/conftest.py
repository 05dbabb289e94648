"""Fixtures for sellers' webhooks: a receiver on 127.0.0.1, sellers, a clock to move."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fulfilment.support import make_seller
from tests.seller_hooks.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def other_receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def seller(app):
    return make_seller(app, "hanoi@shop.example", markets=("VN",))


@pytest.fixture
def other_seller(app):
    return make_seller(app, "almaty@shop.example", markets=("KZ",))


class Clock:
    """The time the webhook code reads: starts now, moves only when told."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch):
    from connector.models.types import utcnow
    from connector.seller_hooks import delivery, events

    moving = Clock(utcnow())
    monkeypatch.setattr(delivery, "utcnow", moving)
    monkeypatch.setattr(events, "utcnow", moving)
    return moving


from tests.fulfilment.conftest import (  # noqa: E402, F401  (fixtures)
    cdek_sim,
    cdek_sim_server,
    ghn_sim,
    ghn_sim_server,
    services,
    warehouse_sim,
    warehouse_sim_server,
)
from tests.offers.conftest import rates, translator  # noqa: E402, F401  (fixtures)

"""``flask fx refresh``: every provider fetched at once, each within its own deadline."""

from __future__ import annotations

from decimal import Decimal

from connector.models import FxProviderState, FxRate
from simulators.base import Fault
from tests.adapters.fx.support import DRIP_SECONDS


def stored(app, source: str) -> dict[tuple[str, str], Decimal]:
    from connector.extensions import db

    with app.app_context():
        rows = db.session.execute(db.select(FxRate).where(FxRate.source == source)).scalars()
        return {(row.base, row.quote): row.rate for row in rows}


def provider_state(app, name: str) -> FxProviderState:
    from connector.extensions import db

    with app.app_context():
        state = db.session.get(FxProviderState, name)
        db.session.expunge(state)
        return state


def test_refresh_stores_every_providers_rates(app, runner, live_providers):
    result = runner.invoke(args=["fx", "refresh"])
    assert result.exit_code == 0, result.output
    assert "nbk: {'ok': True" in result.output and "vietcombank: {'ok': True" in result.output
    assert stored(app, "nbk")[("UZS", "KZT")] == Decimal("0.035")
    assert stored(app, "vietcombank:sell")[("CNY", "VND")] == Decimal("3474.50")


def test_a_dripping_provider_hits_its_deadline_and_the_other_is_stored(app, runner, live_providers):
    nbk, _ = live_providers
    # About a kilobyte at a byte per DRIP_SECONDS: a minute of drip against a 1 s deadline.
    nbk.inject(Fault(kind="drip", seconds=DRIP_SECONDS))
    result = runner.invoke(args=["fx", "refresh"])
    assert result.exit_code == 0, result.output
    assert "nbk: {'ok': False, 'code': 'deadline_exceeded'}" in result.output
    assert stored(app, "nbk") == {}
    assert stored(app, "vietcombank:sell")[("CNY", "VND")] == Decimal("3474.50")
    state = provider_state(app, "nbk")
    assert state.last_error_code == "deadline_exceeded" and state.consecutive_failures == 1
    assert provider_state(app, "vietcombank").consecutive_failures == 0


def test_a_provider_that_fails_outright_costs_the_others_nothing(app, runner, live_providers):
    _, vietcombank = live_providers
    vietcombank.inject(Fault(kind="status", status=503))
    result = runner.invoke(args=["fx", "refresh"])
    assert "vietcombank: {'ok': False, 'code': 'server_error'}" in result.output
    assert stored(app, "nbk")[("CNY", "KZT")] == Decimal("61.31")

"""A fetched rate that jumps past the market's limit waits for a person: prices keep the
last accepted rate, and ops approve or reject it on the FX page or through the API."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal as D

import pytest

from tests.conftest import bearer
from tests.fx.conftest import ALMATY, NBK_RATES, nbk_figure, publish_nbk
from tests.offers.support import Quote, create, offers, run_jobs, store, tshirt
from tests.ops.conftest import csrf_of, flashes, page_of, sign_in
from tests.ops.support import audit_entries

# The NBK's CNY figure with a misplaced decimal point: ten times the real rate.
TENFOLD = {**NBK_RATES, "CNY": ("613.1", 1)}


def almaty_midnight(days_ago: int = 0) -> datetime:
    today = datetime.now(UTC).astimezone(ALMATY).date() - timedelta(days=days_ago)
    return datetime.combine(today, time(0, 0), tzinfo=ALMATY).astimezone(UTC)


@pytest.fixture
def yesterday(app):
    """The NBK's rates of yesterday, accepted and in use."""
    as_of = almaty_midnight(days_ago=1)
    store(app, *(Quote(code, "KZT", nbk_figure(code), "nbk", as_of) for code in NBK_RATES))
    return as_of


@pytest.fixture
def kz_offer(app, client, exporter_token, live_providers, yesterday, translator):
    """A listing priced in KZ from yesterday's rates; returns a function reading its offer."""
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)

    def read() -> dict:
        return offers(client, exporter_token, listing["id"])["KZ"]

    return read


def refresh(runner, nbk_sim, figures) -> str:
    publish_nbk(nbk_sim, figures)
    result = runner.invoke(args=["fx", "refresh"])
    assert result.exit_code == 0, result.output
    return result.output


def first_price(offer: dict) -> str:
    return offer["document"]["variants"][0]["prices"][0]["price"]


def quarantined(client, token) -> list[dict]:
    response = client.get("/api/v1/fx/rates", headers=bearer(token))
    assert response.status_code == 200
    return response.json["quarantined"]


def test_a_tenfold_rate_is_quarantined_and_prices_keep_the_last_accepted_one(
    app, client, runner, ops_token, live_providers, kz_offer
):
    nbk_sim, _ = live_providers
    before = kz_offer()
    assert before["status"] == "ready", before["hold_reasons"]
    output = refresh(runner, nbk_sim, TENFOLD)
    assert "nbk: {'ok': True, 'quotes': 6, 'new': 6, 'quarantined': 1}" in output
    run_jobs(app)
    after = kz_offer()
    assert after["status"] == "ready"
    assert after["document"]["fx"]["CNY"]["rate"] == "61.3100000000"
    assert first_price(after) == first_price(before)
    # The other currencies moved not at all: today's figures are in use.
    assert after["document"]["fx"]["EUR"]["as_of"] == almaty_midnight().isoformat()
    [held] = quarantined(client, ops_token)
    assert (held["pair"], held["source"], held["status"]) == ("CNY/KZT", "nbk", "quarantined")
    assert D(held["rate"]) == D("613.1") and D(held["reference_rate"]) == D("61.31")
    assert D(held["move_pct"]) == D("900")


def test_moves_within_the_limit_are_used_and_beyond_it_are_not(
    app, client, runner, ops_token, live_providers, kz_offer
):
    nbk_sim, _ = live_providers
    # Markets allow 10 %: CNY +7.6 % is a real move, EUR +12 % waits for a person.
    output = refresh(runner, nbk_sim, {**NBK_RATES, "CNY": ("66.00", 1), "EUR": ("530.00", 1)})
    assert "'quarantined': 1" in output
    run_jobs(app)
    fx = kz_offer()["document"]["fx"]
    assert fx["CNY"]["rate"] == "66.0000000000"
    assert fx["EUR"]["rate"] == "473.3300000000"
    assert [rate["pair"] for rate in quarantined(client, ops_token)] == ["EUR/KZT"]


def test_ops_approve_through_the_api_and_prices_follow(
    app, client, runner, ops_token, exporter_token, live_providers, kz_offer
):
    nbk_sim, _ = live_providers
    refresh(runner, nbk_sim, TENFOLD)
    [held] = quarantined(client, ops_token)
    url = f"/api/v1/fx/rates/{held['id']}/approve"
    assert client.post(url, headers=bearer(exporter_token)).status_code == 403
    approved = client.post(url, headers=bearer(ops_token))
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "accepted" and "KZ" in approved.json["repriced_markets"]
    run_jobs(app)
    assert kz_offer()["document"]["fx"]["CNY"]["rate"] == "613.1000000000"
    assert quarantined(client, ops_token) == []
    [entry] = audit_entries(app, action="fx.approve_rate", result="ok")
    assert entry["source"] == "api" and entry["target_id"] == str(held["id"])
    assert entry["details"]["pair"] == "CNY/KZT" and entry["details"]["move_pct"] == "900.0000"
    # A decision is taken once: a second one is refused, and that is recorded too.
    again = client.post(f"/api/v1/fx/rates/{held['id']}/reject", headers=bearer(ops_token))
    assert again.status_code == 409 and again.json["error"]["code"]
    [refused] = audit_entries(app, action="fx.reject_rate")
    assert refused["result"] == "refused"
    missing = client.post("/api/v1/fx/rates/999999/approve", headers=bearer(ops_token))
    assert missing.status_code == 404


def test_ops_reject_on_the_fx_page_and_the_rate_is_never_used(
    app, client, runner, demo, live_providers, kz_offer
):
    nbk_sim, _ = live_providers
    refresh(runner, nbk_sim, TENFOLD)
    ops_client = app.test_client()
    sign_in(ops_client, "ops@demo.example", demo["password"])
    page = page_of(ops_client.get("/ops/fx"))
    waiting = page.by_id("h-quarantine").parent.text()
    assert "CNY/KZT" in waiting and "613.1" in waiting and "61.31" in waiting
    assert "900" in waiting
    [button] = page.all(lambda n: n.attrs.get("id", "").startswith("reject-"))
    rate_id = int(button.attrs["id"].removeprefix("reject-"))
    without_token = ops_client.post(f"/ops/fx/rates/{rate_id}/reject")
    assert without_token.status_code == 400  # CSRF
    response = ops_client.post(
        f"/ops/fx/rates/{rate_id}/reject", data={"csrf_token": csrf_of(ops_client)}
    )
    assert response.status_code == 302
    assert "is rejected and will not be used" in flashes(ops_client, response.location)
    assert "No rate is waiting" in page_of(ops_client.get("/ops/fx")).root.text()
    [entry] = audit_entries(app, action="fx.reject_rate")
    assert entry["source"] == "web" and entry["details"]["status"] == "rejected"
    run_jobs(app)
    assert kz_offer()["document"]["fx"]["CNY"]["rate"] == "61.3100000000"


def test_a_corrected_figure_replaces_the_quarantined_one(
    app, client, runner, ops_token, live_providers, kz_offer
):
    nbk_sim, _ = live_providers
    refresh(runner, nbk_sim, TENFOLD)
    # The source fixes its file the same day: same rate date, a sane figure.
    output = refresh(runner, nbk_sim, {**NBK_RATES, "CNY": ("61.50", 1)})
    assert "'new': 0, 'quarantined': 0" in output
    assert quarantined(client, ops_token) == []
    run_jobs(app)
    assert kz_offer()["document"]["fx"]["CNY"]["rate"] == "61.5000000000"

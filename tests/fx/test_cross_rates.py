"""Crossing through whatever currency the providers quote (KZT from the NBK, VND from
Vietcombank), recorded with its path and both sources, chosen the same way every time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

from tests.fx.conftest import nbk_figure
from tests.offers.support import Quote, create, fresh, offers, run_jobs, store, tshirt

FX_REASONS = {"fx_missing", "fx_stale"}


def test_nbk_and_vietcombank_alone_price_every_market_through_kzt_or_vnd(
    app, client, runner, exporter_token, live_providers, translator
):
    result = runner.invoke(args=["fx", "refresh"])
    assert "'ok': False" not in result.output, result.output
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    by_market = offers(client, exporter_token, listing["id"])
    for code in ("UZ", "TH", "MY"):
        offer = by_market[code]
        assert offer["status"] == "ready", (code, offer["hold_reasons"])
        assert not FX_REASONS & {r["code"] for r in offer["hold_reasons"]}
        assert offer["document"]["variants"][0]["prices"], code
    # UZS only the NBK quotes: CNY/UZS = CNY/KZT / UZS/KZT, both legs named.
    uz = by_market["UZ"]["document"]["fx"]["CNY"]
    assert uz["path"] == ["CNY", "KZT", "UZS"]
    assert uz["source"] == "nbk+nbk"
    assert D(uz["rate"]) == nbk_figure("CNY") / nbk_figure("UZS")
    assert [(leg["pair"], leg["source"], leg["inverse"]) for leg in uz["legs"]] == [
        ("CNY/KZT", "nbk", False),
        ("UZS/KZT", "nbk", True),
    ]
    usd = by_market["UZ"]["document"]["fx"]["USD"]  # the de minimis threshold currency
    assert usd["path"] == ["USD", "KZT", "UZS"]
    for code, currency in (("TH", "THB"), ("MY", "MYR")):
        crossed = by_market[code]["document"]["fx"]["CNY"]
        assert crossed["path"][0] == "CNY" and crossed["path"][2] == currency
        assert crossed["path"][1] in {"KZT", "VND"}
        assert len(crossed["legs"]) == 2 and "+" in crossed["source"]
    # Markets with a direct quote keep it, with no legs.
    assert by_market["KZ"]["document"]["fx"]["CNY"]["path"] == ["CNY", "KZT"]
    assert "legs" not in by_market["VN"]["document"]["fx"]["CNY"]


def test_the_newest_cross_wins_and_equal_ones_are_chosen_by_pivot(
    app, client, exporter_token, translator
):
    as_of = fresh(hours_ago=2)
    store(
        app,
        Quote("CNY", "KZT", D("61.31"), "nbk", as_of),
        Quote("THB", "KZT", D("12.07"), "nbk", as_of),
        Quote("CNY", "VND", D("3474.50"), "vietcombank:sell", as_of),
        Quote("THB", "VND", D("695.70"), "vietcombank:sell", as_of),
    )
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    th = offers(client, exporter_token, listing["id"])["TH"]["document"]["fx"]["CNY"]
    # As old and as good as each other: the pivot's code decides, every time.
    assert th["path"] == ["CNY", "KZT", "THB"]

    newer = as_of + timedelta(hours=1)
    store(
        app,
        Quote("CNY", "VND", D("3480"), "vietcombank:sell", newer),
        Quote("THB", "VND", D("696"), "vietcombank:sell", newer),
    )
    from connector.offers.service import enqueue_market_reprice

    with app.app_context():
        enqueue_market_reprice("TH")
    run_jobs(app)
    th = offers(client, exporter_token, listing["id"])["TH"]["document"]["fx"]["CNY"]
    assert th["path"] == ["CNY", "VND", "THB"]
    assert th["source"] == "vietcombank:sell+vietcombank:sell"
    assert D(th["rate"]) == D("3480") / D("696")

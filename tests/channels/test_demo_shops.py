"""``flask demo shops``: the demo seller connected to the sandbox Shopee and Ozon, once."""

from __future__ import annotations

from urllib.parse import urlsplit

from connector.channels.demo import DEMO_SELLER_TOKEN
from tests.channels.conftest import (
    OZON_CLIENT,
    OZON_KEY,
    SHOPEE_SHOP,
    SHOPEE_TOKEN,
    TIKTOK_CIPHER,
    TIKTOK_TOKEN,
    WB_SUPPLIER,
    WB_TOKEN,
    products,
)
from tests.conftest import bearer
from tests.offers.support import run_jobs


def test_the_demo_seller_s_sandbox_shops_receive_the_offers(
    app, runner, client, catalog, shopee, ozon, wildberries, tiktok, monkeypatch
):
    from connector import config

    # The simulators of this test stand in for make run's sandbox shops.
    monkeypatch.setitem(
        config.SANDBOX_SHOPS,
        "shopee",
        {"shop_id": SHOPEE_SHOP, "credentials": {"access_token": SHOPEE_TOKEN}},
    )
    monkeypatch.setitem(
        config.SANDBOX_SHOPS,
        "ozon",
        {"shop_id": OZON_CLIENT, "credentials": {"api_key": OZON_KEY}},
    )
    monkeypatch.setitem(
        config.SANDBOX_SHOPS,
        "wildberries",
        {"shop_id": WB_SUPPLIER, "credentials": {"api_token": WB_TOKEN}},
    )
    monkeypatch.setitem(
        config.SANDBOX_SHOPS,
        "tiktok",
        {"shop_id": TIKTOK_CIPHER, "credentials": {"access_token": TIKTOK_TOKEN}},
    )
    for _ in range(2):  # idempotent
        result = runner.invoke(args=["demo", "shops"])
        assert result.exit_code == 0, result.output
        assert DEMO_SELLER_TOKEN in result.output
    shops = client.get("/api/v1/channel-connections/", headers=bearer(DEMO_SELLER_TOKEN)).json
    assert sorted((shop["channel"], shop["market"]) for shop in shops) == [
        ("ozon", "KZ"),
        ("shopee", "VN"),
        ("tiktok", "VN"),
        ("wildberries", "KZ"),
    ]
    run_jobs(app)
    for shop in shops:
        listed = products(client, DEMO_SELLER_TOKEN, shop["id"])
        assert len(listed) == 12 and {p["status"] for p in listed.values()} <= {
            "synced",
            "refused",  # Wildberries: titles over 60 characters
        }
    assert len(shopee.items) == 12 and len(ozon.products) == 12
    assert len(wildberries.cards) == 9 and len(tiktok.products) == 12


def test_a_real_channel_is_never_connected_with_sandbox_credentials(app, runner, client, demo):
    app.config["CHANNELS"] = {
        name: {**settings, "sandbox": False} for name, settings in app.config["CHANNELS"].items()
    }
    result = runner.invoke(args=["demo", "shops"])
    assert result.exit_code == 0, result.output
    shops = client.get("/api/v1/channel-connections/", headers=bearer(DEMO_SELLER_TOKEN)).json
    assert shops == []


def test_the_demo_seller_s_kaspi_price_list_is_polled_at_the_url_demo_info_prints(
    app, runner, client, demo, rates
):
    assert runner.invoke(args=["demo", "shops"]).exit_code == 0
    info = runner.invoke(args=["demo", "info"])
    assert info.exit_code == 0, info.output
    [line] = [line for line in info.output.splitlines() if "Kaspi.kz price list" in line]
    url = line.split(": ", 1)[1].strip()
    settings = client.get("/api/v1/channel-settings", headers=bearer(DEMO_SELLER_TOKEN)).json
    assert settings["feeds"]["KZ"]["kaspi"] == url
    answer = client.get(urlsplit(url).path)
    assert answer.status_code == 200
    assert b"<kaspi_catalog" in answer.data and b"<merchantid>DEMO001</merchantid>" in answer.data

"""Fixtures of the channel push tests: the Shopee and Ozon simulators, a seller, its shops."""

from __future__ import annotations

import pytest

from simulators.ozon import OzonSimulator
from simulators.shopee import ShopeeSimulator
from simulators.tiktok import TiktokSimulator
from simulators.wildberries import WildberriesSimulator
from tests.conftest import bearer
from tests.feeds.conftest import catalog  # noqa: F401  (fixtures)
from tests.feeds.test_channel_settings import new_seller
from tests.offers.conftest import rates, translator  # noqa: F401  (fixtures)
from tests.offers.support import run_jobs

SHOPEE_SHOP, SHOPEE_TOKEN = "100001", "test-shopee-access-token"
OZON_CLIENT, OZON_KEY = "836201", "test-ozon-api-key"
WB_SUPPLIER, WB_TOKEN = "4120001", "test-wb-token-0123456789"
TIKTOK_CIPHER, TIKTOK_TOKEN = "ROW_test_cipher", "test-tiktok-token-0123"


@pytest.fixture
def shopee(app):
    with ShopeeSimulator(
        partner_id="2001887", partner_key="test-partner-key", shops={SHOPEE_SHOP: SHOPEE_TOKEN}
    ) as simulator:
        app.config["CHANNELS"] = {
            **app.config["CHANNELS"],
            "shopee": {
                "url": simulator.url,
                "sandbox": True,
                "partner_id": "2001887",
                "partner_key": "test-partner-key",
                "timeout": [2, 2],
            },
        }
        yield simulator


@pytest.fixture
def ozon(app):
    with OzonSimulator(accounts={OZON_CLIENT: OZON_KEY}) as simulator:
        app.config["CHANNELS"] = {
            **app.config["CHANNELS"],
            "ozon": {"url": simulator.url, "sandbox": True, "timeout": [2, 2]},
        }
        yield simulator


@pytest.fixture
def wildberries(app):
    with WildberriesSimulator(token=WB_TOKEN) as simulator:
        app.config["CHANNELS"] = {
            **app.config["CHANNELS"],
            "wildberries": {
                "url": simulator.url,
                "prices_url": simulator.url,
                "sandbox": True,
                "timeout": [2, 2],
            },
        }
        yield simulator


@pytest.fixture
def tiktok(app):
    with TiktokSimulator(
        app_key="6d2ab1test", app_secret="test-app-secret", shops={TIKTOK_CIPHER: TIKTOK_TOKEN}
    ) as simulator:
        app.config["CHANNELS"] = {
            **app.config["CHANNELS"],
            "tiktok": {
                "url": simulator.url,
                "sandbox": True,
                "app_key": "6d2ab1test",
                "app_secret": "test-app-secret",
                "timeout": [2, 2],
            },
        }
        yield simulator


@pytest.fixture
def seller(client, ops_token):
    """A seller in Vietnam and Kazakhstan (its API key)."""
    return new_seller(client, ops_token, "push@shop.example", ["VN", "KZ"])


def map_category(client, ops_token, channel: str, channel_id: str) -> None:
    response = client.put(
        "/api/v1/channel-categories",
        json={"channel": channel, "category": "服装 > T恤", "channel_category_id": channel_id},
        headers=bearer(ops_token),
    )
    assert response.status_code == 200, response.json


def connect(client, key, channel: str, market: str, shop_id: str, credentials: dict, **extra):
    response = client.post(
        "/api/v1/channel-connections/",
        json={
            "channel": channel,
            "market": market,
            "shop_id": shop_id,
            "credentials": credentials,
            **extra,
        },
        headers=bearer(key),
    )
    assert response.status_code == 201, response.json
    return response.json


def products(client, key, connection_id: int, **query) -> dict[str, dict]:
    response = client.get(
        f"/api/v1/channel-connections/{connection_id}/products",
        query_string=query,
        headers=bearer(key),
    )
    assert response.status_code == 200, response.json
    return {product["sku"]: product for product in response.json}


def push_now(app, connection_id: int, later_seconds: float = 0) -> dict:
    """One push run as the job does it (``later_seconds`` on: retries fall due)."""
    from datetime import timedelta

    from connector.channels import push
    from connector.models.types import utcnow

    with app.app_context():
        return push.run(connection_id, utcnow() + timedelta(seconds=later_seconds)).__dict__


def withdraw(client, exporter_token, listing_id: int) -> None:
    response = client.patch(
        f"/api/v1/listings/{listing_id}", json={"status": "draft"}, headers=bearer(exporter_token)
    )
    assert response.status_code == 200, response.json


__all__ = ["run_jobs"]

from __future__ import annotations

import pytest

from connector.feeds import service
from tests.conftest import bearer
from tests.offers.conftest import rates, translator  # noqa: F401  (fixtures)
from tests.offers.support import create, run_jobs, tshirt


@pytest.fixture
def seller_key(client, ops_token):
    """A seller for Vietnam only, created by ops through the API."""
    response = client.post(
        "/api/v1/sellers/",
        json={"name": "Hanoi Shop", "email": "buyer@shop.example", "markets": ["VN"]},
        headers=bearer(ops_token),
    )
    assert response.status_code == 201, response.json
    return response.json["key"]["key"]


@pytest.fixture
def catalog(app, client, exporter_token, rates, translator):  # noqa: F811
    """Three more ready listings beside the demo one: four offers per market."""
    ids = []
    for index in range(3):
        payload = tshirt()
        payload["title_zh"] = f"纯棉T恤 款式{index}"
        for variant in payload["variants"]:
            variant["sku"] = f"{variant['sku']}-{index}"
        ids.append(create(client, exporter_token, payload)["id"])
    run_jobs(app)
    return ids


@pytest.fixture
def renders(monkeypatch):
    """How many times a feed page was assembled from the database."""
    calls = []
    original = service.load_page

    def counting(query):
        calls.append(query)
        return original(query)

    monkeypatch.setattr(service, "load_page", counting)
    return calls

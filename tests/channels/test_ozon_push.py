"""Ozon: products imported once per offer_id, repriced, restocked and archived when withdrawn."""

from __future__ import annotations

import json
from decimal import Decimal

from simulators.base import Fault
from tests.channels.conftest import (
    OZON_CLIENT,
    OZON_KEY,
    connect,
    map_category,
    products,
    push_now,
    withdraw,
)
from tests.channels.test_shopee_push import same_shape
from tests.conftest import FIXTURES
from tests.offers.support import Quote, fresh, run_jobs, store


def documented(folder: str, name: str) -> dict:
    example = json.loads((FIXTURES / folder / name).read_text())
    example.pop("_source")
    return example


def shop(client, seller, **extra):
    return connect(
        client,
        seller,
        "ozon",
        "KZ",
        OZON_CLIENT,
        {"api_key": OZON_KEY},
        options={"warehouse_id": "22142605386000"},
        **extra,
    )


def test_connecting_imports_every_ready_offer_once_per_offer_id(
    app, client, ops_token, seller, catalog, ozon
):
    map_category(client, ops_token, "ozon", "17028922:91565")
    connection = shop(client, seller)
    run_jobs(app)
    listed = products(client, seller, connection["id"])
    assert len(listed) == 12 and len(ozon.products) == 12
    for sku, product in listed.items():
        assert product["status"] == "synced", product
        assert ozon.products[sku]["id"] == int(product["channel_product_id"])
        assert ozon.products[sku]["stock"] >= 0 and ozon.products[sku]["price"] > 0


def test_requests_have_the_documented_shapes(
    app, client, ops_token, exporter_token, seller, catalog, ozon
):
    map_category(client, ops_token, "ozon", "17028922:91565")
    shop(client, seller)
    run_jobs(app)
    withdraw(client, exporter_token, catalog[0])
    run_jobs(app)
    seen: dict[str, dict] = {}
    for path, body in ozon.bodies:
        seen.setdefault(path, body)
    item = seen["/v3/product/import"]["items"][0]
    example = documented("feeds", "ozon_import_item.json")
    assert set(item) == set(example)
    same_shape(item, example)
    same_shape(seen["/v1/product/import/prices"], documented("channels", "ozon_prices.json"))
    same_shape(seen["/v2/products/stocks"], documented("channels", "ozon_stocks.json"))
    assert set(seen["/v1/product/archive"]) == {"product_id"}


def test_an_import_still_running_is_found_by_offer_id_not_imported_twice(
    app, client, ops_token, seller, catalog, ozon
):
    map_category(client, ops_token, "ozon", "17028922:91565")
    # Ozon takes longer than our patience for every task of this run.
    ozon.pending_polls = 100
    connection = shop(client, seller, enabled=False)
    client.patch(
        f"/api/v1/channel-connections/{connection['id']}",
        json={"enabled": True},
        headers={"Authorization": f"Bearer {seller}"},
    )
    from adapters.channels import ozon as ozon_adapter

    ozon_adapter.IMPORT_POLLS, polls = 1, ozon_adapter.IMPORT_POLLS
    try:
        push_now(app, connection["id"])
    finally:
        ozon_adapter.IMPORT_POLLS = polls
    waiting = products(client, seller, connection["id"], status="retrying")
    assert len(waiting) == 12
    ozon.pending_polls = 0
    imports = sum(1 for path, _ in ozon.bodies if path == "/v3/product/import")
    push_now(app, connection["id"], later_seconds=3600)
    listed = products(client, seller, connection["id"])
    assert {p["status"] for p in listed.values()} == {"synced"}
    assert len(ozon.products) == 12
    # The retry found each product by offer_id and updated it (an import per SKU, not two).
    again = sum(1 for path, _ in ozon.bodies if path == "/v3/product/import") - imports
    assert again == 12
    lookups = [body for path, body in ozon.bodies if path == "/v3/product/info/list"]
    assert len(lookups) >= 24


def test_a_price_change_reaches_ozon(app, client, ops_token, seller, catalog, ozon):
    map_category(client, ops_token, "ozon", "17028922:91565")
    shop(client, seller)
    run_jobs(app)
    before = {sku: product["price"] for sku, product in ozon.products.items()}
    from connector.offers.service import enqueue_market_reprice

    store(app, Quote("CNY", "KZT", Decimal("73"), "nbk", fresh(0)))
    with app.app_context():
        enqueue_market_reprice("KZ")
    run_jobs(app)
    after = {sku: product["price"] for sku, product in ozon.products.items()}
    assert set(after) == set(before)
    assert all(after[sku] > before[sku] for sku in before)


def test_a_withdrawn_offer_is_archived_with_no_stock(
    app, client, ops_token, exporter_token, seller, catalog, ozon
):
    map_category(client, ops_token, "ozon", "17028922:91565")
    connection = shop(client, seller)
    run_jobs(app)
    withdraw(client, exporter_token, catalog[0])
    run_jobs(app)
    gone = [
        p for p in products(client, seller, connection["id"]).values() if p["status"] == "delisted"
    ]
    assert len(gone) == 3
    for product in gone:
        assert ozon.products[product["sku"]]["archived"] is True
        assert ozon.products[product["sku"]]["stock"] == 0
    assert sum(1 for p in ozon.products.values() if not p["archived"]) == 9


def test_the_seller_reads_why_ozon_refused_a_product(app, client, ops_token, seller, catalog, ozon):
    map_category(client, ops_token, "ozon", "17028922:91565")
    connection = shop(client, seller, enabled=False)
    # Ozon's own refusal: the task item fails with its error code.
    original = ozon._item_errors
    ozon._item_errors = lambda item: [{"code": "TOO_LONG_NAME", "message": "name is too long"}]
    try:
        client.patch(
            f"/api/v1/channel-connections/{connection['id']}",
            json={"enabled": True},
            headers={"Authorization": f"Bearer {seller}"},
        )
        run_jobs(app)
    finally:
        ozon._item_errors = original
    refused = products(client, seller, connection["id"], status="refused")
    assert len(refused) == 12 and not ozon.products
    product = next(iter(refused.values()))
    assert product["reasons"] == [{"code": "title_too_long", "limit": 500}]
    assert product["messages"] == ["The title is longer than the channel takes (500 characters)."]


def test_ozon_unreachable_is_retried_later(app, client, ops_token, seller, catalog, ozon):
    map_category(client, ops_token, "ozon", "17028922:91565")
    ozon.inject(Fault("status", status=503, path="/v3/product/info/list"), times=12)
    connection = shop(client, seller, enabled=False)
    client.patch(
        f"/api/v1/channel-connections/{connection['id']}",
        json={"enabled": True},
        headers={"Authorization": f"Bearer {seller}"},
    )
    push_now(app, connection["id"])
    waiting = products(client, seller, connection["id"], status="retrying")
    assert len(waiting) == 12
    assert next(iter(waiting.values()))["messages"] == ["The channel did not answer; we try again."]
    push_now(app, connection["id"], later_seconds=3600)
    assert {p["status"] for p in products(client, seller, connection["id"]).values()} == {"synced"}
    assert len(ozon.products) == 12

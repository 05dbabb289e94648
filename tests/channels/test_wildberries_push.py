"""Wildberries: one card per vendorCode, prices by nmID, trashed when the offer is withdrawn."""

from __future__ import annotations

import json

from tests.channels.conftest import (
    WB_SUPPLIER,
    WB_TOKEN,
    connect,
    map_category,
    products,
    push_now,
    withdraw,
)
from tests.channels.test_shopee_push import same_shape
from tests.conftest import FIXTURES, bearer
from tests.offers.support import run_jobs


def documented(folder: str, name: str):
    example = json.loads((FIXTURES / folder / name).read_text())
    example.pop("_source")
    return example


def shop(client, seller, **extra):
    return connect(
        client, seller, "wildberries", "KZ", WB_SUPPLIER, {"api_token": WB_TOKEN}, **extra
    )


def test_cards_are_made_once_per_vendor_code_and_priced_by_nm_id(
    app, client, ops_token, seller, catalog, wildberries
):
    map_category(client, ops_token, "wildberries", "192")
    connection = shop(client, seller)
    run_jobs(app)
    # The demo listing's Russian title with its options runs past 60 characters: its 3
    # SKUs are refused (see below); the other 9 are cards.
    synced = products(client, seller, connection["id"], status="synced")
    assert len(synced) == 9 and len(wildberries.cards) == 9
    for sku, product in synced.items():
        assert wildberries.cards[sku]["nmID"] == int(product["channel_product_id"])
    upload = next(body for path, body in wildberries.bodies if path.endswith("/cards/upload"))
    example = documented("feeds", "wildberries_card.json")
    same_shape(upload[0]["variants"][0], example["variants"][0])
    prices = next(body for path, body in wildberries.bodies if path == "/api/v2/upload/task")
    same_shape(prices, documented("channels", "wildberries_prices.json"))


def test_a_card_made_late_is_found_by_vendor_code_not_uploaded_twice(
    app, client, ops_token, seller, catalog, wildberries, monkeypatch
):
    from adapters.channels import wildberries as adapter

    map_category(client, ops_token, "wildberries", "192")
    wildberries.pending_lists = 100  # WB makes the cards after we stop waiting
    monkeypatch.setattr(adapter, "CARD_POLLS", 1)
    connection = shop(client, seller, enabled=False)
    client.patch(
        f"/api/v1/channel-connections/{connection['id']}",
        json={"enabled": True},
        headers=bearer(seller),
    )
    push_now(app, connection["id"])
    assert len(products(client, seller, connection["id"], status="retrying")) == 9
    for card in wildberries.cards.values():
        card["hidden_lists"] = 0
    push_now(app, connection["id"], later_seconds=3600)
    assert len(products(client, seller, connection["id"], status="synced")) == 9
    uploads = [path for path, _ in wildberries.bodies if path.endswith("/cards/upload")]
    assert len(uploads) == 9  # one per vendorCode: the retry found the cards


def test_a_withdrawn_offer_goes_to_the_trash(
    app, client, ops_token, exporter_token, seller, catalog, wildberries
):
    map_category(client, ops_token, "wildberries", "192")
    connection = shop(client, seller)
    run_jobs(app)
    withdraw(client, exporter_token, catalog[0])
    run_jobs(app)
    gone = [
        p for p in products(client, seller, connection["id"]).values() if p["status"] == "delisted"
    ]
    assert len(gone) == 3
    assert all(wildberries.cards[p["sku"]]["trashed"] for p in gone)


def test_a_title_over_sixty_characters_is_refused_with_the_limit(
    app, client, ops_token, seller, catalog, wildberries
):
    map_category(client, ops_token, "wildberries", "192")
    connection = shop(client, seller)
    run_jobs(app)
    refused = products(client, seller, connection["id"], status="refused")
    assert len(refused) == 3 and not set(refused) & set(wildberries.cards)
    for product in refused.values():
        assert {"code": "title_too_long", "limit": 60} in product["reasons"]
        assert "60" in product["messages"][0]

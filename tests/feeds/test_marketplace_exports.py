"""Ozon and Wildberries exports: request bodies in the documented shape, refusals named."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.conftest import FIXTURES, bearer
from tests.feeds.test_channel_settings import new_seller
from tests.feeds.test_feed_gaps import has_han
from tests.offers.support import create, run_jobs


def documented(name: str) -> dict:
    example = json.loads((FIXTURES / "feeds" / name).read_text())
    example.pop("_source")
    return example


def export(client, key, fmt: str) -> dict:
    response = client.get(
        "/api/v1/markets/KZ/offers",
        query_string={"format": fmt, "lang": "ru", "limit": 500},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.data
    return response.json


def map_category(client, ops_token, channel: str, channel_id: str) -> None:
    response = client.put(
        "/api/v1/channel-categories",
        json={"channel": channel, "category": "服装 > T恤", "channel_category_id": channel_id},
        headers=bearer(ops_token),
    )
    assert response.status_code == 200, response.json


def test_ozon_import_body_has_the_documented_shape(client, ops_token, catalog):
    key = new_seller(client, ops_token, "ozon@tees.example", ["KZ"])
    map_category(client, ops_token, "ozon", "17028922:91565")
    page = export(client, key, "ozon")
    items = page["request"]["items"]
    # Every title reads in Russian (the demo's own, the others machine-made): all 4 listings
    # x 3 variants go, none is refused.
    assert len(items) == 12
    assert page["refused"] == []
    example = documented("ozon_import_item.json")
    for item in items:
        assert set(item) == set(example)
        for name, value in example.items():
            assert type(item[name]) is type(value), name
        assert item["description_category_id"] == 17028922 and item["type_id"] == 91565
        assert item["currency_code"] == "KZT" and Decimal(item["price"]) > 0
        assert not has_han(item["name"]) and item["images"]
        brand = next(a for a in item["attributes"] if a["id"] == 85)
        assert brand["values"] == [{"value": "Xingchen"}]


def test_ozon_refuses_an_unmapped_category_by_name(client, ops_token, catalog):
    key = new_seller(client, ops_token, "ozon2@tees.example", ["KZ"])
    page = export(client, key, "ozon")
    assert page["request"]["items"] == []
    assert len(page["refused"]) == 4
    for refused in page["refused"]:
        assert {"code": "category_unmapped", "category": "服装 > T恤"} in refused["reasons"]
        assert len(refused["skus"]) == 3


def test_ozon_stock_of_a_withdrawn_offer_goes_to_zero(
    app, client, ops_token, exporter_token, catalog
):
    key = new_seller(client, ops_token, "ozon3@tees.example", ["KZ"])
    client.put(
        "/api/v1/channel-settings",
        json={"ozon": {"warehouse_id": "22142605386000"}},
        headers=bearer(key),
    )
    token = client.get(
        "/api/v1/markets/KZ/offers", query_string={"format": "ozon_prices"}, headers=bearer(key)
    ).json["sync_token"]
    client.patch(
        f"/api/v1/listings/{catalog[0]}", json={"status": "draft"}, headers=bearer(exporter_token)
    )
    run_jobs(app)
    page = client.get(
        "/api/v1/markets/KZ/offers",
        query_string={"format": "ozon_prices", "updated_since": token},
        headers=bearer(key),
    ).json
    stocks = page["stocks_request"]["stocks"]
    assert len(stocks) == 3
    assert all(s["stock"] == 0 and s["warehouse_id"] == 22142605386000 for s in stocks)


def test_wildberries_cards_and_their_title_limit(app, client, ops_token, exporter_token, catalog):
    long_title = json.loads((FIXTURES / "feeds" / "listing_long_title.json").read_text())
    listing = create(client, exporter_token, long_title)
    run_jobs(app)
    key = new_seller(client, ops_token, "wb@tees.example", ["KZ"])
    map_category(client, ops_token, "wildberries", "192")
    page = export(client, key, "wildberries")
    cards, refused = page["request"], page["refused"]
    example = documented("wildberries_card.json")
    # Every title reads in Russian now (own or machine-made); only the long one is refused.
    assert len(cards) == 4 and len(refused) == 1
    for card in cards:
        assert set(card) == set(example) and card["subjectID"] == 192
        assert len(card["variants"]) == 3
        for variant in card["variants"]:
            assert set(variant) == set(example["variants"][0])
            assert len(variant["title"]) <= 60
            assert isinstance(variant["sizes"][0]["price"], int)
    # A title over Wildberries' 60 characters is refused, saying the limit.
    long_offer = client.get(
        f"/api/v1/listings/{listing['id']}/offers", headers=bearer(exporter_token)
    )
    kz = next(offer for offer in long_offer.json if offer["market"] == "KZ")
    (entry,) = [entry for entry in refused if entry["id"] == kz["id"]]
    assert entry["reasons"] == [{"code": "title_too_long", "limit": 60}]

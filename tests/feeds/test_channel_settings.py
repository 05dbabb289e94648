"""Sellers present our offers their own way: brand, shop links, channels, margins, Kaspi's URL."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from decimal import ROUND_CEILING, Decimal

from tests.conftest import FIXTURES, bearer
from tests.feeds.test_feed_gaps import csv_rows, xml_items
from tests.offers.support import run_jobs

KASPI = "{kaspiShopping}"


def settings(name: str) -> dict:
    return json.loads((FIXTURES / "feeds" / name).read_text())


def new_seller(client, ops_token, email: str, markets: list[str]) -> str:
    response = client.post(
        "/api/v1/sellers/",
        json={"name": email, "email": email, "markets": markets},
        headers=bearer(ops_token),
    )
    assert response.status_code == 201, response.json
    return response.json["key"]["key"]


def test_seller_brand_links_and_margin_reach_its_feeds_only(client, seller_key, ops_token, catalog):
    ours = {item["id"]: item for item in xml_items(client, seller_key)}
    saved = client.put(
        "/api/v1/channel-settings", json=settings("settings_hanoi.json"), headers=bearer(seller_key)
    )
    assert saved.status_code == 200, saved.json
    items = xml_items(client, seller_key)
    assert {item["brand"] for item in items} == {"Hanoi Basics"}
    for item in items:
        sku = item["mpn"]
        assert item["link"] == f"https://shop.example/p/{sku}?lang=vi_VN"
        base = Decimal(ours[item["id"]]["price"].split(" ")[0])
        expected = (base * Decimal("1.10") / 5000).to_integral_value(ROUND_CEILING) * 5000
        assert item["price"] == f"{expected} VND"
    # CSV has no margin set: our prices, the seller's brand.
    products = [row for row in csv_rows(client, seller_key) if row["Title"]]
    assert {row["Vendor"] for row in products} == {"Hanoi Basics"}
    # Another seller of the same market keeps the default look and our prices.
    other = new_seller(client, ops_token, "other@shop.example", ["VN"])
    assert {item["brand"] for item in xml_items(client, other)} == {"Xingchen"}
    assert {item["id"]: item["price"] for item in xml_items(client, other)} == {
        key: value["price"] for key, value in ours.items()
    }


def test_a_channel_the_seller_did_not_choose_is_refused(client, seller_key, catalog):
    client.put(
        "/api/v1/channel-settings",
        json={"markets": {"VN": {"xml": {}}}},
        headers=bearer(seller_key),
    )
    refused = client.get("/api/v1/markets/VN/offers?format=csv", headers=bearer(seller_key))
    assert refused.status_code == 403 and "format" in refused.json["error"]["fields"]
    assert client.get("/api/v1/markets/VN/offers", headers=bearer(seller_key)).status_code == 200


def test_bad_settings_name_the_field(client, seller_key):
    cases = [
        ({"link_template": "shop.example/p/{sku}"}, "link_template"),
        ({"link_template": "https://shop.example/p/{name}"}, "link_template"),
        ({"link_template": "https://shop.example/all"}, "link_template"),
        ({"markets": {"KZ": {"csv": {}}}}, "markets.KZ"),
        ({"markets": {"VN": {"fax": {}}}}, "markets"),
        ({"markets": {"VN": {"xml": {"margin_pct": "-1"}}}}, "markets"),
        ({"markets": {"VN": {"xml": {"rounding_step": "0"}}}}, "markets"),
    ]
    for body, field in cases:
        response = client.put("/api/v1/channel-settings", json=body, headers=bearer(seller_key))
        assert response.status_code == 422, (body, response.json)
        fields = response.json["error"]["fields"]
        assert any(name.startswith(field) for name in fields), (body, fields)


def test_kaspi_polls_a_stable_price_list_url(app, client, ops_token, exporter_token, catalog):
    key = new_seller(client, ops_token, "kz@tees.example", ["KZ"])
    saved = client.put(
        "/api/v1/channel-settings",
        json=settings("settings_almaty_kaspi.json"),
        headers=bearer(key),
    ).json
    url = saved["feeds"]["KZ"]["kaspi"]
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)  # no API key: Kaspi polls the URL as it is
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own feed, parsed in a test
    assert root.tag == f"{KASPI}kaspi_catalog" and root.attrib["date"]
    assert root.find(f"{KASPI}company").text == "Almaty Tees LLP"
    assert root.find(f"{KASPI}merchantid").text == "AlmatyTees01"
    offers = root.find(f"{KASPI}offers").findall(f"{KASPI}offer")
    assert len(offers) == 12  # four listings, three variants each
    for offer in offers:
        assert offer.attrib["sku"]
        assert offer.find(f"{KASPI}model").text
        assert offer.find(f"{KASPI}brand").text == "Almaty Tees"
        assert int(offer.find(f"{KASPI}price").text) % 10 == 0
        availability = offer.find(f"{KASPI}availabilities").find(f"{KASPI}availability")
        assert availability.attrib["storeId"] == "PP1"
    # A withdrawn listing stays in the list, not available.
    client.patch(
        f"/api/v1/listings/{catalog[0]}", json={"status": "draft"}, headers=bearer(exporter_token)
    )
    run_jobs(app)
    root = ET.fromstring(client.get(path).data)  # noqa: S314
    availability = {
        offer.attrib["sku"]: offer.find(f"{KASPI}availabilities")
        .find(f"{KASPI}availability")
        .attrib["available"]
        for offer in root.find(f"{KASPI}offers").findall(f"{KASPI}offer")
    }
    assert len(availability) == 12
    assert sorted(availability.values()).count("no") >= 3
    # A new key: the old URL stops answering.
    rotated = client.post("/api/v1/channel-settings/feed-key", headers=bearer(key)).json
    assert rotated["feeds"]["KZ"]["kaspi"] != url
    assert client.get(path).status_code == 404


def test_ops_map_categories_per_channel(client, ops_token, seller_key):
    body = {
        "channel": "kaspi",
        "category": "服装 > T恤",
        "channel_category_id": "Master - T-shirts",
    }
    saved = client.put("/api/v1/channel-categories", json=body, headers=bearer(ops_token))
    assert saved.status_code == 200, saved.json
    again = client.put(
        "/api/v1/channel-categories",
        json={**body, "channel_category_id": "Master - Tops"},
        headers=bearer(ops_token),
    )
    assert again.json["id"] == saved.json["id"]
    listed = client.get("/api/v1/channel-categories?channel=kaspi", headers=bearer(ops_token)).json
    assert [row["channel_category_id"] for row in listed] == ["Master - Tops"]
    bad = client.put(
        "/api/v1/channel-categories", json={**body, "channel": "fax"}, headers=bearer(ops_token)
    )
    assert bad.status_code == 422 and "channel" in bad.json["error"]["fields"]
    assert client.get("/api/v1/channel-categories", headers=bearer(seller_key)).status_code == 403
    gone = client.delete(
        f"/api/v1/channel-categories/{saved.json['id']}", headers=bearer(ops_token)
    )
    assert gone.status_code == 204
    assert client.get("/api/v1/channel-categories", headers=bearer(ops_token)).json == []

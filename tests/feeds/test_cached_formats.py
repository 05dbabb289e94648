"""Every feed format is served from a page made once, and made again as soon as what it is
made of changes: the market's offers, the seller's settings, a category mapping. A revoked
key (an API key, or the key in Kaspi's polled URL) stops at once, made page or not."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.feeds.test_channel_settings import settings
from tests.feeds.test_marketplace_exports import map_category
from tests.offers.support import run_jobs

FEED = "/api/v1/markets/KZ/offers"
# Every format of the paged feed; Kaspi's price list has its own polled URL below.
PAGED = ["json", "csv", "xml", "ozon", "ozon_prices", "wildberries"]


@pytest.fixture
def kz_seller(client, ops_token) -> dict:
    """A Kazakhstan seller, and both channel mappings so the exports carry every offer."""
    response = client.post(
        "/api/v1/sellers/",
        json={"name": "Almaty Tees", "email": "cache@tees.example", "markets": ["KZ"]},
        headers=bearer(ops_token),
    )
    assert response.status_code == 201, response.json
    map_category(client, ops_token, "ozon", "17028922:91565")
    map_category(client, ops_token, "wildberries", "192")
    return response.json


def page(client, key: str, fmt: str, **headers):
    response = client.get(
        FEED, query_string={"format": fmt, "lang": "ru"}, headers={**bearer(key), **headers}
    )
    assert response.status_code in (200, 304), response.data
    return response


def heavier(app, client, exporter_token, listing_id: int) -> None:
    """A heavier listing costs more to ship: its offer's prices change in every market."""
    client.patch(
        f"/api/v1/listings/{listing_id}", json={"weight_g": 900}, headers=bearer(exporter_token)
    )
    run_jobs(app)


@pytest.mark.parametrize("fmt", PAGED)
def test_a_page_is_made_once_and_again_when_the_markets_offers_change(
    app, client, exporter_token, catalog, kz_seller, renders, fmt
):
    key = kz_seller["key"]["key"]
    first = page(client, key, fmt)
    again = page(client, key, fmt)
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert len(renders) == 1
    unchanged = page(client, key, fmt, **{"If-None-Match": first.headers["ETag"]})
    assert unchanged.status_code == 304
    heavier(app, client, exporter_token, catalog[0])
    after = page(client, key, fmt)
    assert after.data != first.data and after.headers["ETag"] != first.headers["ETag"]
    assert page(client, key, fmt, **{"If-None-Match": first.headers["ETag"]}).status_code == 200


@pytest.mark.parametrize("fmt", PAGED)
def test_a_sellers_new_margin_is_a_new_page_in_every_format(client, catalog, kz_seller, fmt):
    key = kz_seller["key"]["key"]
    before = page(client, key, fmt)
    saved = client.put(
        "/api/v1/channel-settings",
        json={"markets": {"KZ": {fmt: {"margin_pct": "10"}}}},
        headers=bearer(key),
    )
    assert saved.status_code == 200, saved.json
    after = page(client, key, fmt)
    assert after.data != before.data and after.headers["ETag"] != before.headers["ETag"]


@pytest.mark.parametrize(("fmt", "first", "second"), [("wildberries", "192", "193")])
def test_a_remapped_category_is_a_new_export(
    client, ops_token, catalog, kz_seller, fmt, first, second
):
    # Ozon's remapping: tests/feeds/test_page_cache.py.
    key = kz_seller["key"]["key"]
    map_category(client, ops_token, fmt, first)
    before = page(client, key, fmt).json["request"]
    map_category(client, ops_token, fmt, second)
    after = page(client, key, fmt).json["request"]
    assert {card["subjectID"] for card in before} == {int(first)}
    assert {card["subjectID"] for card in after} == {int(second)}


@pytest.mark.parametrize("fmt", PAGED)
def test_a_revoked_key_is_refused_after_its_page_was_made(
    client, ops_token, catalog, kz_seller, fmt
):
    key = kz_seller["key"]
    assert page(client, key["key"], fmt).status_code == 200
    assert page(client, key["key"], fmt).status_code == 200  # served as made
    revoked = client.delete(
        f"/api/v1/sellers/{kz_seller['id']}/keys/{key['id']}", headers=bearer(ops_token)
    )
    assert revoked.status_code == 204
    refused = client.get(FEED, query_string={"format": fmt}, headers=bearer(key["key"]))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"


def kaspi_path(client, key: str, document: dict) -> str:
    saved = client.put("/api/v1/channel-settings", json=document, headers=bearer(key))
    assert saved.status_code == 200, saved.json
    url = saved.json["feeds"]["KZ"]["kaspi"]
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_kaspis_price_list_is_made_once_per_change(
    app, client, exporter_token, catalog, kz_seller, renders
):
    key = kz_seller["key"]["key"]
    path = kaspi_path(client, key, settings("settings_almaty_kaspi.json"))
    first = client.get(path)
    again = client.get(path)
    assert first.status_code == again.status_code == 200
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert len(renders) == 1
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    heavier(app, client, exporter_token, catalog[0])
    after = client.get(path)
    assert after.status_code == 200 and after.data != first.data
    assert after.headers["ETag"] != first.headers["ETag"]


def test_kaspis_price_list_follows_the_sellers_settings(client, catalog, kz_seller):
    key = kz_seller["key"]["key"]
    document = settings("settings_almaty_kaspi.json")
    path = kaspi_path(client, key, document)
    before = client.get(path).data
    document["kaspi"]["company"] = "Almaty Tees Two LLP"
    assert kaspi_path(client, key, document) == path
    after = client.get(path).data
    assert b"Almaty Tees Two LLP" in after and b"Almaty Tees Two LLP" not in before


def test_a_rotated_kaspi_key_stops_at_once(client, catalog, kz_seller):
    key = kz_seller["key"]["key"]
    path = kaspi_path(client, key, settings("settings_almaty_kaspi.json"))
    assert client.get(path).status_code == 200
    assert client.get(path, headers={"Accept-Encoding": "gzip"}).status_code == 200
    assert client.get(path, headers={"Accept-Encoding": "gzip"}).status_code == 200  # as made
    client.post("/api/v1/channel-settings/feed-key", headers=bearer(key))
    gone = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert gone.status_code == 404 and gone.json["error"]["code"] == "not_found"

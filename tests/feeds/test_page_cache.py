"""Feed pages are made once and served to every seller of the market, and never outlive
what they are made of: a changed offer, new rates, a revoked key or a narrowed scope."""

from __future__ import annotations

import gzip
from decimal import Decimal as D

import brotli
import pytest

from tests.conftest import bearer
from tests.offers.support import Quote, fresh, run_jobs, store

FEED = "/api/v1/markets/VN/offers"


@pytest.fixture
def second_seller(client, ops_token):
    response = client.post(
        "/api/v1/sellers/",
        json={"name": "Saigon Shop", "email": "saigon@shop.example", "markets": ["VN"]},
        headers=bearer(ops_token),
    )
    return response.json


def test_a_page_is_made_once_for_every_seller_of_the_market(
    client, seller_key, second_seller, catalog, renders
):
    first = client.get(FEED, headers=bearer(seller_key))
    again = client.get(FEED, headers=bearer(seller_key))
    other = client.get(FEED, headers=bearer(second_seller["key"]["key"]))
    assert first.status_code == again.status_code == other.status_code == 200
    assert first.data == again.data == other.data
    assert first.headers["ETag"] == other.headers["ETag"]
    assert first.headers["X-FX-Usable"] == other.headers["X-FX-Usable"] == "true"
    assert other.headers["X-FX-Age-Hours"] == "1"
    assert len(renders) == 1


@pytest.mark.parametrize(
    ("params", "headers", "media"),
    [
        ({}, {}, "application/json"),
        ({}, {"Accept": "text/csv"}, "text/csv"),
        ({"format": "xml"}, {}, "application/rss+xml"),
    ],
)
def test_every_format_is_served_again_with_its_etag(
    client, seller_key, catalog, params, headers, media
):
    first = client.get(FEED, query_string=params, headers={**bearer(seller_key), **headers})
    again = client.get(FEED, query_string=params, headers={**bearer(seller_key), **headers})
    assert first.mimetype == again.mimetype == media
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    unchanged = client.get(
        FEED,
        query_string=params,
        headers={**bearer(seller_key), **headers, "If-None-Match": first.headers["ETag"]},
    )
    assert unchanged.status_code == 304 and unchanged.data == b""


@pytest.mark.parametrize(
    ("accept", "coding", "unpack"),
    [
        ("gzip", "gzip", gzip.decompress),
        ("gzip, br", "br", brotli.decompress),
        ("br;q=0.5, gzip", "gzip", gzip.decompress),
        ("gzip;q=0.4, br;q=0.9", "br", brotli.decompress),
    ],
)
def test_the_coding_the_client_rates_highest(client, seller_key, catalog, accept, coding, unpack):
    plain = client.get(FEED, headers=bearer(seller_key))
    for _ in range(2):  # made, then served as made
        packed = client.get(FEED, headers={**bearer(seller_key), "Accept-Encoding": accept})
        assert packed.headers["Content-Encoding"] == coding
        assert unpack(packed.data) == plain.data
        assert len(packed.data) < len(plain.data) / 3
    assert packed.headers["ETag"] != plain.headers["ETag"]
    assert client.get(FEED, headers=bearer(seller_key)).data == plain.data
    assert "Accept-Encoding" in packed.headers["Vary"]
    unchanged = client.get(
        FEED,
        headers={
            **bearer(seller_key),
            "Accept-Encoding": accept,
            "If-None-Match": packed.headers["ETag"],
        },
    )
    assert unchanged.status_code == 304


def test_a_refused_coding_is_never_sent(client, seller_key, catalog):
    refused = {"Accept-Encoding": "br;q=0, gzip;q=0, identity"}
    for _ in range(2):
        response = client.get(FEED, headers={**bearer(seller_key), **refused})
        assert "Content-Encoding" not in response.headers and response.json["items"]


def test_a_changed_offer_shows_on_the_next_request(
    app, client, seller_key, exporter_token, catalog
):
    before = client.get(FEED, headers=bearer(seller_key))
    client.patch(
        f"/api/v1/listings/{catalog[0]}", json={"lead_time_days": 9}, headers=bearer(exporter_token)
    )
    run_jobs(app)
    after = client.get(FEED, headers=bearer(seller_key))
    assert after.headers["ETag"] != before.headers["ETag"]
    assert sorted(item["lead_time_days"] for item in after.json["items"]).count(9) == 1
    stale = client.get(
        FEED, headers={**bearer(seller_key), "If-None-Match": before.headers["ETag"]}
    )
    assert stale.status_code == 200


def test_new_rates_show_in_the_rate_headers_at_once(app, client, seller_key, catalog):
    before = client.get(FEED, headers=bearer(seller_key))
    assert before.headers["X-FX-Age-Hours"] == "1"
    now = fresh(hours_ago=0)
    store(
        app,
        Quote("CNY", "VND", D("3700"), "vietcombank:sell", now),
        Quote("EUR", "VND", D("30000"), "vietcombank:sell", now),
    )
    after = client.get(FEED, headers=bearer(seller_key))
    assert after.headers["X-FX-As-Of"] != before.headers["X-FX-As-Of"]
    assert after.headers["X-FX-Age-Hours"] == "0"


def test_a_revoked_key_is_refused_on_the_next_request(client, ops_token, second_seller, catalog):
    key = second_seller["key"]
    assert client.get(FEED, headers=bearer(key["key"])).status_code == 200
    assert client.get(FEED, headers=bearer(key["key"])).status_code == 200
    revoked = client.delete(
        f"/api/v1/sellers/{second_seller['id']}/keys/{key['id']}", headers=bearer(ops_token)
    )
    assert revoked.status_code == 204
    refused = client.get(FEED, headers=bearer(key["key"]))
    assert refused.status_code == 401 and refused.json["error"]["code"] == "unauthorized"


def test_a_seller_of_another_market_never_reads_a_made_page(client, ops_token, seller_key, catalog):
    assert client.get(FEED, headers=bearer(seller_key)).status_code == 200
    almaty = client.post(
        "/api/v1/sellers/",
        json={"name": "Almaty Store", "email": "kz@store.example", "markets": ["KZ"]},
        headers=bearer(ops_token),
    ).json["key"]["key"]
    assert client.get("/api/v1/markets/KZ/offers", headers=bearer(almaty)).status_code == 200
    refused = client.get(FEED, headers=bearer(almaty))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"


def test_the_feed_is_rate_limited_per_key(app, seller_key, catalog):
    from connector import create_app

    shared = ("INSTANCE_PATH", "IMAGE_DIR", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "REDIS_URL")
    limited = create_app(
        {
            **{name: app.config[name] for name in shared},
            "TESTING": True,
            "API_RATE_LIMIT": "3 per minute",
        }
    )
    client = limited.test_client()
    statuses = [client.get(FEED, headers=bearer(seller_key)).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    refused = client.get(FEED, headers=bearer(seller_key))
    assert refused.status_code == 429 and refused.json["error"]["code"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_a_remapped_category_reaches_the_next_page_made(client, ops_token, catalog):
    from tests.feeds.test_channel_settings import new_seller
    from tests.feeds.test_marketplace_exports import export, map_category

    key = new_seller(client, ops_token, "remap@tees.example", ["KZ"])
    map_category(client, ops_token, "ozon", "17028922:91565")
    before = export(client, key, "ozon")["request"]["items"]
    assert before and {item["type_id"] for item in before} == {91565}
    map_category(client, ops_token, "ozon", "17028922:91566")
    after = export(client, key, "ozon")["request"]["items"]
    assert {item["type_id"] for item in after} == {91566}


def test_a_sellers_new_brand_is_served_at_once_to_that_seller_only(
    client, seller_key, second_seller, catalog
):
    csv = {"Accept": "text/csv"}
    client.get(FEED, headers={**bearer(seller_key), **csv})
    client.put(
        "/api/v1/channel-settings", json={"brand": "Hanoi Basics"}, headers=bearer(seller_key)
    )
    mine = client.get(FEED, headers={**bearer(seller_key), **csv}).data.decode()
    theirs = client.get(FEED, headers={**bearer(second_seller["key"]["key"]), **csv}).data.decode()
    assert "Hanoi Basics" in mine and "Hanoi Basics" not in theirs


def test_a_new_keys_first_pages_are_served_made(client, ops_token, seller_key, catalog, renders):
    from tests.feeds.test_channel_settings import new_seller
    from tests.feeds.test_marketplace_exports import map_category

    # Once ops map a category, every caller's pages carry a presentation key.
    map_category(client, ops_token, "ozon", "17028922:91565")
    assert client.get(FEED, headers=bearer(seller_key)).status_code == 200
    made = len(renders)
    key = new_seller(client, ops_token, "first-use@tees.example", ["VN"])
    # A caller the cache does not know yet still gets the page already made.
    first = client.get(FEED, headers=bearer(key))
    again = client.get(FEED, headers=bearer(key))
    assert first.status_code == again.status_code == 200
    assert first.data == again.data
    assert len(renders) == made

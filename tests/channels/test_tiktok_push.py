"""TikTok Shop: one signed product per seller_sku, repriced, deactivated when withdrawn."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import parse_qs, urlsplit

from simulators.base import Fault
from tests.channels.conftest import (
    TIKTOK_CIPHER,
    TIKTOK_TOKEN,
    connect,
    map_category,
    products,
    push_now,
    withdraw,
)
from tests.channels.test_shopee_push import same_shape
from tests.conftest import FIXTURES, bearer
from tests.offers.support import run_jobs


def documented(name: str) -> dict:
    example = json.loads((FIXTURES / "channels" / name).read_text())
    example.pop("_source")
    return example


def shop(client, seller, **extra):
    return connect(
        client,
        seller,
        "tiktok",
        "VN",
        TIKTOK_CIPHER,
        {"access_token": TIKTOK_TOKEN},
        options={"warehouse_id": "7068517275539719942"},
        **extra,
    )


def test_products_are_created_once_per_seller_sku_in_the_documented_shape(
    app, client, ops_token, seller, catalog, tiktok
):
    map_category(client, ops_token, "tiktok", "601226")
    connection = shop(client, seller)
    run_jobs(app)
    listed = products(client, seller, connection["id"])
    assert len(listed) == 12 and {p["status"] for p in listed.values()} == {"synced"}
    for sku, product in listed.items():
        (made,) = tiktok.products_with_sku(sku)
        assert product["channel_product_id"] == f"{made['id']}/{made['sku_id']}"
    create = next(body for path, body in tiktok.bodies if path.endswith("/products"))
    same_shape(create, documented("tiktok_create_product.json"))


def test_every_call_is_signed_over_path_sorted_query_and_body(
    app, client, ops_token, seller, catalog, tiktok
):
    map_category(client, ops_token, "tiktok", "601226")
    shop(client, seller)
    run_jobs(app)
    assert tiktok.products
    # An independent signer, from the documented recipe (the simulator checked the bytes).
    path, query = (
        urlsplit(tiktok.requests[0][1]).path,
        parse_qs(urlsplit(tiktok.requests[0][1]).query),
    )
    assert set(query) == {"app_key", "timestamp", "shop_cipher", "sign"}
    assert len(query["sign"][0]) == 64 and path.startswith("/product/202309/")
    base = (
        "test-app-secret"
        + path
        + "".join(f"{key}{query[key][0]}" for key in sorted(query) if key != "sign")
    )
    search_body = next(body for p, body in tiktok.bodies if p == path)
    raw = json.dumps(search_body, separators=(",", ":"))
    expected = hmac.new(
        b"test-app-secret", (base + raw + "test-app-secret").encode(), hashlib.sha256
    ).hexdigest()
    assert query["sign"][0] == expected


def test_a_create_cut_off_after_tiktok_acted_makes_no_second_product(
    app, client, ops_token, seller, catalog, tiktok
):
    map_category(client, ops_token, "tiktok", "601226")
    tiktok.create_faults.append(Fault("drop_after"))
    connection = shop(client, seller, enabled=False)
    client.patch(
        f"/api/v1/channel-connections/{connection['id']}",
        json={"enabled": True},
        headers=bearer(seller),
    )
    push_now(app, connection["id"])
    assert len(products(client, seller, connection["id"], status="retrying")) == 1
    push_now(app, connection["id"], later_seconds=3600)
    listed = products(client, seller, connection["id"])
    assert {p["status"] for p in listed.values()} == {"synced"}
    assert all(len(tiktok.products_with_sku(sku)) == 1 for sku in listed)


def test_a_withdrawn_offer_is_deactivated_with_no_stock(
    app, client, ops_token, exporter_token, seller, catalog, tiktok
):
    map_category(client, ops_token, "tiktok", "601226")
    connection = shop(client, seller)
    run_jobs(app)
    withdraw(client, exporter_token, catalog[0])
    run_jobs(app)
    gone = products(client, seller, connection["id"], status="delisted")
    assert len(gone) == 3
    for sku in gone:
        (made,) = tiktok.products_with_sku(sku)
        assert made["status"] == "SELLER_DEACTIVATED" and made["quantity"] == 0


def test_tiktok_s_own_refusal_reaches_the_seller(app, client, ops_token, seller, catalog, tiktok):
    map_category(client, ops_token, "tiktok", "601226")
    refusal = json.dumps({"code": 12052003, "message": "main_images count", "data": None})
    tiktok.create_faults.append(Fault("status", status=200, body=refusal))
    connection = shop(client, seller)
    run_jobs(app)
    (product,) = products(client, seller, connection["id"], status="refused").values()
    assert product["reasons"] == [{"code": "image_missing", "min": 1}]
    assert product["messages"] == ["Too few images: the channel needs at least 1."]

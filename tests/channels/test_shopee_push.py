"""Shopee: offers reach a shop once per SKU, follow price changes, leave when withdrawn."""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal

from simulators.base import Fault
from tests.channels.conftest import (
    SHOPEE_SHOP,
    SHOPEE_TOKEN,
    connect,
    map_category,
    products,
    push_now,
    withdraw,
)
from tests.conftest import FIXTURES
from tests.offers.support import Quote, fresh, run_jobs, store


def documented(name: str) -> dict:
    example = json.loads((FIXTURES / "channels" / name).read_text())
    example.pop("_source")
    return example


def same_shape(ours, example, where="") -> None:
    """Every key we send is a documented one, with the documented kind of value."""
    if isinstance(example, dict):
        assert isinstance(ours, dict), where
        assert set(ours) <= set(example), (where, set(ours) - set(example))
        for key, value in ours.items():
            same_shape(value, example[key], f"{where}.{key}")
    elif isinstance(example, list):
        assert isinstance(ours, list) and (ours or not example), where
        for value in ours if example else ():  # an empty example says only "a list"
            same_shape(value, example[0], where + "[]")
    elif isinstance(example, int | float) and not isinstance(example, bool):
        assert isinstance(ours, int | float) and not isinstance(ours, bool), where
    else:
        assert type(ours) is type(example), where


def shop(client, seller, **extra):
    return connect(
        client,
        seller,
        "shopee",
        "VN",
        SHOPEE_SHOP,
        {"access_token": SHOPEE_TOKEN},
        options={"logistic_id": "50018"},
        **extra,
    )


def test_connecting_a_shop_lists_every_ready_offer_once_per_sku(
    app, client, ops_token, seller, catalog, shopee
):
    map_category(client, ops_token, "shopee", "100017")
    connection = shop(client, seller)
    run_jobs(app)
    listed = products(client, seller, connection["id"])
    assert len(listed) == 12
    for sku, product in listed.items():
        assert product["status"] == "synced", product
        assert [item["item_id"] for item in shopee.items_with_sku(sku)] == [
            int(product["channel_product_id"])
        ]
    item = shopee.items_with_sku(next(iter(listed)))[0]
    assert item["brand"] == "Xingchen" and item["price"] >= Decimal(1000)


def reprice_vn(app, cny_vnd: str) -> None:
    """The dong moves: the reprice job rewrites VN offers, then pushes them."""
    from connector.offers.service import enqueue_market_reprice

    store(app, Quote("CNY", "VND", Decimal(cny_vnd), "vietcombank:sell", fresh(0)))
    with app.app_context():
        enqueue_market_reprice("VN")
    run_jobs(app)


def test_requests_have_the_documented_shapes(
    app, client, ops_token, exporter_token, seller, catalog, shopee
):
    map_category(client, ops_token, "shopee", "100017")
    shop(client, seller)
    run_jobs(app)
    reprice_vn(app, "3900")
    withdraw(client, exporter_token, catalog[0])
    run_jobs(app)
    seen = {path.rsplit("/", 1)[-1]: body for path, body in shopee.bodies}
    same_shape(seen["add_item"], documented("shopee_add_item.json"))
    same_shape(seen["update_price"], documented("shopee_update_price.json"))
    same_shape(seen["update_stock"], documented("shopee_update_stock.json"))
    same_shape(seen["unlist_item"], documented("shopee_unlist_item.json"))


def test_every_call_is_signed_over_partner_path_time_token_and_shop(
    app, client, ops_token, seller, catalog, shopee
):
    # An independent signer: the base string as Shopee's documentation spells it.
    def expected(path: str, stamp: str) -> str:
        base = f"2001887{path}{stamp}{SHOPEE_TOKEN}{SHOPEE_SHOP}".encode()
        return hmac.new(b"test-partner-key", base, hashlib.sha256).hexdigest()

    map_category(client, ops_token, "shopee", "100017")
    shop(client, seller)
    run_jobs(app)
    assert shopee.items  # the simulator checked each sign; a wrong one is refused
    from urllib.parse import parse_qs, urlsplit

    for _method, full_path in shopee.requests:
        parts = urlsplit(full_path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        assert query["sign"] == expected(parts.path, query["timestamp"])


def test_a_push_cut_off_after_shopee_acted_creates_no_second_item(
    app, client, ops_token, seller, catalog, shopee
):
    map_category(client, ops_token, "shopee", "100017")
    # Shopee adds the first item, then the connection drops before its answer.
    shopee.inject(Fault("drop_after", path="/api/v2/product/add_item"))
    connection = shop(client, seller, enabled=False)
    client.patch(
        f"/api/v1/channel-connections/{connection['id']}",
        json={"enabled": True},
        headers={"Authorization": f"Bearer {seller}"},
    )
    push_now(app, connection["id"])
    waiting = [
        p for p in products(client, seller, connection["id"]).values() if p["status"] == "retrying"
    ]
    assert len(waiting) == 1 and waiting[0]["messages"]
    # The retry, when due, looks the SKU up first and finds what Shopee made.
    push_now(app, connection["id"], later_seconds=3600)
    listed = products(client, seller, connection["id"])
    assert {p["status"] for p in listed.values()} == {"synced"}
    for sku in listed:
        assert len(shopee.items_with_sku(sku)) == 1, sku


def test_a_run_killed_midway_and_run_again_gives_the_same_shop(
    app, client, ops_token, seller, catalog, shopee, monkeypatch
):
    map_category(client, ops_token, "shopee", "100017")
    connection = shop(client, seller, enabled=False)
    from connector.channels import push
    from connector.extensions import db
    from connector.models import ChannelConnection

    # The worker dies right after Shopee created the fifth item, before we stored its id.
    real_create = push._list
    calls = {"n": 0}

    def dying(client_, state, product):
        calls["n"] += 1
        if calls["n"] == 5:
            client_.create(product)
            raise SystemExit("killed")
        return real_create(client_, state, product)

    monkeypatch.setattr(push, "_list", dying)
    with app.app_context():
        db.session.get(ChannelConnection, connection["id"]).enabled = True
        db.session.commit()
    try:
        push_now(app, connection["id"])
    except SystemExit:
        pass
    monkeypatch.setattr(push, "_list", real_create)
    # The lease of the killed run lapses; the next run resumes.
    push_now(app, connection["id"], later_seconds=3600)
    listed = products(client, seller, connection["id"])
    assert len(listed) == 12 and {p["status"] for p in listed.values()} == {"synced"}
    assert sorted(item["item_sku"] for item in shopee.items.values()) == sorted(listed)


def test_a_price_change_reaches_the_shop(app, client, ops_token, seller, catalog, shopee):
    map_category(client, ops_token, "shopee", "100017")
    connection = shop(client, seller)
    run_jobs(app)
    before = {item["item_sku"]: item["price"] for item in shopee.items.values()}
    reprice_vn(app, "3900")
    after = {item["item_sku"]: item["price"] for item in shopee.items.values()}
    assert set(after) == set(before) and len(shopee.items) == 12
    assert all(after[sku] > before[sku] for sku in before)
    assert {p["status"] for p in products(client, seller, connection["id"]).values()} == {"synced"}


def test_a_withdrawn_offer_is_unlisted_with_no_stock(
    app, client, ops_token, exporter_token, seller, catalog, shopee
):
    map_category(client, ops_token, "shopee", "100017")
    connection = shop(client, seller)
    run_jobs(app)
    withdraw(client, exporter_token, catalog[0])
    run_jobs(app)
    listed = products(client, seller, connection["id"])
    gone = [p for p in listed.values() if p["status"] == "delisted"]
    assert len(gone) == 3
    for product in gone:
        (item,) = shopee.items_with_sku(product["sku"])
        assert item["status"] == "UNLIST" and item["stock"] == 0
    assert sum(1 for item in shopee.items.values() if item["status"] == "NORMAL") == 9


def test_the_seller_reads_why_shopee_refused_a_product(
    app, client, ops_token, seller, catalog, shopee
):
    # No category mapping yet: refused before any call, with the reason in words.
    connection = shop(client, seller)
    run_jobs(app)
    listed = products(client, seller, connection["id"], status="refused")
    assert len(listed) == 12 and not shopee.items
    product = next(iter(listed.values()))
    assert {"code": "category_unmapped"} in product["reasons"]
    assert product["messages"] == ["The category is not mapped to this channel's categories yet."]


def test_shopee_s_own_refusal_is_shown_as_a_reason(app, client, ops_token, seller, catalog, shopee):
    map_category(client, ops_token, "shopee", "100017")
    refusal = json.dumps(
        {"error": "error_param", "message": "brand_required for this category", "request_id": "1"}
    )
    shopee.inject(Fault("status", status=200, body=refusal, path="/api/v2/product/add_item"))
    connection = shop(client, seller)
    run_jobs(app)
    refused = products(client, seller, connection["id"], status="refused")
    assert len(refused) == 1
    (product,) = refused.values()
    assert product["reasons"] == [{"code": "brand_missing"}]
    assert product["messages"] == ["No brand: set your brand in the channel settings."]


def test_a_wrong_access_token_stops_the_push_and_says_so(
    app, client, ops_token, seller, catalog, shopee
):
    map_category(client, ops_token, "shopee", "100017")
    connection = connect(
        client, seller, "shopee", "VN", SHOPEE_SHOP, {"access_token": "not-the-right-token"}
    )
    run_jobs(app)
    shown = client.get(
        f"/api/v1/channel-connections/{connection['id']}",
        headers={"Authorization": f"Bearer {seller}"},
    ).json
    assert shown["error"] == "The channel refuses these credentials: connect again with new ones."
    assert not shopee.items


def test_a_variant_removed_from_the_listing_is_unlisted(
    app, client, ops_token, exporter_token, seller, catalog, shopee
):
    from tests.conftest import bearer

    map_category(client, ops_token, "shopee", "100017")
    connection = shop(client, seller)
    run_jobs(app)
    listing = client.get(f"/api/v1/listings/{catalog[0]}", headers=bearer(exporter_token)).json
    kept, dropped = listing["variants"][:2], listing["variants"][2]
    changed = client.patch(
        f"/api/v1/listings/{catalog[0]}",
        json={"variants": kept},
        headers=bearer(exporter_token),
    )
    assert changed.status_code == 200, changed.json
    run_jobs(app)
    listed = products(client, seller, connection["id"])
    assert listed[dropped["sku"]]["status"] == "delisted"
    (item,) = shopee.items_with_sku(dropped["sku"])
    assert item["status"] == "UNLIST" and item["stock"] == 0
    assert all(listed[variant["sku"]]["status"] == "synced" for variant in kept)

"""Connecting shops over the API and the page: fields named, credentials never echoed."""

from __future__ import annotations

from tests.channels.conftest import SHOPEE_SHOP, SHOPEE_TOKEN, connect, products
from tests.conftest import bearer
from tests.feeds.test_channel_settings import new_seller
from tests.offers.support import run_jobs
from tests.web.conftest import get_page, sign_in
from tests.web.pages import Page


def test_credentials_are_stored_but_never_echoed(app, client, seller, demo):
    secret = "sk-live-do-not-show-0123456789"
    created = client.post(
        "/api/v1/channel-connections/",
        json={
            "channel": "ozon",
            "market": "KZ",
            "shop_id": "836201",
            "credentials": {"api_key": secret},
            "enabled": False,
        },
        headers=bearer(seller),
    )
    assert created.status_code == 201, created.json
    assert created.json["credentials_set"] is True
    answers = [
        created,
        client.get("/api/v1/channel-connections/", headers=bearer(seller)),
        client.get(f"/api/v1/channel-connections/{created.json['id']}", headers=bearer(seller)),
        client.get("/api/v1/audit/", headers=bearer(demo["tokens"]["ops"])),
    ]
    for answer in answers:
        assert answer.status_code == 200 or answer.status_code == 201
        assert secret not in answer.get_data(as_text=True)
    from connector.extensions import db
    from connector.models import ChannelConnection

    with app.app_context():
        stored = db.session.get(ChannelConnection, created.json["id"]).credentials
    assert secret not in stored  # encrypted at rest


def test_a_bad_connection_names_the_field(client, seller):
    cases = [
        ({"shop_id": "shop-one"}, "shop_id"),
        ({"market": "UZ"}, "market"),  # the seller may not sell there
        ({"credentials": {"access_token": "short"}}, "credentials.access_token"),
        ({"channel": "amazon"}, "channel"),
    ]
    for change, field in cases:
        body = {
            "channel": "shopee",
            "market": "VN",
            "shop_id": SHOPEE_SHOP,
            "credentials": {"access_token": SHOPEE_TOKEN},
            "enabled": False,
            **change,
        }
        answer = client.post("/api/v1/channel-connections/", json=body, headers=bearer(seller))
        assert answer.status_code == 422, (change, answer.json)
        assert field in answer.json["error"]["fields"], (change, answer.json)


def test_one_shop_per_channel_and_market(client, seller):
    connect(
        client, seller, "shopee", "VN", SHOPEE_SHOP, {"access_token": SHOPEE_TOKEN}, enabled=False
    )
    again = client.post(
        "/api/v1/channel-connections/",
        json={
            "channel": "shopee",
            "market": "VN",
            "shop_id": "200002",
            "credentials": {"access_token": SHOPEE_TOKEN},
        },
        headers=bearer(seller),
    )
    assert again.status_code == 409 and "channel" in again.json["error"]["fields"]


def test_another_seller_cannot_see_or_change_a_shop(client, ops_token, seller):
    shop = connect(
        client, seller, "shopee", "VN", SHOPEE_SHOP, {"access_token": SHOPEE_TOKEN}, enabled=False
    )
    other = new_seller(client, ops_token, "other@shop.example", ["VN"])
    for method, path in (
        ("get", f"/api/v1/channel-connections/{shop['id']}"),
        ("get", f"/api/v1/channel-connections/{shop['id']}/products"),
        ("patch", f"/api/v1/channel-connections/{shop['id']}"),
        ("delete", f"/api/v1/channel-connections/{shop['id']}"),
    ):
        kwargs = {"json": {"enabled": True}} if method == "patch" else {}
        answer = getattr(client, method)(path, headers=bearer(other), **kwargs)
        assert answer.status_code == 404, (method, path)


def seller_signed_in(app, client) -> None:
    from connector.extensions import db
    from connector.models import User

    with app.app_context():
        user = db.session.execute(
            db.select(User).where(User.email == "push@shop.example")
        ).scalar_one()
        user.set_password("seller-pass-2026")
        db.session.commit()
    sign_in(client, "push@shop.example", "seller-pass-2026")


def test_the_seller_page_lists_each_product_with_its_refusal(
    app, client, ops_token, seller, catalog, shopee
):
    shop = connect(client, seller, "shopee", "VN", SHOPEE_SHOP, {"access_token": SHOPEE_TOKEN})
    run_jobs(app)  # no Shopee category mapped: every product is refused, with the reason
    assert len(products(client, seller, shop["id"], status="refused")) == 12
    seller_signed_in(app, client)
    page = get_page(client, f"/shops/{shop['id']}")
    assert "The category is not mapped to this channel's categories yet." in page.html.replace(
        "&#39;", "'"
    )
    assert SHOPEE_TOKEN not in page.html
    assert SHOPEE_SHOP in get_page(client, "/shops").html


def test_the_page_shows_a_bad_shop_id_beside_its_field(app, client, seller):
    seller_signed_in(app, client)
    form = get_page(client, "/shops")
    answer = client.post(
        "/shops",
        data={
            "csrf_token": form.csrf(),
            "channel": "shopee",
            "market": "VN",
            "shop_id": "abc",
            "secret": SHOPEE_TOKEN,
        },
    )
    assert answer.status_code == 422
    page = Page(answer.get_data(as_text=True))
    assert page.error_for("shop_id") == "Give the shop's number, digits only."
    assert SHOPEE_TOKEN not in page.html  # the secret is not put back in the form

"""Signing in and out, safe redirects, CSRF, API tokens and the language switch."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from connector.extensions import db
from connector.models import User
from tests.web.conftest import bearer, get_page, sign_in
from tests.web.pages import Page

EXPORTER = "exporter@demo.example"


def test_signed_out_start_page_leads_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.endswith("/login")


def test_login_page_has_labelled_fields_and_csrf_token(client):
    page = get_page(client, "/login?lang=en")
    assert page.control("email") is not None
    assert page.control("password").attrs["type"] == "password"
    assert page.by_id("f-email").tag == "input"
    assert page.csrf()
    assert "Sign in" in page.html


def test_valid_login_goes_to_listings(client, demo):
    response = sign_in(client, EXPORTER, demo["password"])
    assert response.location == "/listings"
    page = get_page(client, "/listings")
    assert "星辰服饰 · 王丽" in page.html


def test_wrong_password_shows_error_beside_password_and_keeps_email(client, demo):
    page = get_page(client, "/login?lang=en")
    response = client.post(
        "/login", data={"csrf_token": page.csrf(), "email": EXPORTER, "password": "nope"}
    )
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert "not right" in page.error_beside("password")
    assert page.value("email") == EXPORTER
    assert page.value("password") == ""
    assert client.get("/listings").status_code == 302


def test_empty_fields_each_get_their_own_error(client, demo):
    page = get_page(client, "/login?lang=en")
    response = client.post("/login", data={"csrf_token": page.csrf(), "email": "", "password": ""})
    page = Page(response.get_data(as_text=True))
    assert "email" in page.error_beside("email").lower()
    assert "password" in page.error_beside("password").lower()


def test_email_is_matched_without_regard_to_case(client, demo):
    response = sign_in(client, EXPORTER.upper(), demo["password"])
    assert response.location == "/listings"


def test_protected_page_sends_to_login_and_back(client, demo):
    response = client.get("/listings/new")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    page = get_page(client, response.location)
    next_field = page.all(
        lambda n: (
            n.attrs.get("name") == "next"
            and n.closest(lambda f: f.attrs.get("id") == "login-form") is not None
        )
    )[0]
    response = client.post(
        "/login",
        data={
            "csrf_token": page.csrf(),
            "email": EXPORTER,
            "password": demo["password"],
            "next": next_field.attrs["value"],
        },
    )
    assert response.location == "/listings/new"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_next_never_leaves_the_site(client, demo, target):
    page = get_page(client, "/login?lang=en")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": page.csrf(), "email": EXPORTER, "password": demo["password"]},
    )
    assert response.status_code == 302
    assert response.location == "/listings"


def test_post_without_csrf_token_is_rejected(client, demo):
    response = client.post("/login", data={"email": EXPORTER, "password": demo["password"]})
    assert response.status_code == 400
    assert "刷新页面" in response.get_data(as_text=True)  # says what to do, in the default zh_Hans
    assert client.get("/listings").status_code == 302  # not signed in


def test_listing_form_post_without_csrf_token_is_rejected(client, demo):
    sign_in(client, EXPORTER, demo["password"])
    response = client.post("/listings/new", data={"title_zh": "无令牌", "action": "draft"})
    assert response.status_code == 400


def test_logout_needs_post_and_signs_out(client, demo):
    sign_in(client, EXPORTER, demo["password"])
    assert client.get("/logout").status_code == 405
    page = get_page(client, "/listings")
    response = client.post("/logout", data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    assert response.location == "/login"
    assert client.get("/listings").status_code == 302


def test_signed_in_user_visiting_login_goes_home(client, demo):
    sign_in(client, EXPORTER, demo["password"])
    response = client.get("/login")
    assert response.status_code == 302
    assert response.location == "/listings"


def test_token_secret_is_shown_once_and_works(client, demo):
    sign_in(client, EXPORTER, demo["password"])
    page = get_page(client, "/account/tokens")
    response = client.post("/account/tokens", data={"csrf_token": page.csrf(), "name": "ERP sync"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = Page(response.get_data(as_text=True))
    secret = page.by_id("new-token-secret").text()
    assert secret.startswith("cbc_")
    assert client.get("/api/v1/listings/", headers=bearer(secret)).status_code == 200

    again = get_page(client, "/account/tokens")
    assert secret not in again.html
    assert "ERP sync" in again.html
    assert secret[-4:] in again.html


def test_token_needs_a_name(client, demo):
    sign_in(client, EXPORTER, demo["password"])
    page = get_page(client, "/account/tokens")
    response = client.post("/account/tokens", data={"csrf_token": page.csrf(), "name": "  "})
    assert response.status_code == 422
    assert Page(response.get_data(as_text=True)).error_beside("name")


def test_revoked_token_stops_working(client, demo):
    sign_in(client, EXPORTER, demo["password"])
    page = get_page(client, "/account/tokens")
    response = client.post("/account/tokens", data={"csrf_token": page.csrf(), "name": "temp"})
    page = Page(response.get_data(as_text=True))
    secret = page.by_id("new-token-secret").text()
    revoke_forms = page.all(
        lambda n: n.tag == "form" and n.attrs.get("action", "").endswith("/revoke")
    )
    newest = revoke_forms[0].attrs["action"]  # newest first
    response = client.post(newest, data={"csrf_token": page.csrf()})
    assert response.status_code == 302
    assert client.get("/api/v1/listings/", headers=bearer(secret)).status_code == 401


def test_cannot_revoke_someone_elses_token(client, demo, other_exporter):
    sign_in(client, *other_exporter)
    page = get_page(client, "/account/tokens")
    # The demo exporter's token has id 1.
    response = client.post("/account/tokens/1/revoke", data={"csrf_token": page.csrf()})
    assert response.status_code == 404
    assert (
        client.get("/api/v1/listings/", headers=bearer(demo["tokens"]["exporter"])).status_code
        == 200
    )


def test_seller_is_forbidden_on_listing_pages(client, seller):
    response = sign_in(client, *seller)
    assert response.location == "/account/tokens"
    for url in ("/listings", "/listings/new", "/listings/1", "/listings/1/edit"):
        assert client.get(url).status_code == 403, url


def test_ui_language_from_query_parameter(client):
    assert "Sign in" in get_page(client, "/login?lang=en").html
    page = get_page(client, "/login?lang=zh_Hans")
    assert "登录" in page.html
    assert '<html lang="zh-Hans">' in page.html


def test_language_switch_for_visitor_is_kept_in_session(client):
    page = get_page(client, "/login?lang=en")
    response = client.post(
        "/account/language",
        data={"csrf_token": page.csrf(), "lang": "zh_Hans", "next": "/login?lang=en"},
    )
    assert response.status_code == 302
    assert response.location == "/login"  # ?lang= would override the choice
    assert "登录" in get_page(client, "/login").html


def test_language_switch_is_saved_on_the_account(app, client, demo):
    sign_in(client, EXPORTER, demo["password"], lang="en")
    page = get_page(client, "/listings")
    assert "Listings" in page.html
    response = client.post(
        "/account/language",
        data={"csrf_token": page.csrf(), "lang": "zh_Hans", "next": "/listings"},
    )
    assert response.location == "/listings"
    assert "新建商品" in get_page(client, "/listings").html
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == EXPORTER)).scalar_one()
        assert user.locale == "zh_Hans"


def test_language_switch_rejects_unknown_language(client):
    page = get_page(client, "/login")
    response = client.post("/account/language", data={"csrf_token": page.csrf(), "lang": "xx"})
    assert response.status_code == 400


def test_ops_land_on_the_shipments_board(client, demo):
    from tests.web.conftest import sign_in

    response = sign_in(client, "ops@demo.example", demo["password"])
    assert response.location == "/ops/shipments"

"""Sign-in under attack: guessing is throttled, unknown accounts cost the same hash check,
sessions end for good on sign-out, a new password or a switched-off account, and
passwords follow rules."""

from __future__ import annotations

import pytest

from connector.models import Role
from tests.web.conftest import OTHER_PASSWORD, bearer, get_page, make_user, sign_in
from tests.web.pages import Page

EXPORTER = "exporter@demo.example"


def try_password(client, email: str, password: str):
    page = get_page(client, "/login?lang=en")
    return client.post(
        "/login", data={"csrf_token": page.csrf(), "email": email, "password": password}
    )


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def replay(app, cookie: str, url: str = "/listings"):
    """``url`` requested by another browser holding a copy of ``cookie``."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief.get(url)


# --- throttling -------------------------------------------------------------------------


def test_after_five_wrong_passwords_even_the_right_one_is_refused(app, client, demo):
    for _attempt in range(5):
        assert try_password(client, EXPORTER, "wrong-password").status_code == 422
    refused = try_password(client, EXPORTER, demo["password"])
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    page = Page(refused.get_data(as_text=True))
    assert "Too many failed attempts" in page.error_beside("password")
    assert page.value("email") == EXPORTER
    assert client.get("/listings").status_code == 302  # not signed in


def test_the_account_is_throttled_from_every_address(app, client, demo):
    for _attempt in range(5):
        try_password(client, EXPORTER, "wrong-password")
    elsewhere = app.test_client()
    page = get_page(elsewhere, "/login?lang=en")
    refused = elsewhere.post(
        "/login",
        data={"csrf_token": page.csrf(), "email": EXPORTER, "password": demo["password"]},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert refused.status_code == 429


def test_one_address_guessing_many_accounts_is_throttled(app, client, demo):
    app.config["LOGIN_THROTTLE"] = {**app.config["LOGIN_THROTTLE"], "per_address": 3}
    for number in range(3):
        assert try_password(client, f"guess{number}@nowhere.example", "x" * 12).status_code == 422
    assert try_password(client, EXPORTER, demo["password"]).status_code == 429


def test_a_right_password_before_the_limit_clears_the_account_count(app, client, demo):
    for _attempt in range(4):
        try_password(client, EXPORTER, "wrong-password")
    sign_in(client, EXPORTER, demo["password"])
    client.post("/logout", data={"csrf_token": get_page(client, "/listings").csrf()})
    for _attempt in range(4):
        assert try_password(client, EXPORTER, "wrong-password").status_code == 422
    sign_in(client, EXPORTER, demo["password"])


def test_an_unknown_account_costs_a_hash_check_like_a_known_one(client, demo, monkeypatch):
    from connector.auth import passwords

    checked = []
    real_check = passwords.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real_check(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", spy)
    response = try_password(client, "nobody@nowhere.example", "some-password")
    assert response.status_code == 422
    assert "not right" in Page(response.get_data(as_text=True)).error_beside("password")
    assert checked == [passwords._dummy_hash()]


# --- sessions end for good --------------------------------------------------------------


def test_a_cookie_copied_before_sign_out_does_not_work_after(app, client, demo):
    sign_in(client, EXPORTER, demo["password"])
    copied = session_cookie(client)
    assert replay(app, copied).status_code == 200
    client.post("/logout", data={"csrf_token": get_page(client, "/listings").csrf()})
    after = replay(app, copied)
    assert after.status_code == 302 and after.location.startswith("/login")


def test_signing_out_ends_the_users_other_sessions_too(app, client, demo):
    other_browser = app.test_client()
    sign_in(other_browser, EXPORTER, demo["password"])
    sign_in(client, EXPORTER, demo["password"])
    client.post("/logout", data={"csrf_token": get_page(client, "/listings").csrf()})
    assert other_browser.get("/listings").status_code == 302


def test_a_new_password_ends_every_session(app, client, runner, demo):
    sign_in(client, EXPORTER, demo["password"])
    copied = session_cookie(client)
    changed = runner.invoke(
        args=["users", "password", "--email", EXPORTER, "--password", "a-brand-new-secret"]
    )
    assert changed.exit_code == 0, changed.output
    assert replay(app, copied).status_code == 302
    assert client.get("/listings").status_code == 302
    sign_in(client, EXPORTER, "a-brand-new-secret")


def test_switching_a_seller_off_and_on_does_not_revive_its_sessions(app, client, demo):
    seller_id = make_user(app, "buyer@seller.example", Role.SELLER)
    sign_in(client, "buyer@seller.example", OTHER_PASSWORD)
    copied = session_cookie(client)
    ops = bearer(demo["tokens"]["ops"])
    for active in (False, True):
        response = client.patch(
            f"/api/v1/sellers/{seller_id}", json={"active": active}, headers=ops
        )
        assert response.status_code == 200, response.json
    assert replay(app, copied, "/account/tokens").status_code == 302


# --- password rules ---------------------------------------------------------------------


def create_user(runner, password: str, email: str = "li@factory.example"):
    return runner.invoke(
        args=[
            "users",
            "create",
            *("--email", email, "--name", "Li", "--role", "ops"),
            *("--password", password),
        ]
    )


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("", "at least 10"),
        ("short", "at least 10"),
        ("li@factory.example", "email"),
        ("LI@FACTORY.EXAMPLE!!", "email"),
        ("aaaaaaaaaaaa", "different characters"),
    ],
)
def test_the_cli_refuses_weak_passwords(app, runner, password, says):
    refused = create_user(runner, password)
    assert refused.exit_code != 0
    assert says in refused.output


def test_the_cli_accepts_a_good_password(runner):
    created = create_user(runner, "a-strong-pass")
    assert created.exit_code == 0, created.output


def test_changing_to_a_weak_password_is_refused(runner, demo):
    refused = runner.invoke(args=["users", "password", "--email", EXPORTER, "--password", "123"])
    assert refused.exit_code != 0 and "at least 10" in refused.output


# --- changing the password on its page ----------------------------------------------------


def change_password(client, current: str, new: str):
    page = get_page(client, "/account/password")
    return client.post(
        "/account/password",
        data={"csrf_token": page.csrf(), "current_password": current, "new_password": new},
    )


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, demo):
    sign_in(client, EXPORTER, demo["password"])
    copied = session_cookie(client)
    response = change_password(client, demo["password"], "a-brand-new-secret")
    assert response.status_code == 302
    assert client.get("/listings").status_code == 200
    assert replay(app, copied).status_code == 302
    client.post("/logout", data={"csrf_token": get_page(client, "/listings").csrf()})
    sign_in(client, EXPORTER, "a-brand-new-secret")


@pytest.mark.parametrize(
    ("current", "new", "field", "says"),
    [
        ("not-my-password", "a-brand-new-secret", "current_password", "not your current"),
        (None, "short", "new_password", "at least 10"),
        (None, EXPORTER, "new_password", "email"),
    ],
)
def test_password_page_shows_each_error_beside_its_field(client, demo, current, new, field, says):
    sign_in(client, EXPORTER, demo["password"])
    response = change_password(client, current or demo["password"], new)
    assert response.status_code == 422
    assert says in Page(response.get_data(as_text=True)).error_beside(field)
    assert client.get("/listings").status_code == 200  # nothing changed, still signed in

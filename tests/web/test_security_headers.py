"""Pages tell the browser what it may run and frame; cookies stay on HTTPS when we are on it."""

from __future__ import annotations

import re

from connector import create_app
from tests.web.conftest import get_page, sign_in


def test_pages_forbid_framing_inline_scripts_and_sniffing(client):
    response = client.get("/login?lang=en")
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "object-src 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_ops_console_cannot_be_framed(client, demo):
    sign_in(client, "ops@demo.example", demo["password"])
    for path in ("/ops/shipments", "/ops/rq/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_api_answers_are_not_sniffed(client):
    response = client.get("/api/v1/openapi.json")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_swagger_ui_start_script_carries_the_policys_nonce(client):
    response = client.get("/api/v1/docs")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)
    # A fresh one per answer.
    assert nonce not in client.get("/api/v1/docs").headers["Content-Security-Policy"]


def test_rq_dashboard_inline_scripts_carry_the_nonce(client, demo):
    sign_in(client, "ops@demo.example", demo["password"])
    response = client.get("/ops/rq/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    body = response.get_data(as_text=True)
    assert f'<script nonce="{nonce}" type="text/javascript">' in body
    assert "unsafe-eval" in response.headers["Content-Security-Policy"]
    # Our own pages never allow eval.
    assert "unsafe-eval" not in client.get("/ops/shipments").headers["Content-Security-Policy"]


def _cookie_flags(app, demo_password: str) -> str:
    client = app.test_client()
    page = get_page(client, "/login?lang=en")
    response = client.post(
        "/login",
        data={"csrf_token": page.csrf(), "email": "ops@demo.example", "password": demo_password},
    )
    return response.headers["Set-Cookie"]


def test_cookies_are_secure_when_the_public_url_is_https(app, demo, tmp_path):
    assert "Secure" not in _cookie_flags(app, demo["password"])
    https_app = create_app({**app.config, "PUBLIC_URL": "https://connector.example"})
    flags = _cookie_flags(https_app, demo["password"])
    assert "Secure" in flags and "HttpOnly" in flags

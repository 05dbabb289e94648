"""Every kind of page still works under the Content-Security-Policy, in a real browser:
our forms and their script, the ops console, Swagger UI and rq-dashboard, with not one
policy violation in the console."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.ops.conftest import OPS_EMAIL

pytestmark = pytest.mark.browser


@pytest.fixture
def violations(page):
    """Console errors and page errors seen while the test browses."""
    seen: list[str] = []
    page.on("console", lambda message: message.type == "error" and seen.append(message.text))
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def sign_in(page, live_server, email: str, password: str) -> None:
    page.goto(f"{live_server}/login?lang=en")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.click("#login-form button[type=submit]")


def test_the_listing_form_script_runs_under_the_policy(page, live_server, demo, violations):
    sign_in(page, live_server, "exporter@demo.example", demo["password"])
    page.goto(f"{live_server}/listings/new")
    page.click("text=+ Add tier")
    expect(page.locator('[name="price_tiers.1.min_qty"]')).to_be_visible()
    page.goto(f"{live_server}/listings")
    assert violations == []


def test_ops_console_and_rq_dashboard_work_under_the_policy(page, live_server, demo, violations):
    sign_in(page, live_server, OPS_EMAIL, demo["password"])
    for path in ("/ops/shipments", "/ops/fx", "/ops/jobs", "/ops/audit"):
        response = page.goto(f"{live_server}{path}")
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.goto(f"{live_server}/ops/rq/")
    # The queue rows are drawn by the dashboard's inline script from its JSON.
    expect(page.locator("#queues tbody tr").first).to_contain_text("default")
    assert violations == []


def test_swagger_ui_renders_the_api_under_the_policy(page, live_server, violations):
    page.goto(f"{live_server}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title").first).to_contain_text(
        "Cross-border connector API"
    )
    expect(page.locator(".opblock").first).to_be_visible()
    assert violations == []

"""An exporter follows a "what to fix" link and translates in the grid, in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_onboarding_browser import sign_in
from tests.offers.conftest import rates  # noqa: F401  (fixture)
from tests.offers.support import create, run_jobs, tshirt

pytestmark = pytest.mark.browser


@pytest.fixture
def held_tshirt(app, client, exporter_token, rates):  # noqa: F811
    payload = tshirt()
    payload["localized"] = {
        "vi_VN": {"title": "Áo thun cotton cổ tròn", "description": "Cotton chải kỹ 180 g."}
    }
    listing = create(client, exporter_token, payload)
    run_jobs(app)
    return listing["id"]


def test_fix_link_lands_focused_on_the_field_and_the_grid_saves_in_place(
    app, page, live_server, demo, held_tshirt, screenshot
):
    sign_in(page, live_server, demo["password"])
    page.goto(f"{live_server}/listings/{held_tshirt}")
    reason = page.locator("#offer-VN li", has_text="These texts have no translation yet")
    reason.locator("a", has_text="Fix").click()
    focused = page.locator(":focus")
    expect(focused).to_have_attribute("id", re.compile(r"^f-localized-vi_VN-terms-"))
    expect(focused).to_be_in_viewport()
    screenshot(page, "translations-fix-link")

    page.goto(f"{live_server}/listings/{held_tshirt}/translations")
    cell = page.locator("tr", has_text="丝印logo（单色）").locator('td[lang="vi-VN"]')
    expect(cell.locator("[data-source]")).to_have_text("Missing")
    cell.locator("input").fill("In lụa logo (một màu)")
    page.click("#translation-grid button[type=submit]")
    expect(page.locator(".flash--success")).to_be_visible()
    cell = page.locator("tr", has_text="丝印logo（单色）").locator('td[lang="vi-VN"]')
    expect(cell.locator("[data-source]")).to_have_text("Exporter")
    expect(cell.locator("input")).to_have_value("In lụa logo (một màu)")
    title = page.locator('td[lang="vi-VN"]', has=page.locator('[name="localized.vi_VN.title"]'))
    expect(title.locator("[data-source]")).to_have_text("Exporter")
    screenshot(page, "translations-grid")


def test_anchor_inside_closed_translations_opens_it_and_focuses_the_field(page, live_server, demo):
    sign_in(page, live_server, demo["password"])
    page.goto(f"{live_server}/listings/1/edit#f-localized-vi_VN-title")
    field = page.locator("#f-localized-vi_VN-title")
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()

"""The ops board fits a 1280-pixel screen: no sideways scrolling to reach a column."""

from __future__ import annotations

import pytest

from tests.ops.conftest import (  # noqa: F401  (fixtures)
    OPS_EMAIL,
    cdek_sim,
    cdek_sim_server,
    ghn_sim,
    ghn_sim_server,
    seller,
    services,
    warehouse_sim,
    warehouse_sim_server,
)
from tests.ops.support import outage_shipment, place, run_jobs, unserved_ward_shipment

pytestmark = pytest.mark.browser


def test_the_board_has_no_horizontal_scroll_at_1280_by_800(
    app,
    client,
    services,  # noqa: F811  (the fixture imported above)
    seller,  # noqa: F811
    demo,
    live_server,
    browser,
    screenshot,
):
    ghn = services["ghn"]
    unserved_ward_shipment(app, client, seller)
    outage_shipment(app, client, seller, ghn)
    place(app, client, seller, market="KZ", quantity=12)
    place(app, client, seller, mode="fully_managed")
    run_jobs(app)

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login?lang=en")
        page.fill("#f-email", OPS_EMAIL)
        page.fill("#f-password", demo["password"])
        page.click("#login-form button[type=submit]")
        page.goto(f"{live_server}/ops/shipments")
        page.wait_for_selector("tbody tr")
        screenshot(page, "ops-board-1280")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 1280, width
        # Nor does the table scroll inside its own box: every column is in view.
        hidden = page.evaluate(
            """() => [...document.querySelectorAll('.table-wrap')]
                .map((el) => el.scrollWidth - el.clientWidth)"""
        )
        assert hidden and max(hidden) <= 0, hidden
    finally:
        context.close()

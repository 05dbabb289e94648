"""An ops user in a real browser: finds failed shipments, fixes an address, retries one
and then a filtered batch, and sees each reach the carrier once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

# The simulators and a seller, as the ops tests have them. The browser test
# lives here, beside the browser fixtures: one Playwright per process, and a second
# session fixture in tests/ops would clash with this folder's when the whole suite runs.
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
from tests.ops.support import outage_shipment, run_jobs, state_of, unserved_ward_shipment

pytestmark = pytest.mark.browser


def test_ops_find_fix_and_retry_failed_shipments(
    app,
    client,
    services,  # noqa: F811  (the fixture imported above)
    seller,  # noqa: F811
    demo,
    live_server,
    page,
    screenshot,
):
    ghn = services["ghn"]
    stuck = unserved_ward_shipment(app, client, seller)
    downs = [outage_shipment(app, client, seller, ghn) for _ in range(3)]
    assert ghn.parcel_counts() == {}

    page.goto(f"{live_server}/login?lang=en")
    page.fill("#f-email", OPS_EMAIL)
    page.fill("#f-password", demo["password"])
    page.click("#login-form button[type=submit]")
    page.click("nav >> text=Ops")
    expect(page.locator("h1")).to_have_text("Shipments")

    # Filter to what needs a person.
    page.select_option("#f-state", "needs_attention")
    page.click(".search-form button[type=submit]")
    expect(page.locator("tbody tr")).to_have_count(4)
    expect(page.locator("#h-facet-reason + ul")).to_contain_text("server_error")
    screenshot(page, "ops-board")

    # Read why one failed, fix its address, and send it again.
    page.click(f"a[href='/ops/shipments/{stuck['id']}']")
    expect(page.locator("#h-error + p")).to_contain_text("address_rejected")
    screenshot(page, "ops-shipment-needs-attention")
    page.click("#fix")
    page.fill("#f-ship_to-ward", "Phường Bến Nghé")
    screenshot(page, "ops-fix")
    page.click("#save-retry")
    expect(page.locator(".flash--success").first).to_contain_text("saved")
    run_jobs(app)
    page.reload()
    expect(page.locator(".meta .state").first).to_have_text("At the carrier")
    screenshot(page, "ops-shipment-sent")

    # Retry one from the outage on its own.
    page.goto(f"{live_server}/ops/shipments/{downs[0]['id']}")
    page.click("#retry")
    expect(page.locator(".flash--success")).to_contain_text("queued to be sent again")
    run_jobs(app)
    page.reload()
    expect(page.locator(".meta .state").first).to_have_text("At the carrier")

    # Then the rest of the outage, as a filtered batch.
    page.goto(f"{live_server}/ops/shipments?state=needs_attention")
    page.click("#h-facet-reason + ul >> text=server_error")
    expect(page.locator("tbody tr")).to_have_count(2)
    page.click("#retry-matching")
    expect(page.locator("#retry-count")).to_contain_text("2 shipments will be sent again")
    page.click("#confirm-retry")
    expect(page).to_have_url(re.compile(r"/ops/jobs/ops-retry-"))
    screenshot(page, "ops-job-queued")
    run_jobs(app)
    # The page follows the job by itself.
    expect(page.locator("#job-done")).to_be_visible(timeout=15_000)
    expect(page.locator("#job-progress")).to_have_attribute("value", "2")
    screenshot(page, "ops-job-done")
    page.click("text=Back to the shipments")
    run_jobs(app)
    page.goto(f"{live_server}/ops/shipments?state=needs_attention")
    expect(page.locator(".empty-state")).to_contain_text("No shipments match this filter.")
    page.goto(f"{live_server}/ops/shipments")
    screenshot(page, "ops-board-after")

    for shipment in (stuck, *downs):
        assert state_of(app, shipment["id"]) == "submitted"
    assert ghn.parcel_counts() == {s["idempotency_key"]: 1 for s in (stuck, *downs)}

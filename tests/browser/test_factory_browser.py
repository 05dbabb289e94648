"""The factory in a real browser, as the issue's 'done when' walks it: a seller orders
200 T-shirts printed with its logo; the exporter sees the order with the artwork,
confirms it, prints the day's labels as one PDF, scans the parcel packed and handed
over; the seller reads each step through the API; no exporter page shows the buyer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

# The simulators, a seller, FX rates and a translator, as the fulfilment tests have
# them (imported here, beside the one Playwright of this folder).
from tests.fulfilment.conftest import (  # noqa: F401  (fixtures)
    cdek_sim,
    cdek_sim_server,
    ghn_sim,
    ghn_sim_server,
    seller,
    services,
    warehouse_sim,
    warehouse_sim_server,
)
from tests.fulfilment.factory_support import (
    order,
    order_line,
    pdf_pages,
    ready_offer,
    upload_png,
)
from tests.fulfilment.support import fixture, run_jobs
from tests.offers.conftest import rates, translator  # noqa: F401  (fixtures)
from tests.offers.support import tshirt

pytestmark = pytest.mark.browser

LOGO = "丝印logo（单色）"  # the T-shirt listing's logo printing: 200 pieces at least


def _buyer_fragments() -> list[str]:
    ship_to = fixture("ship_to_vn.json")
    return [ship_to["name"], ship_to["phone"], ship_to["email"], ship_to["line1"], ship_to["ward"]]


def _no_buyer(page) -> None:
    html = page.content()
    for fragment in _buyer_fragments():
        assert fragment not in html, (page.url, fragment)


def _seller_shipment(client, buyer_seller: dict, order_id: int) -> dict:
    token = buyer_seller["token"]
    response = client.get(
        f"/api/v1/orders/{order_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.json
    return response.json["shipments"][0]


def test_a_customized_order_from_seller_to_hand_over(
    app,
    client,
    services,  # noqa: F811  (the fixture imported above)
    seller,  # noqa: F811
    rates,  # noqa: F811
    translator,  # noqa: F811
    demo,
    exporter_token,
    live_server,
    page,
    screenshot,
):
    # The seller: artwork through the images API, then 200 printed T-shirts.
    shirt = ready_offer(app, client, exporter_token, tshirt())
    artwork = upload_png(client, seller["token"])
    custom = {"option": LOGO, "artwork": artwork, "text": "ACME", "placement": "front"}
    placed = order(
        client, seller, [order_line(shirt, 200, customization=custom)], mode="fully_managed"
    )
    assert placed.status_code == 202, placed.json
    order_id = placed.json["id"]
    [shipment] = placed.json["shipments"]
    run_jobs(app)  # the warehouse has the inbound note and its box labels
    assert _seller_shipment(client, seller, order_id)["factory_progress"] == {}

    # The exporter signs in and finds the new order.
    page.goto(f"{live_server}/login?lang=en")
    page.fill("#f-email", "exporter@demo.example")
    page.fill("#f-password", demo["password"])
    page.click("#login-form button[type=submit]")
    page.goto(f"{live_server}/factory/orders")
    waiting = page.locator("#to-confirm")
    expect(waiting).to_contain_text("TS180-WHT-M")
    _no_buyer(page)
    screenshot(page, "factory-orders")

    # The order with its print spec and the artwork's thumbnail.
    waiting.locator(f"a[href='/factory/shipments/{shipment['id']}']").first.click()
    expect(page.locator(".pack-list")).to_contain_text("ACME")
    art = page.locator(f".spec__art[src*='{artwork}']")
    expect(art).to_be_visible()
    assert art.evaluate("img => img.complete && img.naturalWidth > 0")
    _no_buyer(page)
    screenshot(page, "factory-shipment")

    page.click(f"#confirmed-{shipment['id']}")
    expect(page.locator(".flash--success")).to_contain_text("Confirmed")
    assert "confirmed" in _seller_shipment(client, seller, order_id)["factory_progress"]

    # The day's labels as one PDF.
    page.goto(f"{live_server}/factory/orders")
    href = page.locator("#print-batch").get_attribute("href")
    batch = page.request.get(f"{live_server}{href}")
    assert batch.ok and batch.headers["content-type"] == "application/pdf"
    pages = pdf_pages(batch.body())
    assert any("CONSOLIDATION WAREHOUSE" in text for text in pages)  # the box labels
    assert any("TS180-WHT-M" in text and "ACME" in text for text in pages)  # our note

    # Packed, then handed over, with the scanner page: the code, then Enter.
    page.click("nav.subnav >> text=Scan labels")
    page.check("input[name=step][value=packed]")
    page.locator("#scan-code").fill(shipment["idempotency_key"])
    page.locator("#scan-code").press("Enter")
    expect(page.locator("#scan-result")).to_contain_text("Packed")
    page.check("input[name=step][value=handed_over]")
    expect(page.locator("#scan-code")).to_be_focused()
    page.locator("#scan-code").fill(shipment["idempotency_key"])
    page.locator("#scan-code").press("Enter")
    expect(page.locator("#scan-result")).to_contain_text("Handed over")
    _no_buyer(page)
    screenshot(page, "factory-scan")

    # The seller sees it through the API.
    seen = _seller_shipment(client, seller, order_id)
    assert set(seen["factory_progress"]) == {"confirmed", "packed", "handed_over"}
    assert seen["factory_refusal"] is None

    page.goto(f"{live_server}/factory/shipments/{shipment['id']}")
    expect(page.locator(".page-head .meta")).to_contain_text("Handed over")
    _no_buyer(page)

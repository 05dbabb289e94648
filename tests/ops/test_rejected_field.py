"""The fix form shows the field the carrier rejected in clear, to ops only, and audits it."""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.fulfilment.support import fixture, order_body, post_order
from tests.ops.conftest import page_of
from tests.ops.support import UNSERVED_WARD, audit_entries, only_shipment, run_jobs


@pytest.fixture
def refused(app, client, services, seller, exporter_token, rates):
    """A shipment of the demo factory's T-shirt whose ward GHN refuses: needs attention."""
    run_jobs(app)  # the demo listing's offers
    offers = client.get("/api/v1/listings/", headers=bearer(exporter_token)).json["items"]
    [vn] = [
        offer
        for offer in client.get(
            f"/api/v1/listings/{offers[0]['id']}/offers", headers=bearer(exporter_token)
        ).json
        if offer["market"] == "VN"
    ]
    assert vn["status"] == "ready", vn["hold_reasons"]
    ship_to = {**fixture("ship_to_vn.json"), "ward": UNSERVED_WARD}
    placed = post_order(client, seller["token"], order_body(vn["id"], ship_to=ship_to))
    assert placed.status_code == 202, placed.json
    shipment = only_shipment(placed.json)
    run_jobs(app)
    return shipment


def test_ops_see_the_rejected_field_in_clear_and_the_view_is_audited(app, refused, ops_client):
    url = f"/ops/shipments/{refused['id']}/fix"
    page = page_of(ops_client.get(url))
    values = page.form_values()
    assert values["ship_to.ward"] == UNSERVED_WARD
    assert values["ship_to.line1"] == "" and values["ship_to.phone"] == ""  # still masked
    assert "rejected this field" in page.html
    [view] = audit_entries(app, action="shipment.pii_view")
    assert view["actor"] == "ops@demo.example" and view["role"] == "ops"
    assert view["target_type"] == "shipment" and view["target_id"] == str(refused["id"])
    assert view["details"] == {"field": "ward", "reason": "address_rejected"}
    assert view["at"] is not None
    assert UNSERVED_WARD not in str(view)  # the field's name, never its value

    ops_client.get(url)
    assert len(audit_entries(app, action="shipment.pii_view")) == 2  # every view


def test_exporters_and_sellers_never_see_the_rejected_field(
    app, client, refused, exporter_token, exporter_client, seller_client
):
    url = f"/ops/shipments/{refused['id']}/fix"
    assert exporter_client.get(url).status_code == 403
    assert seller_client.get(url).status_code == 403
    # The factory's own view of the order and its shipment: the area only.
    api = client.get("/api/v1/orders/", headers=bearer(exporter_token))
    assert api.status_code == 200 and refused["idempotency_key"] in api.get_data(as_text=True)
    assert UNSERVED_WARD not in api.get_data(as_text=True)
    pages = exporter_client.get("/factory/orders")
    assert pages.status_code == 200
    assert UNSERVED_WARD not in pages.get_data(as_text=True)
    assert audit_entries(app, action="shipment.pii_view") == []

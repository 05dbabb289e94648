"""The ops sandbox page sets faults on the running carrier simulators, over their control
endpoint (as in `make run`, where they run in another process)."""

from __future__ import annotations

import pytest
import requests

from tests.ops.conftest import csrf_of, flashes, page_of
from tests.ops.support import audit_entries, only_shipment, place, run_jobs, shipment_row

SECRET = "test-sandbox-secret"


@pytest.fixture
def sandbox(app, services):
    """The simulators answer their control endpoint with the app's sandbox secret."""
    app.config["SANDBOX_SECRET"] = SECRET
    for simulator in services.values():
        simulator.control_secret = SECRET
    yield services
    for simulator in services.values():
        simulator.control_secret = None
        simulator.reset()


def set_fault(ops_client, carrier: str, fault: str, count: str = "1"):
    form = {"csrf_token": csrf_of(ops_client), "carrier": carrier, "fault": fault, "count": count}
    return ops_client.post("/ops/sandbox/faults", data=form)


def test_refused_addresses_reach_the_board_and_the_fix_form(
    app, client, seller, sandbox, ops_client
):
    page = page_of(ops_client.get("/ops/sandbox"))
    assert {row.attrs["data-carrier"] for row in page.all(lambda n: "data-carrier" in n.attrs)} == {
        "ghn",
        "cdek",
    }
    response = set_fault(ops_client, "ghn", "refuse_address", "2")
    assert response.status_code == 302
    shown = page_of(ops_client.get("/ops/sandbox"))
    assert shown.all(lambda n: n.attrs.get("data-fault") == "refuse_address")
    assert "2 addresses to refuse" in shown.html

    first = only_shipment(place(app, client, seller))
    run_jobs(app)
    row = shipment_row(app, first["id"])
    assert row["state"] == "needs_attention"
    assert row["last_error_code"] == "address_rejected" and row["last_error_field"] == "ward"
    fix = page_of(ops_client.get(f"/ops/shipments/{first['id']}/fix"))
    assert fix.form_values()["ship_to.ward"] == "Phường Bến Nghé"  # shown in clear to correct

    [entry] = audit_entries(app, action="sandbox.fault")
    assert entry["target_id"] == "ghn" and entry["details"] == {
        "fault": "refuse_address",
        "count": 2,
    }


def test_a_carrier_that_times_out_then_answers(app, client, seller, sandbox, ops_client):
    set_fault(ops_client, "ghn", "timeout")
    assert [f.label for f in sandbox["ghn"].faults] == ["timeout"]
    # Longer than the adapter waits for an answer: the attempt is unclear, retried later.
    assert sandbox["ghn"].faults[0].seconds > app.config["SHIPPING_ADAPTERS"]["ghn"]["timeout"][1]
    shipment = only_shipment(place(app, client, seller))
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert row["attempts"][0]["outcome"] == "transient"
    assert sandbox["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


def test_a_carrier_goes_down_for_a_minute_and_ops_bring_it_back(
    app, client, seller, sandbox, ops_client
):
    set_fault(ops_client, "cdek", "down")
    answer = requests.post(sandbox["cdek"].url + "/v2/oauth/token", timeout=5)
    assert answer.status_code == 503
    assert "Down for" in page_of(ops_client.get("/ops/sandbox")).html

    cleared = ops_client.post("/ops/sandbox/cdek/clear", data={"csrf_token": csrf_of(ops_client)})
    assert "cdek works normally again." in flashes(ops_client, cleared.location)
    assert requests.post(sandbox["cdek"].url + "/v2/oauth/token", timeout=5).status_code != 503


def test_bad_fault_input_is_named_beside_its_field(sandbox, ops_client):
    response = set_fault(ops_client, "ghn", "refuse_address", "0")
    assert response.status_code == 422
    assert page_of(response).error_beside("count")
    response = set_fault(ops_client, "nowhere", "flood")
    assert response.status_code == 422
    page = page_of(response)
    assert page.error_beside("carrier") and page.error_beside("fault")


def test_the_control_endpoint_wants_the_secret(sandbox):
    url = sandbox["ghn"].url + "/_sandbox/faults"
    assert requests.get(url, timeout=5).status_code == 404
    assert requests.get(url, headers={"X-Sandbox-Secret": "guess"}, timeout=5).status_code == 404
    ok = requests.get(url, headers={"X-Sandbox-Secret": SECRET}, timeout=5)
    assert ok.status_code == 200 and ok.json()["pending"] == {"timeout": 0, "refuse_address": 0}


def test_no_sandbox_page_with_real_carriers(app, services, ops_client):
    for name in ("ghn", "cdek", "ghtk"):
        if name in app.config["SHIPPING_ADAPTERS"]:
            app.config["SHIPPING_ADAPTERS"][name]["sandbox"] = False
    assert ops_client.get("/ops/sandbox").status_code == 404
    assert "/ops/sandbox" not in ops_client.get("/ops/shipments").get_data(as_text=True)

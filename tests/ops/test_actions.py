"""Retrying, fixing and cancelling from the pages, against the carrier simulators.

Each test checks the simulator's parcel registry: every shipment reaches its
carrier exactly once, however it is retried.
"""

from __future__ import annotations

import threading

from rq.job import Job

from connector.services import get_queue
from tests.fulfilment.support import fixture, requests_to
from tests.ops.conftest import OPS_EMAIL, csrf_of, flashes, page_of, sign_in
from tests.ops.support import (
    GHN_CREATE,
    UNSERVED_WARD,
    acted_then_lost_shipment,
    audit_entries,
    only_shipment,
    outage_shipment,
    place,
    run_jobs,
    shipment_row,
    state_of,
    unserved_ward_shipment,
)


def _post(client, url: str, **data):
    return client.post(url, data={"csrf_token": csrf_of(client), **data})


def test_retry_one_after_an_outage_sends_it_once(app, client, services, seller, ops_client):
    ghn = services["ghn"]
    shipment = outage_shipment(app, client, seller, ghn)
    assert state_of(app, shipment["id"]) == "needs_attention"
    assert ghn.parcel_counts() == {}

    detail = page_of(ops_client.get(f"/ops/shipments/{shipment['id']}"))
    assert "server_error" in detail.by_id("h-error").parent.text()
    response = _post(ops_client, f"/ops/shipments/{shipment['id']}/retry")
    assert response.status_code == 302
    assert state_of(app, shipment["id"]) == "pending"
    run_jobs(app)

    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted" and row["tracking_number"]
    assert row["attempts"][-1]["outcome"] == "submitted" and row["attempts"][-1]["reconciled"]
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}
    assert ("ops", "retry") in {(source, code) for source, code, _state in row["events"]}
    [entry] = audit_entries(app, action="shipment.retry")
    assert entry["actor"] == OPS_EMAIL and entry["result"] == "ok" and entry["source"] == "web"
    assert entry["target_type"] == "shipment" and entry["target_id"] == str(shipment["id"])


def test_retry_of_a_parcel_the_carrier_already_has_finds_it(
    app, client, services, seller, ops_client
):
    ghn = services["ghn"]
    shipment = acted_then_lost_shipment(app, client, seller, ghn)
    assert state_of(app, shipment["id"]) == "needs_attention"
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}  # the carrier did act

    _post(ops_client, f"/ops/shipments/{shipment['id']}/retry")
    run_jobs(app)

    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert row["attempts"][-1]["outcome"] == "found"
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}
    assert requests_to(ghn, GHN_CREATE) == 1


def test_retry_of_a_settled_shipment_is_refused_and_logged(
    app, client, services, seller, ops_client
):
    shipment = only_shipment(place(app, client, seller))
    run_jobs(app)
    response = _post(ops_client, f"/ops/shipments/{shipment['id']}/retry")
    assert response.status_code == 302
    assert "was not retried: it is At the carrier" in flashes(ops_client, response.location)
    [entry] = audit_entries(app, action="shipment.retry")
    assert entry["result"] == "refused" and entry["details"]["state"] == "submitted"
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


def test_retry_selected_retries_each_and_reports_refusals(
    app, client, services, seller, ops_client
):
    ghn = services["ghn"]
    first = outage_shipment(app, client, seller, ghn)
    second = outage_shipment(app, client, seller, ghn)
    done = only_shipment(place(app, client, seller))
    run_jobs(app)

    response = ops_client.post(
        "/ops/shipments/retry-selected",
        data={
            "csrf_token": csrf_of(ops_client),
            "id": [str(first["id"]), str(second["id"]), str(done["id"])],
            "next": "/ops/shipments?state=needs_attention",
        },
    )
    assert response.status_code == 302
    assert response.location == "/ops/shipments?state=needs_attention"
    shown = flashes(ops_client, response.location)
    assert "2 shipments are queued to be sent again." in shown
    assert f"1 shipment could not be retried: #{done['id']} (At the carrier)" in shown
    run_jobs(app)
    assert {state_of(app, s["id"]) for s in (first, second)} == {"submitted"}
    counts = ghn.parcel_counts()
    assert counts == {s["idempotency_key"]: 1 for s in (first, second, done)}


def test_retry_selected_offsite_next_is_ignored(app, ops_client):
    response = _post(ops_client, "/ops/shipments/retry-selected", next="https://evil.example/")
    assert response.location == "/ops/shipments"


def test_retry_by_filter_runs_as_a_job_with_progress(app, client, services, seller, ops_client):
    ghn = services["ghn"]
    outages = [outage_shipment(app, client, seller, ghn) for _ in range(3)]
    stuck = unserved_ward_shipment(app, client, seller)  # another reason: not in the filter
    cdek_ok = only_shipment(place(app, client, seller, market="KZ", quantity=12))
    run_jobs(app)

    confirm = page_of(ops_client.get("/ops/shipments/retry-matching?reason=server_error"))
    assert "3 shipments will be sent again." in confirm.by_id("retry-count").text()
    form = confirm.form_values()
    assert form["reason"] == "server_error"
    response = ops_client.post("/ops/shipments/retry-matching", data=form)
    assert response.status_code == 302
    job_url = response.location.split("?")[0]
    job_id = job_url.rsplit("/", 1)[1]
    assert job_id.startswith("ops-retry-")

    queued = page_of(ops_client.get(response.location))
    assert queued.by_id("job-progress").attrs["max"] == "3"
    assert queued.by_id("job-progress").attrs["value"] == "0"
    assert 'http-equiv="refresh"' in queued.html  # follows itself while running

    run_jobs(app)
    with app.app_context():
        job = Job.fetch(job_id, connection=get_queue().connection)
        assert job.get_status() == "finished"
        assert {k: job.meta[k] for k in ("total", "done", "ok", "refused")} == {
            "total": 3,
            "done": 3,
            "ok": 3,
            "refused": 0,
        }
    finished = page_of(ops_client.get(response.location))
    assert finished.by_id("job-progress").attrs["value"] == "3"
    assert finished.by_id("job-done") is not None
    assert 'http-equiv="refresh"' not in finished.html

    assert {state_of(app, s["id"]) for s in outages} == {"submitted"}
    assert state_of(app, stuck["id"]) == "needs_attention"
    assert ghn.parcel_counts() == {s["idempotency_key"]: 1 for s in outages}
    assert services["cdek"].parcel_counts() == {cdek_ok["idempotency_key"]: 1}

    bulk = audit_entries(app, action="shipment.retry_bulk")
    assert [e["result"] for e in bulk] == ["queued", "ok"]
    assert bulk[0]["details"]["count"] == 3 and bulk[0]["target_id"] == job_id
    assert bulk[0]["details"]["filter"]["reason"] == "server_error"
    singles = audit_entries(app, action="shipment.retry")
    assert sorted(int(e["target_id"]) for e in singles) == sorted(s["id"] for s in outages)
    assert {e["source"] for e in singles} == {"job"}
    assert {e["details"]["job_id"] for e in singles} == {job_id}


def test_retry_by_filter_with_nothing_to_retry_starts_no_job(app, ops_client):
    form = {"csrf_token": csrf_of(ops_client), "reason": "timeout"}
    response = ops_client.post("/ops/shipments/retry-matching", data=form)
    assert response.location.startswith("/ops/shipments")
    assert "No shipment matching this filter can be retried now." in flashes(
        ops_client, response.location
    )
    assert audit_entries(app, action="shipment.retry_bulk") == []


def test_two_ops_retrying_at_once_make_one_attempt(app, client, services, seller, demo):
    ghn = services["ghn"]
    shipment = outage_shipment(app, client, seller, ghn)
    attempts_before = len(shipment_row(app, shipment["id"])["attempts"])
    first, second = app.test_client(), app.test_client()
    for other in (first, second):
        sign_in(other, OPS_EMAIL, demo["password"])
    tokens = {other: csrf_of(other) for other in (first, second)}
    barrier = threading.Barrier(2)
    statuses = []

    def retry(other):
        barrier.wait()
        response = other.post(
            f"/ops/shipments/{shipment['id']}/retry", data={"csrf_token": tokens[other]}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=retry, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert statuses == [302, 302]
    results = sorted(e["result"] for e in audit_entries(app, action="shipment.retry"))
    assert results == ["ok", "refused"]

    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert len(row["attempts"]) == attempts_before + 1
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}


def test_fix_the_address_then_retry_succeeds(app, client, services, seller, ops_client):
    from connector.extensions import db
    from connector.models import Shipment
    from connector.orders import pii

    ghn = services["ghn"]
    shipment = unserved_ward_shipment(app, client, seller)
    with app.app_context():
        before = db.session.get(Shipment, shipment["id"]).order.ship_to_encrypted

    form_page = page_of(ops_client.get(f"/ops/shipments/{shipment['id']}/fix"))
    values = form_page.form_values()
    assert values["ship_to.ward"] == UNSERVED_WARD  # the field GHN rejected, in clear
    assert values["ship_to.phone"] == ""  # other masked fields are not shown in clear
    assert values["ship_to.district"] == "Quận 1"  # area names are
    values["ship_to.ward"] = "Phường Bến Nghé"
    values["action"] = "save_retry"
    response = ops_client.post(f"/ops/shipments/{shipment['id']}/fix", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    shown = flashes(ops_client, response.location)
    assert "The shipment's data is saved." in shown and "queued to be sent again" in shown

    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert [a["outcome"] for a in row["attempts"]] == ["permanent", "submitted"]
    [parcel] = ghn.parcels
    assert parcel["reference"] == shipment["idempotency_key"]
    assert parcel["body"]["to_ward_name"] == "Phường Bến Nghé"
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}

    with app.app_context():
        order = db.session.get(Shipment, shipment["id"]).order
        assert order.ship_to_encrypted != before
        stored = pii.decrypt(order.ship_to_encrypted)
        assert stored["ward"] == "Phường Bến Nghé"
        assert stored["phone"] == "+84901234567"  # kept, still normalised
        assert stored["name"] == fixture("ship_to_vn.json")["name"]
    [fix] = audit_entries(app, action="shipment.fix")
    assert fix["details"] == {"address_fields": ["ward"]}
    assert "Phường" not in str(fix) and "ship_to" not in str(fix)  # names of fields only
    assert ("ops", "fixed", None) in row["events"]


def test_fix_rejects_a_bad_phone_beside_its_field(app, client, services, seller, ops_client):
    shipment = unserved_ward_shipment(app, client, seller)
    values = page_of(ops_client.get(f"/ops/shipments/{shipment['id']}/fix")).form_values()
    values["ship_to.phone"] = "12345"
    values["action"] = "save"
    response = ops_client.post(f"/ops/shipments/{shipment['id']}/fix", data=values)
    assert response.status_code == 422
    page = page_of(response)
    assert page.error_beside("ship_to.phone")
    assert state_of(app, shipment["id"]) == "needs_attention"
    [entry] = audit_entries(app, action="shipment.fix")
    assert entry["result"] == "refused" and entry["details"] == {"invalid": ["ship_to.phone"]}


def test_fix_the_weight_changes_what_is_sent(app, client, services, seller, ops_client):
    ghn = services["ghn"]
    shipment = outage_shipment(app, client, seller, ghn)
    page = page_of(ops_client.get(f"/ops/shipments/{shipment['id']}/fix"))
    values = page.form_values()
    [weight_field] = [name for name in values if name.startswith("weight.")]
    values[weight_field] = "300"
    values["action"] = "save_retry"
    assert ops_client.post(f"/ops/shipments/{shipment['id']}/fix", data=values).status_code == 302
    run_jobs(app)
    [parcel] = ghn.parcels
    assert parcel["body"]["weight"] == 300 * 60  # 60 T-shirts of 300 g
    [fix] = audit_entries(app, action="shipment.fix")
    assert fix["details"]["unit_weights_g"] == {"TS180-WHT-M": [220, 300]}
    assert fix["details"]["parcel_weight_g"] == 18000


def test_a_shipment_at_the_carrier_cannot_be_fixed(app, client, services, seller, ops_client):
    shipment = only_shipment(place(app, client, seller))
    run_jobs(app)
    response = ops_client.get(f"/ops/shipments/{shipment['id']}/fix")
    assert response.status_code == 302
    assert "The carrier already has this shipment" in flashes(ops_client, response.location)


def test_cancel_before_sending_and_at_the_carrier(app, client, services, seller, ops_client):
    ghn = services["ghn"]
    stuck = unserved_ward_shipment(app, client, seller)
    sent = only_shipment(place(app, client, seller))
    run_jobs(app)

    response = _post(ops_client, f"/ops/shipments/{stuck['id']}/cancel")
    assert "will be cancelled at the carrier first" in flashes(ops_client, response.location)
    response = _post(ops_client, f"/ops/shipments/{sent['id']}/cancel")
    run_jobs(app)
    assert state_of(app, stuck["id"]) == "cancelled"
    assert state_of(app, sent["id"]) == "cancelled"
    assert ghn.find(sent["idempotency_key"])["status"] == "cancel"  # cancelled at GHN too
    entries = audit_entries(app, action="shipment.cancel")
    assert [(e["target_id"], e["result"]) for e in entries] == [
        (str(stuck["id"]), "queued"),
        (str(sent["id"]), "queued"),
    ]
    again = _post(ops_client, f"/ops/shipments/{sent['id']}/cancel")
    assert "was not cancelled: it is Cancelled" in flashes(ops_client, again.location)


def test_pending_shipment_is_cancelled_at_once(app, client, services, seller, ops_client):
    shipment = only_shipment(place(app, client, seller))  # no job has run yet
    response = _post(ops_client, f"/ops/shipments/{shipment['id']}/cancel")
    assert f"Shipment {shipment['id']} is cancelled." in flashes(ops_client, response.location)
    run_jobs(app)
    assert state_of(app, shipment["id"]) == "cancelled"
    assert services["ghn"].parcel_counts() == {}


def test_fix_the_carrier_service_changes_what_is_sent(app, client, services, seller, ops_client):
    ghn = services["ghn"]
    shipment = outage_shipment(app, client, seller, ghn)
    page = page_of(ops_client.get(f"/ops/shipments/{shipment['id']}/fix"))
    values = page.form_values()
    assert "service" in values  # offered: shipments carry their own service now
    values["service"] = "5"  # GHN traditional delivery, for heavy parcels
    values["action"] = "save_retry"
    assert ops_client.post(f"/ops/shipments/{shipment['id']}/fix", data=values).status_code == 302
    run_jobs(app)
    [parcel] = ghn.parcels
    assert parcel["body"]["service_type_id"] == 5
    [fix] = audit_entries(app, action="shipment.fix")
    assert fix["details"]["service"][1] == "5"

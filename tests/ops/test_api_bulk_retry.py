"""Scripts retry by filter through the API: a job id to follow, the same safe path as the pages."""

from __future__ import annotations

from tests.conftest import bearer
from tests.fulfilment.support import run_jobs
from tests.ops.support import audit_entries, outage_shipment, state_of, unserved_ward_shipment


def test_retry_by_filter_answers_a_job_to_follow(app, client, services, seller, ops_token):
    ghn = services["ghn"]
    outages = [outage_shipment(app, client, seller, ghn) for _ in range(2)]
    stuck = unserved_ward_shipment(app, client, seller)  # another reason: left alone

    started = client.post(
        "/api/v1/shipments/retry",
        json={"filter": {"reason": "server_error"}},
        headers=bearer(ops_token),
    )
    assert started.status_code == 202, started.json
    assert started.json["count"] == 2
    job_id = started.json["job_id"]
    queued = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(ops_token))
    assert queued.status_code == 200 and queued.json["status"] == "queued"

    run_jobs(app)
    done = client.get(f"/api/v1/jobs/{job_id}", headers=bearer(ops_token)).json
    assert done["status"] == "finished"
    assert done["progress"]["done"] == 2 and done["progress"]["ok"] == 2
    assert all(state_of(app, s["id"]) == "submitted" for s in outages)
    assert state_of(app, stuck["id"]) == "needs_attention"
    assert ghn.parcel_counts() and set(ghn.parcel_counts().values()) == {1}
    assert audit_entries(app, action="shipment.retry_bulk")


def test_retry_needs_ids_or_a_filter_not_both(client, ops_token):
    neither = client.post("/api/v1/shipments/retry", json={}, headers=bearer(ops_token))
    both = client.post(
        "/api/v1/shipments/retry", json={"ids": [1], "filter": {}}, headers=bearer(ops_token)
    )
    bad_state = client.post(
        "/api/v1/shipments/retry", json={"filter": {"state": ["lost"]}}, headers=bearer(ops_token)
    )
    assert neither.status_code == both.status_code == bad_state.status_code == 422
    assert "filter" in bad_state.json["error"]["fields"]
    assert client.get("/api/v1/jobs/nope", headers=bearer(ops_token)).status_code == 404

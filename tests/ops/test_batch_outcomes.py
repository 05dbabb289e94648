"""A batch retry's job page says what became of each shipment, not only "queued"."""

from __future__ import annotations

import json

from simulators.base import Fault
from tests.ops.conftest import csrf_of, page_of
from tests.ops.support import GHN_CREATE, outage_shipment, run_jobs, state_of

WARD_REFUSED = {
    "code": 400,
    "message": "Phường/xã giao hàng chưa được hỗ trợ",
    "code_message": "WARD_NOT_SUPPORTED",
    "data": None,
}


def outcome_rows(page) -> dict[int, dict]:
    rows = {}
    table = page.by_id("outcomes")
    for row in (n for n in table.walk() if n.tag == "tr" and "data-shipment" in n.attrs):
        rows[int(row.attrs["data-shipment"])] = {
            "outcome": row.attrs["data-outcome"],
            "text": row.text(),
        }
    return rows


def test_job_page_shows_each_shipment_sent_failed_with_reason_or_skipped_and_why(
    app, client, services, seller, ops_client
):
    ghn = services["ghn"]
    shipments = [outage_shipment(app, client, seller, ghn) for _ in range(3)]
    ids = [s["id"] for s in shipments]

    confirm = page_of(ops_client.get("/ops/shipments/retry-matching?reason=server_error"))
    response = ops_client.post("/ops/shipments/retry-matching", data=confirm.form_values())
    assert response.status_code == 302
    job_url = response.location

    # Between the confirmation and the job: another ops retries one on its own, and GHN
    # will refuse the next two addresses it is sent (that one's, then one of the batch's).
    retried = ops_client.post(
        f"/ops/shipments/{ids[0]}/retry", data={"csrf_token": csrf_of(ops_client)}
    )
    assert retried.status_code == 302
    assert state_of(app, ids[0]) == "pending"
    refusal = Fault(kind="status", status=400, body=json.dumps(WARD_REFUSED), path=GHN_CREATE)
    ghn.inject(refusal, times=2)

    waiting = outcome_rows(page_of(ops_client.get(job_url)))
    assert {row["outcome"] for row in waiting.values()} == {"waiting"}

    run_jobs(app)
    page = page_of(ops_client.get(job_url))
    rows = outcome_rows(page)
    assert set(rows) == set(ids)
    assert rows[ids[0]]["outcome"] == "skipped"
    assert "It was Pending" in rows[ids[0]]["text"]
    outcomes = sorted(rows[i]["outcome"] for i in ids[1:])
    assert outcomes == ["failed", "sent"]
    [failed] = [rows[i] for i in ids[1:] if rows[i]["outcome"] == "failed"]
    assert "address_rejected" in failed["text"]
    assert "Phường/xã giao hàng chưa được hỗ trợ" in failed["text"]
    counts = page.by_id("outcome-counts").text()
    assert "Sent: 1" in counts and "Skipped: 1" in counts and "Failed, needs a person: 1" in counts
    assert 'http-equiv="refresh"' not in page.html  # every outcome is known

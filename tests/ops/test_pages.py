"""The ops pages render what ops need: a shipment's story, FX health, jobs, the audit log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import bearer
from tests.ops.conftest import csrf_of, flashes, page_of
from tests.ops.support import (
    audit_entries,
    only_shipment,
    outage_shipment,
    place,
    run_jobs,
    unserved_ward_shipment,
)


def test_shipment_page_tells_the_whole_story(app, client, services, seller, ops_client):
    shipment = unserved_ward_shipment(app, client, seller)
    page = page_of(ops_client.get(f"/ops/shipments/{shipment['id']}"))
    text = page.root.text()
    # Why, in the carrier's words (with the buyer's data masked), and what to do.
    assert "address_rejected" in page.by_id("h-error").parent.text()
    assert "Phường/xã giao hàng chưa được hỗ trợ" in text
    assert page.by_id("retry") is not None and page.by_id("fix") is not None
    assert page.by_id("cancel") is not None
    # The request summary: the buyer masked, the parcel, the items.
    request = page.by_id("h-request").parent.text()
    assert "N***** V** A*" in request and "+84******567" in request
    assert "Nguyễn Văn An" not in page.html and "0901" not in page.html
    assert "13200 g" in request and "TS180-WHT-M" in request
    # Attempts, history and the job that ran it.
    attempts = page.by_id("h-attempts").parent.text()
    assert "Failed, needs a person" in attempts
    history = page.by_id("h-history").parent.text()
    assert "address_rejected" in history
    jobs = page.by_id("h-jobs").parent.text()
    assert f"ship-{shipment['id']}-0" in jobs and "Finished" in jobs


def test_shipment_page_links_the_label_and_serves_it_safely(
    app, client, services, seller, ops_client
):
    shipment = only_shipment(place(app, client, seller))
    run_jobs(app)
    page = page_of(ops_client.get(f"/ops/shipments/{shipment['id']}"))
    links = [
        n.attrs["href"]
        for n in page.all(lambda n: n.tag == "a" and "/documents/" in n.attrs.get("href", ""))
    ]
    assert links == [f"/ops/shipments/{shipment['id']}/documents/label"]
    label = ops_client.get(links[0])
    assert label.status_code == 200
    assert label.headers["Content-Security-Policy"].startswith("sandbox")
    assert label.headers["Content-Disposition"].startswith("attachment")
    assert page.by_id("retry") is None  # at the carrier: nothing to retry
    assert ops_client.get(f"/ops/shipments/{shipment['id']}/documents/receipt").status_code == 404
    assert ops_client.get("/ops/shipments/999999").status_code == 404


def test_fx_page_shows_rates_with_source_and_age_and_provider_health(app, ops_client, rates):
    from connector.extensions import db
    from connector.fx.store import record_failure

    with app.app_context():
        record_failure("nbk", "timeout", "no answer in 10 s")
        db.session.commit()
    page = page_of(ops_client.get("/ops/fx"))
    markets = page.by_id("h-markets").parent.text()
    assert "VN" in markets and "CNY/VND" in markets and "KZ" in markets
    providers = page.by_id("h-providers").parent.text()
    assert "nbk" in providers and "failing" in providers and "timeout" in providers


def test_manual_rate_is_set_repriced_and_audited(app, ops_client, rates):
    from rq.job import Job

    from connector.services import get_queue

    response = ops_client.post(
        "/ops/fx/rates",
        data={
            "csrf_token": csrf_of(ops_client),
            "base": "cny",
            "quote": "VND",
            "rate": "3 512.25",
            "note": "bank fixing",
        },
    )
    assert response.status_code == 302
    shown = flashes(ops_client, response.location)
    assert "1 CNY = 3512.25 VND is set" in shown and "VN" in shown
    page = page_of(ops_client.get("/ops/fx"))
    assert "manual" in page.by_id("h-markets").parent.text()
    assert "bank fixing" in page.by_id("h-manual").parent.text()
    with app.app_context():
        assert Job.fetch("reprice-VN", connection=get_queue().connection) is not None
    [entry] = audit_entries(app, action="fx.manual_rate")
    assert entry["details"]["pair"] == "CNY/VND"
    assert Decimal(entry["details"]["rate"]) == Decimal("3512.25")
    assert "VN" in entry["details"]["repriced_markets"]


def test_manual_rate_errors_sit_beside_their_fields(app, ops_client):
    response = ops_client.post(
        "/ops/fx/rates",
        data={"csrf_token": csrf_of(ops_client), "base": "CNY", "quote": "CNY", "rate": "-1"},
    )
    assert response.status_code == 422
    page = page_of(response)
    assert "two different currencies" in page.error_beside("quote")
    assert "positive number" in page.error_beside("rate")
    assert audit_entries(app, action="fx.manual_rate") == []


def test_manual_rate_with_an_exponent_is_refused_beside_the_rate(app, ops_client):
    response = ops_client.post(
        "/ops/fx/rates",
        data={"csrf_token": csrf_of(ops_client), "base": "CNY", "quote": "VND", "rate": "3.5e3"},
    )
    assert response.status_code == 422
    assert "without an exponent" in page_of(response).error_beside("rate")
    assert audit_entries(app, action="fx.manual_rate") == []


def test_manual_rate_note_with_control_characters_is_refused_beside_it(app, ops_client):
    response = ops_client.post(
        "/ops/fx/rates",
        data={
            "csrf_token": csrf_of(ops_client),
            "base": "CNY",
            "quote": "VND",
            "rate": "3500",
            "note": "bank\x00fixing",
        },
    )
    assert response.status_code == 422
    assert "control characters" in page_of(response).error_beside("note")
    assert audit_entries(app, action="fx.manual_rate") == []


@pytest.mark.parametrize("url", ["/ops/shipments?q=²", "/ops/shipments?q=99999999999999999999"])
def test_board_search_for_something_that_is_not_an_id_finds_nothing(ops_client, url):
    response = ops_client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/ops/shipments", "/ops/audit"])
@pytest.mark.parametrize("page", ["²", "99999999999999999999"])
def test_a_page_that_is_not_a_page_number_is_a_404(ops_client, url, page):
    assert ops_client.get(url, query_string={"page": page}).status_code == 404


@pytest.mark.parametrize("ids", ["²,1", "1,99999999999999999999"])
def test_board_ids_that_are_not_ids_are_a_filter_problem(ops_client, ids):
    response = ops_client.get("/ops/shipments", query_string={"ids": ids})
    assert response.status_code == 400
    assert "is not a shipment id" in response.get_data(as_text=True)


def test_jobs_page_shows_queues_failed_jobs_and_workers(app, ops_client):
    from rq import SimpleWorker

    from connector.services import get_queue, get_redis

    with app.app_context():
        queue = get_queue()
        queue.enqueue("builtins.int", "not a number", job_id="doomed")
        SimpleWorker([queue], connection=get_redis()).work(burst=True, logging_level="ERROR")
        queue.enqueue("builtins.len", "waiting", job_id="waiting-job")
    page = page_of(ops_client.get("/ops/jobs"))
    queues = page.by_id("h-queues").parent.text()
    assert "default" in queues
    failed = page.by_id("h-failed").parent.text()
    assert "doomed" in failed and "ValueError" in failed
    job = page_of(ops_client.get("/ops/jobs/doomed"))
    assert "Failed" in job.root.text() and "ValueError" in job.root.text()
    assert ops_client.get("/ops/jobs/no-such-job").status_code == 404
    assert ops_client.get("/ops/jobs/bad%20id").status_code == 404


def test_rq_dashboard_is_mounted_behind_the_ops_login(app, ops_client):
    from connector.services import get_queue

    with app.app_context():
        get_queue().enqueue("builtins.len", "x", job_id="visible-job")
    home = ops_client.get("/ops/rq/")
    assert home.status_code == 200
    assert "RQ dashboard" in home.get_data(as_text=True)
    assert "_csrf_token" in home.headers.get("Set-Cookie", "")
    queues = ops_client.get("/ops/rq/0/data/queues.json")
    assert queues.status_code == 200
    assert [q["name"] for q in queues.json["queues"]] == ["default"]
    assert queues.json["queues"][0]["count"] >= 1
    jobs = ops_client.get("/ops/rq/0/data/jobs/default/queued/50/asc/1.json")
    assert jobs.status_code == 200
    assert "visible-job" in [job["id"] for job in jobs.json["jobs"]]


def test_rq_dashboard_actions_need_the_csrf_header_and_are_audited(app, ops_client):
    from rq.job import Job

    from connector.services import get_queue

    with app.app_context():
        get_queue().enqueue("builtins.len", "x", job_id="to-delete")
    ops_client.get("/ops/rq/")
    cookie = ops_client.get_cookie("_csrf_token", path="/ops/rq")
    assert cookie is not None
    assert ops_client.post("/ops/rq/job/to-delete/delete").status_code == 400
    deleted = ops_client.post("/ops/rq/job/to-delete/delete", headers={"X-CSRFToken": cookie.value})
    assert deleted.status_code == 200
    with app.app_context():
        assert Job.exists("to-delete", connection=get_queue().connection) is False
    [entry] = audit_entries(app, action="rq.delete_job")
    assert entry["target_id"] == "to-delete" and entry["result"] == "ok"


def test_audit_page_and_api_list_what_ops_did(app, client, services, seller, ops_client, demo):
    shipment = outage_shipment(app, client, seller, services["ghn"])
    done = only_shipment(place(app, client, seller))
    run_jobs(app)
    for target in (shipment, done):
        ops_client.post(
            f"/ops/shipments/{target['id']}/retry", data={"csrf_token": csrf_of(ops_client)}
        )

    page = page_of(ops_client.get("/ops/audit?action=shipment"))
    rows = page.all(lambda n: n.tag == "tr" and n.parent.tag == "tbody")
    assert len(rows) == 2
    assert "Refused" in rows[0].text() and "Done" in rows[1].text()  # newest first

    token = demo["tokens"]["ops"]
    everything = client.get("/api/v1/audit/", headers=bearer(token)).json
    assert everything["total"] == 2
    newest = everything["items"][0]
    assert newest["action"] == "shipment.retry" and newest["result"] == "refused"
    assert newest["actor"] == "ops@demo.example" and newest["role"] == "ops"
    assert newest["target_id"] == str(done["id"])
    refused = client.get("/api/v1/audit/?result=refused", headers=bearer(token)).json
    assert [i["target_id"] for i in refused["items"]] == [str(done["id"])]
    by_target = client.get(
        f"/api/v1/audit/?target_type=shipment&target_id={shipment['id']}", headers=bearer(token)
    ).json
    assert by_target["total"] == 1 and by_target["items"][0]["result"] == "ok"
    paged = client.get("/api/v1/audit/?limit=1&offset=1", headers=bearer(token)).json
    assert paged["total"] == 2 and len(paged["items"]) == 1
    bad = client.get("/api/v1/audit/?result=maybe", headers=bearer(token))
    assert bad.status_code == 422 and "result" in bad.json["error"]["fields"]
    later = client.get("/api/v1/audit/?since=2999-01-01T00:00:00Z", headers=bearer(token)).json
    assert later["total"] == 0

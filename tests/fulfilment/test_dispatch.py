"""Exactly one parcel per shipment, whatever the services and the workers do."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.conftest import bearer
from tests.fulfilment.support import (
    place,
    requests_to,
    run_jobs,
    shipment_json,
    shipment_row,
)

CREATE = "/shipping-order/create"


def _only_shipment(order: dict) -> dict:
    [shipment] = order["shipments"]
    return shipment


def test_timeout_after_the_carrier_acted_is_reconciled_not_sent_again(
    app, client, services, seller
):
    ghn = services["ghn"]
    ghn.act_then_time_out(seconds=2.5, path="/shiip/public-api/v2/shipping-order/create")
    shipment = _only_shipment(place(app, client, seller))
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert row["attempts"] == [
        {"number": 1, "outcome": "transient", "error_code": "timeout", "reconciled": False},
        {"number": 2, "outcome": "found", "error_code": None, "reconciled": True},
    ]
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}
    assert requests_to(ghn, CREATE) == 1  # the second attempt only looked it up
    assert row["tracking_number"] == ghn.find(shipment["idempotency_key"])["order_code"]


def test_connection_dropped_after_the_warehouse_acted_is_reconciled(app, client, services, seller):
    warehouse = services["consolidation"]
    warehouse.act_then_drop(path="/v1/inbound-notes")
    shipment = _only_shipment(place(app, client, seller, mode="fully_managed"))
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert [a["outcome"] for a in row["attempts"]] == ["transient", "found"]
    assert row["attempts"][0]["error_code"] == "connection_dropped"
    assert warehouse.parcel_counts() == {shipment["idempotency_key"]: 1}


def test_connection_dropped_after_sending_says_so_and_is_looked_up_first(
    app, client, services, seller
):
    from connector.orders.dispatch import dispatch

    ghn = services["ghn"]
    ghn.act_then_drop(path="/shiip/public-api/v2/shipping-order/create")
    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        assert dispatch(shipment["id"]).outcome == "retrying"
    row = shipment_row(app, shipment["id"])
    assert row["last_error_code"] == "connection_dropped"
    assert "may have acted" in row["last_error_message"]
    # The message keeps the address ops need (no more "http://***:18081").
    assert f"{ghn.url}/shiip/public-api/v2/shipping-order/create" in row["last_error_message"]
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert row["attempts"][1] == {
        "number": 2,
        "outcome": "found",
        "error_code": None,
        "reconciled": True,
    }
    assert requests_to(ghn, CREATE) == 1 and ghn.parcel_counts()[shipment["idempotency_key"]] == 1


def test_carrier_unreachable_is_retried_and_named_by_its_address(app, client, services, seller):
    from connector.orders.dispatch import dispatch
    from simulators.ghn import GhnSimulator

    with GhnSimulator() as stopped:
        closed = stopped.url
    app.config["SHIPPING_ADAPTERS"]["ghn"]["url"] = closed
    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        assert dispatch(shipment["id"]).outcome == "retrying"
    row = shipment_row(app, shipment["id"])
    assert row["last_error_code"] == "connection_failed"
    assert f"could not connect to {closed}/shiip/" in row["last_error_message"]
    assert "nothing was sent" in row["last_error_message"]


def test_server_errors_retry_until_the_carrier_answers(app, client, services, seller):
    ghn = services["ghn"]
    ghn.fail(503, times=2, path="/shiip/public-api/v2/shipping-order")
    shipment = _only_shipment(place(app, client, seller))
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    # Attempt 2 looked the key up first (a 503 is not proof that nothing happened).
    assert [a["error_code"] for a in row["attempts"]] == ["server_error", "server_error", None]
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}


def test_rate_limit_waits_as_long_as_retry_after_says(app, client, services, seller):
    from connector.models.types import utcnow
    from connector.orders.dispatch import dispatch

    services["ghn"].slow_down(retry_after=7, path="/shiip/public-api/v2/shipping-order")
    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        result = dispatch(shipment["id"])
        assert result.outcome == "retrying" and result.retry_in == 7
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "retrying" and row["last_error_code"] == "rate_limited"
    wait = (row["next_attempt_at"] - utcnow()).total_seconds()
    assert 5 < wait <= 7
    with app.app_context():
        assert dispatch(shipment["id"]).outcome == "not_claimed"  # not due yet


def test_unserved_ward_needs_attention_with_a_reason_code(app, client, services, seller):
    from tests.fulfilment.support import fixture

    ship_to = {**fixture("ship_to_vn.json"), "ward": "Đảo Song Tử Tây"}
    shipment = _only_shipment(place(app, client, seller, ship_to=ship_to))
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "needs_attention"
    assert detail["last_error"]["code"] == "address_rejected"
    assert detail["attempts"] == 1  # permanent: no retry
    assert services["ghn"].parcel_counts() == {}


def test_cdek_invalid_order_needs_attention(app, client, services, seller):
    from tests.fulfilment.support import fixture

    ship_to = {**fixture("ship_to_kz.json"), "city": "Байконур"}
    shipment = _only_shipment(place(app, client, seller, market="KZ", quantity=12, ship_to=ship_to))
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "needs_attention"
    assert detail["last_error"]["code"] == "address_rejected"
    assert "v2_recipient_location_not_recognized" in detail["last_error"]["message"]
    assert services["cdek"].parcel_counts() == {}


def test_retries_spent_need_attention(app, client, services, seller):
    services["ghn"].fail(500, times=50, path="/shiip/public-api/v2/shipping-order")
    shipment = _only_shipment(place(app, client, seller))
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "needs_attention"
    assert detail["attempts"] == 5
    assert detail["last_error"]["code"] == "server_error"
    assert detail["last_error"]["message"].startswith("gave up after 5 attempts")


def test_duplicate_reference_is_answered_by_a_lookup(app, client, services, seller):
    """The service already has our key (an earlier deployment's lost answer): use it."""
    from adapters.carriers.ghn import GhnAdapter
    from connector.extensions import db
    from connector.models import Shipment
    from connector.orders.parcel import shipment_request

    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        request, _ = shipment_request(db.session.get(Shipment, shipment["id"]))
        GhnAdapter.from_settings(app.config["SHIPPING_ADAPTERS"]["ghn"]).create(request)
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert row["attempts"] == [
        {"number": 1, "outcome": "found", "error_code": None, "reconciled": False}
    ]
    assert services["ghn"].duplicates_refused == 1
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


@pytest.mark.both_databases
def test_workers_racing_on_one_shipment_make_one_attempt(app, client, services, seller):
    from connector.orders.dispatch import dispatch

    services["ghn"].inject(
        __import__("simulators.base", fromlist=["Fault"]).Fault(kind="timeout", seconds=0.3)
    )
    shipment = _only_shipment(place(app, client, seller))
    start = threading.Barrier(6)
    outcomes = []

    def worker():
        with app.app_context():
            start.wait()
            outcomes.append(dispatch(shipment["id"]).outcome)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["not_claimed"] * 5 + ["submitted"]
    row = shipment_row(app, shipment["id"])
    assert len(row["attempts"]) == 1
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


def test_a_job_run_twice_sends_once(app, client, services, seller):
    from connector.extensions import db
    from connector.models import Shipment
    from connector.orders.queueing import enqueue_dispatch

    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        row = db.session.get(Shipment, shipment["id"])
        enqueue_dispatch(row)
        enqueue_dispatch(row, delay=None)
    run_jobs(app)
    assert len(shipment_row(app, shipment["id"])["attempts"]) == 1
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


def test_worker_killed_mid_call_is_found_by_the_sweep_and_reconciled(app, client, services, seller):
    """A worker claimed the shipment, the carrier created the parcel, the worker died."""
    from connector.extensions import db
    from connector.models import Shipment
    from connector.models.types import utcnow
    from connector.orders.adapters import build_adapter
    from connector.orders.dispatch import claim
    from connector.orders.parcel import shipment_request
    from jobs.shipments import sweep_shipments

    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        from connector.services import get_queue

        get_queue().empty()  # the job the API enqueued was taken by the dead worker
        assert claim(shipment["id"]) is not None
        request, _ = shipment_request(db.session.get(Shipment, shipment["id"]))
        build_adapter("ghn").create(request)
        # ... and nothing more: killed. Before its lease runs out nobody touches it.
        assert sweep_shipments()["stale"] == 0
        db.session.execute(
            update(Shipment)
            .where(Shipment.id == shipment["id"])
            .values(lease_expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
        assert sweep_shipments()["stale"] == 1
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert [(a["outcome"], a["reconciled"]) for a in row["attempts"]] == [
        ("abandoned", False),
        ("found", True),
    ]
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


def test_retry_due_while_the_scheduler_is_gone_is_sent_by_the_sweep(app, client, services, seller):
    """The worker holding RQ's scheduler died: a due retry is found in the database."""
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry

    from connector.extensions import db
    from connector.models import Shipment
    from connector.models.types import utcnow
    from connector.services import get_queue, get_redis
    from jobs.shipments import sweep_shipments

    app.config["FULFILMENT"] = {**app.config["FULFILMENT"], "backoff_seconds": 60}
    services["ghn"].fail(503, times=1, path="/shiip/public-api/v2/shipping-order")
    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        queue = get_queue()
        scheduled = ScheduledJobRegistry(queue=queue)
        # A worker without a scheduler: the first attempt fails, its retry is scheduled...
        SimpleWorker([queue], connection=get_redis()).work(burst=True, logging_level="WARNING")
        assert shipment_row(app, shipment["id"])["state"] == "retrying"
        assert len(scheduled.get_job_ids()) == 1
        # ... and its time passes with no scheduler to move it to the queue.
        db.session.execute(
            update(Shipment).values(next_attempt_at=utcnow() - timedelta(seconds=10))
        )
        db.session.commit()
        assert sweep_shipments()["dispatch"] == 1
        assert scheduled.get_job_ids() == []  # a scheduler coming back has nothing to re-run
        assert sweep_shipments()["dispatch"] == 0  # its job is queued now
        SimpleWorker([queue], connection=get_redis()).work(burst=True, logging_level="WARNING")
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted"
    assert [a["error_code"] for a in row["attempts"]] == ["server_error", None]
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


def test_ops_retry_after_giving_up_finds_the_parcel_instead_of_sending_again(
    app, client, services, seller, ops_token
):
    app.config["FULFILMENT"]["max_attempts"] = 1
    ghn = services["ghn"]
    ghn.act_then_time_out(seconds=2.5, path="/shiip/public-api/v2/shipping-order/create")
    shipment = _only_shipment(place(app, client, seller))
    run_jobs(app)
    assert shipment_json(client, ops_token, shipment["id"])["state"] == "needs_attention"
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}  # it did act

    url = f"/api/v1/shipments/{shipment['id']}/retry"
    assert client.post(url, headers=bearer(seller["token"])).status_code == 403
    response = client.post(url, headers=bearer(ops_token))
    assert response.status_code == 202, response.json
    assert response.json["state"] == "pending"
    run_jobs(app)
    detail = shipment_json(client, ops_token, shipment["id"])
    assert detail["state"] == "submitted" and detail["tracking_number"]
    assert [a["outcome"] for a in detail["attempt_log"]] == ["permanent", "found"]
    assert ("ops", "retry") in {(e["source"], e["code"]) for e in detail["events"]}
    assert next(e for e in detail["events"] if e["code"] == "retry")["actor"] == (
        "ops:ops@demo.example"
    )
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}
    again = client.post(url, headers=bearer(ops_token))
    assert again.status_code == 409 and again.json["error"]["code"] == "not_retryable"


def test_ops_retry_many_answers_per_shipment(app, client, services, seller, ops_token):
    from tests.fulfilment.support import fixture

    bad = {**fixture("ship_to_vn.json"), "ward": "Đảo Song Tử Tây"}
    stuck = _only_shipment(place(app, client, seller, ship_to=bad))
    fine = _only_shipment(place(app, client, seller))
    run_jobs(app)
    response = client.post(
        "/api/v1/shipments/retry",
        json={"ids": [stuck["id"], fine["id"], 999999]},
        headers=bearer(ops_token),
    )
    assert response.status_code == 200
    results = {r["id"]: r for r in response.json["results"]}
    assert results[stuck["id"]]["ok"] and results[stuck["id"]]["state"] == "pending"
    assert not results[fine["id"]]["ok"] and results[fine["id"]]["state"] == "submitted"
    assert results[999999] == {
        "id": 999999,
        "ok": False,
        "state": "missing",
        "message": "A missing shipment cannot be retried.",
    }


def test_retry_shipment_service_is_the_ops_entry_point(app, client, services, seller):
    from connector.orders.shipment_actions import NotAllowed, retry_shipment

    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        with pytest.raises(NotAllowed):
            retry_shipment(shipment["id"], "ops:console")  # pending: nothing to retry


def test_cdek_token_expiry_is_refreshed_once(app, client, services, seller):
    cdek = services["cdek"]
    first = _only_shipment(place(app, client, seller, market="KZ", quantity=12))
    run_jobs(app)
    cdek.expire_tokens()
    second = _only_shipment(place(app, client, seller, market="KZ", quantity=12))
    run_jobs(app)
    for shipment in (first, second):
        row = shipment_row(app, shipment["id"])
        assert row["state"] == "submitted"
        assert len(row["attempts"]) == 1
    assert cdek.tokens_issued == 2  # cached in Redis between jobs, refreshed after the 401


def test_cdek_slow_validation_keeps_the_uuid_and_polls_it_later(app, client, services, seller):
    cdek = services["cdek"]
    cdek.processing_delay = 60
    try:
        shipment = _only_shipment(place(app, client, seller, market="KZ", quantity=12))
        from connector.orders.dispatch import dispatch

        with app.app_context():
            assert dispatch(shipment["id"]).outcome == "retrying"
        row = shipment_row(app, shipment["id"])
        assert row["last_error_code"] == "awaiting_service"
        assert row["external_ref"] in cdek.orders
    finally:
        cdek.processing_delay = 0
    for order in cdek.orders.values():
        order["resolve_at"] = 0
    run_jobs(app)
    row = shipment_row(app, shipment["id"])
    assert row["state"] == "submitted" and row["tracking_number"]
    assert requests_to(cdek, "/v2/orders", "POST") == 1
    assert cdek.parcel_counts() == {shipment["idempotency_key"]: 1}


def test_cancel_before_sending_is_immediate(app, client, services, seller):
    shipment = _only_shipment(place(app, client, seller))
    url = f"/api/v1/shipments/{shipment['id']}/cancel"
    response = client.post(url, headers=bearer(seller["token"]))
    assert response.status_code == 202 and response.json["state"] == "cancelled"
    run_jobs(app)
    assert services["ghn"].parcel_counts() == {}
    assert client.post(url, headers=bearer(seller["token"])).status_code == 409


def test_cancel_after_sending_cancels_at_the_carrier(app, client, services, seller, ops_token):
    ghn = services["ghn"]
    first = _only_shipment(place(app, client, seller))
    second = _only_shipment(place(app, client, seller))
    run_jobs(app)
    ghn.advance(second["idempotency_key"], "picked")
    for shipment in (first, second):
        response = client.post(
            f"/api/v1/shipments/{shipment['id']}/cancel", headers=bearer(ops_token)
        )
        assert response.status_code == 202 and response.json["cancel_requested"]
    run_jobs(app)
    assert shipment_json(client, ops_token, first["id"])["state"] == "cancelled"
    assert ghn.find(first["idempotency_key"])["status"] == "cancel"
    refused = shipment_json(client, ops_token, second["id"])
    assert refused["state"] == "submitted" and not refused["cancel_requested"]
    assert "cancel_refused" in [e["code"] for e in refused["events"]]


def test_order_survives_redis_being_down_and_the_sweep_sends_it(app, client, services, seller):
    from jobs.shipments import sweep_shipments

    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("redis", None)
    shipment = _only_shipment(place(app, client, seller))  # the enqueue fails; 202 all the same
    app.config["REDIS_URL"] = app.config["TEST_REDIS_URL"]
    app.extensions.pop("redis", None)
    from connector.extensions import db
    from connector.models import Shipment
    from connector.models.types import utcnow

    with app.app_context():
        # Past the sweep's grace period for fresh shipments.
        db.session.execute(update(Shipment).values(updated_at=utcnow() - timedelta(seconds=60)))
        db.session.commit()
        assert sweep_shipments()["dispatch"] == 1
        assert sweep_shipments()["dispatch"] == 0  # its job is queued now
    run_jobs(app)
    assert shipment_row(app, shipment["id"])["state"] == "submitted"
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}


def test_labels_missed_at_dispatch_are_fetched_later(app, client, services, seller):
    from jobs.shipments import sweep_shipments

    services["ghn"].fail(502, times=1, path="/shiip/public-api/v2/a5/gen-token")
    shipment = _only_shipment(place(app, client, seller))
    with app.app_context():
        from connector.orders.dispatch import dispatch

        assert dispatch(shipment["id"]).outcome == "submitted"
    assert not shipment_row(app, shipment["id"])["documents_ready"]
    from connector.extensions import db
    from connector.models import Shipment
    from connector.models.types import utcnow

    with app.app_context():
        db.session.execute(update(Shipment).values(updated_at=utcnow() - timedelta(seconds=60)))
        db.session.commit()
        assert sweep_shipments()["documents"] == 1
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert [d["kind"] for d in detail["documents"]] == ["label"]


def test_command_line_sweep(app, runner, services, seller, client):
    shipment = _only_shipment(place(app, client, seller))
    from connector.services import get_queue

    with app.app_context():
        get_queue().empty()  # as if Redis lost the job
        from connector.extensions import db
        from connector.models import Shipment
        from connector.models.types import utcnow

        db.session.execute(update(Shipment).values(updated_at=utcnow() - timedelta(seconds=60)))
        db.session.commit()
    result = runner.invoke(args=["shipments", "sweep"])
    assert result.exit_code == 0 and "'dispatch': 1" in result.output, result.output
    run_jobs(app)
    assert shipment_row(app, shipment["id"])["state"] == "submitted"

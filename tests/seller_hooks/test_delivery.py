"""Delivery: retried on a one-day schedule, every attempt logged, the same webhook-id each
time; an endpoint failing for a day is disabled with a notice; sellers resend."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest

from tests.conftest import bearer
from tests.seller_hooks.support import (
    add_endpoint,
    deliveries,
    delivery,
    refused_order,
    run_jobs,
    run_next_retry,
)
from tests.web.conftest import sign_in
from tests.web.pages import Page


def _seconds_between(attempts: list[dict]) -> list[int]:
    times = [datetime.fromisoformat(a["started_at"]) for a in attempts]
    return [int((b - a).total_seconds()) for a, b in pairwise(times)]


@pytest.mark.both_databases
def test_receiver_failures_are_retried_with_the_same_webhook_id_until_it_answers(
    database_url, app, client, seller, receiver, clock
):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    receiver.plan = [(500, b"database is down", {}), "drop", (503, b"", {})]
    refused_order(client, seller["token"])
    run_jobs(app)
    while run_next_retry(app, clock):
        pass
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    assert listed["status"] == "delivered" and listed["attempt_count"] == 4
    detail = delivery(client, seller["token"], listed["id"])
    attempts = detail["attempts"]
    assert [a["status_code"] for a in attempts] == [500, None, 503, 204]
    assert attempts[0]["response_excerpt"] == "database is down"
    assert attempts[1]["error_code"] == "connection_failed"
    assert all(a["duration_ms"] >= 0 for a in attempts)
    assert _seconds_between(attempts) == [5, 300, 1800]
    assert {r.headers["webhook-id"] for r in receiver.received} == {detail["webhook_id"]}
    assert len({r.body for r in receiver.received}) == 1
    assert detail["payload"]["type"] == "order.refused"


def test_an_endpoint_failing_for_a_day_is_disabled_with_a_notice(
    app, client, seller, receiver, clock
):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    receiver.plan = [(500, b"", {})] * 20
    refused_order(client, seller["token"])
    run_jobs(app)
    while run_next_retry(app, clock):
        pass
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    attempts = delivery(client, seller["token"], listed["id"])["attempts"]
    # Immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and the rest of the day.
    assert _seconds_between(attempts) == [5, 300, 1800, 7200, 18000, 36000, 23095]
    assert sum(_seconds_between(attempts)) == 24 * 3600
    assert listed["status"] == "failed" and len(receiver.received) == 8

    shown = client.get(
        f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=bearer(seller["token"])
    ).json
    assert shown["enabled"] is False and shown["disabled_reason"] == "failing"
    assert "a day" in shown["notice"]
    sign_in(client, "hanoi@shop.example", "x-seller-pass")
    page = client.get("/account/webhooks/")
    assert shown["notice"] in page.get_data(as_text=True)

    # Nothing more goes to a disabled endpoint; enabling it clears the notice.
    refused_order(client, seller["token"])
    run_jobs(app)
    assert len(receiver.received) == 8
    enabled = client.patch(
        f"/api/v1/webhook-endpoints/{endpoint['id']}",
        json={"enabled": True},
        headers=bearer(seller["token"]),
    ).json
    assert enabled["enabled"] is True and enabled["notice"] is None


def test_a_day_of_failures_is_counted_across_deliveries_until_one_succeeds(
    app, client, seller, receiver, clock
):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    receiver.plan = [(500, b"", {})] * 3 + [204] + [(500, b"", {})] * 20
    refused_order(client, seller["token"])
    run_jobs(app)
    for _ in range(3):
        run_next_retry(app, clock)
    # Delivered on the 4th attempt: a later failure starts a new spell.
    clock.advance(20 * 3600)
    refused_order(client, seller["token"])
    run_jobs(app)
    shown = client.get(
        f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=bearer(seller["token"])
    ).json
    assert shown["enabled"] is True and shown["failing_since"] is not None


def test_a_410_gone_disables_the_endpoint_at_once(app, client, seller, receiver, clock):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    receiver.plan = [(410, b"", {})]
    refused_order(client, seller["token"])
    run_jobs(app)
    assert not run_next_retry(app, clock)
    shown = client.get(
        f"/api/v1/webhook-endpoints/{endpoint['id']}", headers=bearer(seller["token"])
    ).json
    assert shown["enabled"] is False and shown["disabled_reason"] == "gone"


def test_retry_after_from_the_receiver_is_respected(app, client, seller, receiver, clock):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    receiver.plan = [(429, b"slow down", {"Retry-After": "120"})]
    refused_order(client, seller["token"])
    run_jobs(app)
    run_next_retry(app, clock)
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    attempts = delivery(client, seller["token"], listed["id"])["attempts"]
    assert _seconds_between(attempts) == [120]
    assert listed["status"] == "delivered"


def test_seller_resends_a_delivery_with_the_same_webhook_id(app, client, seller, receiver):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    refused_order(client, seller["token"])
    run_jobs(app)
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    assert listed["status"] == "delivered"
    resent = client.post(
        f"/api/v1/webhook-deliveries/{listed['id']}/resend", headers=bearer(seller["token"])
    )
    assert resent.status_code == 202, resent.json
    run_jobs(app)
    detail = delivery(client, seller["token"], listed["id"])
    assert [a["resend"] for a in detail["attempts"]] == [False, True]
    assert detail["status"] == "delivered"
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == detail["webhook_id"]
    assert first.body == second.body


def test_resend_from_the_page(app, client, seller, receiver):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    refused_order(client, seller["token"])
    run_jobs(app)
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    sign_in(client, "hanoi@shop.example", "x-seller-pass")
    page = client.get(f"/account/webhooks/{endpoint['id']}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert listed["webhook_id"] in text and "order.refused" in text
    answer = client.post(
        f"/account/webhooks/deliveries/{listed['id']}/resend",
        data={"csrf_token": Page(text).csrf()},
    )
    assert answer.status_code == 302
    run_jobs(app)
    assert len(receiver.received) == 2


def test_a_delivery_whose_job_was_lost_is_sent_by_the_sweep(app, client, seller, receiver, clock):
    from redis import Redis

    add_endpoint(client, seller["token"], receiver.url)
    refused_order(client, seller["token"])
    Redis.from_url(app.config["REDIS_URL"]).flushdb()  # the job is gone
    run_jobs(app)
    assert receiver.received == []
    clock.advance(120)
    with app.app_context():
        from jobs.webhooks import sweep_webhook_deliveries

        assert sweep_webhook_deliveries() == 1
    run_jobs(app)
    assert len(receiver.received) == 1


def test_a_receiver_that_does_not_answer_in_time_is_retried(app, client, seller, receiver, clock):
    app.config["WEBHOOKS"] = {**app.config["WEBHOOKS"], "timeout": [1.0, 0.2]}
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    receiver.plan = [("slow", 1.0)]
    refused_order(client, seller["token"])
    run_jobs(app)
    run_next_retry(app, clock)
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    attempts = delivery(client, seller["token"], listed["id"])["attempts"]
    assert [(a["status_code"], a["error_code"]) for a in attempts] == [
        (None, "timeout"),
        (204, None),
    ]
    assert listed["status"] == "delivered"


def test_a_worker_dying_mid_send_loses_nothing_the_sweep_sends_it_again(
    app, client, seller, receiver, clock, monkeypatch
):
    from adapters.webhooks import client as webhook_client

    endpoint = add_endpoint(client, seller["token"], receiver.url)
    real_post = webhook_client.post

    def killed(*args, **kwargs):
        real_post(*args, **kwargs)  # it reached the receiver...
        raise RuntimeError("worker lost")  # ...and the job died before recording it

    monkeypatch.setattr(webhook_client, "post", killed)
    refused_order(client, seller["token"])
    run_jobs(app)
    monkeypatch.setattr(webhook_client, "post", real_post)
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    assert listed["status"] == "pending" and len(receiver.received) == 1
    with app.app_context():
        from jobs.webhooks import sweep_webhook_deliveries

        assert sweep_webhook_deliveries() == 0  # its lease still holds it
        clock.advance(app.config["WEBHOOKS"]["lease_seconds"] + 120)
        assert sweep_webhook_deliveries() == 1
    run_jobs(app)
    [listed] = deliveries(client, seller["token"], endpoint["id"])
    assert listed["status"] == "delivered"
    attempts = delivery(client, seller["token"], listed["id"])["attempts"]
    assert [(a["number"], a["error_code"], a["status_code"]) for a in attempts] == [
        (1, "worker_lost", None),
        (2, None, 204),
    ]
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]

"""rq-dashboard's actions on what is not there answer 404/409, never a server error."""

from __future__ import annotations

import pytest
from rq import Queue

from connector.services import get_queue


@pytest.fixture
def csrf_header(ops_client) -> dict:
    ops_client.get("/ops/rq/")
    cookie = ops_client.get_cookie("_csrf_token", path="/ops/rq")
    return {"X-CSRFToken": cookie.value}


def test_compacting_an_empty_queue_is_a_conflict(app, ops_client, csrf_header):
    with app.app_context():
        queue = Queue("emptied", connection=get_queue().connection)
        queue.enqueue("builtins.len", "x")
        queue.empty()
    response = ops_client.post("/ops/rq/queue/emptied/compact", headers=csrf_header)
    assert response.status_code == 409


def test_compacting_an_unknown_queue_is_not_found(ops_client, csrf_header):
    response = ops_client.post("/ops/rq/queue/no-such-queue/compact", headers=csrf_header)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/ops/rq/0/view/job/no-such-job"),
        ("GET", "/ops/rq/0/data/job/no-such-job.json"),
        ("POST", "/ops/rq/job/no-such-job/requeue"),
        ("POST", "/ops/rq/job/no-such-job/delete"),
    ],
)
def test_an_unknown_job_is_not_found(ops_client, csrf_header, method, url):
    response = ops_client.open(url, method=method, headers=csrf_header)
    assert response.status_code == 404

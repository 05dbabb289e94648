"""Helpers for the webhook tests: endpoints through the API, events, running the jobs."""

from __future__ import annotations

import uuid

from tests.conftest import bearer
from tests.fulfilment.support import fixture

ALL_EVENTS = [
    "offer.changed",
    "offer.withdrawn",
    "order.accepted",
    "order.refused",
    "shipment.updated",
]


def add_endpoint(client, token, url, events=None) -> dict:
    """Register an endpoint through the API; the answer (with its secret)."""
    response = client.post(
        "/api/v1/webhook-endpoints/",
        json={"url": url, "events": events or ALL_EVENTS},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.json
    return response.json


def refused_order(client, token, market="VN", reference=None) -> str:
    """Post an order for an offer that does not exist (refused at intake); its key."""
    key = uuid.uuid4().hex
    body = {
        "market": market,
        "reference": reference or f"shop-{key[:6]}",
        "lines": [{"offer_id": 987654, "sku": "NOPE", "quantity": 1}],
        "ship_to": fixture(f"ship_to_{market.lower()}.json"),
    }
    response = client.post(
        "/api/v1/orders/", json=body, headers={**bearer(token), "Idempotency-Key": key}
    )
    assert response.status_code in (403, 422), response.json
    return key


def run_jobs(app) -> None:
    """Run what is queued now (not what is scheduled for later)."""
    from rq import SimpleWorker

    from connector.services import get_queue, get_redis

    with app.app_context():
        SimpleWorker([get_queue()], connection=get_redis()).work(
            burst=True, logging_level="WARNING"
        )


def run_next_retry(app, clock) -> bool:
    """Move the clock to the earliest planned retry, release its jobs and run them;
    False when no delivery waits for a retry."""
    from rq.registry import ScheduledJobRegistry
    from sqlalchemy import func, select

    from connector.extensions import db
    from connector.models import WebhookDelivery
    from connector.services import get_queue

    with app.app_context():
        due = db.session.execute(
            select(func.min(WebhookDelivery.next_attempt_at)).where(
                WebhookDelivery.status == "pending"
            )
        ).scalar()
        db.session.rollback()
        if due is None:
            return False
        clock.now = max(clock.now, due)
        queue = get_queue()
        registry = ScheduledJobRegistry(queue=queue)
        for job_id in registry.get_job_ids():
            registry.remove(job_id)
            job = queue.fetch_job(job_id)
            if job is not None:
                queue.enqueue_job(job)
    run_jobs(app)
    return True


def deliveries(client, token, endpoint_id) -> list[dict]:
    response = client.get(
        f"/api/v1/webhook-endpoints/{endpoint_id}/deliveries", headers=bearer(token)
    )
    assert response.status_code == 200, response.json
    return response.json["items"]


def delivery(client, token, delivery_id) -> dict:
    response = client.get(f"/api/v1/webhook-deliveries/{delivery_id}", headers=bearer(token))
    assert response.status_code == 200, response.json
    return response.json

"""Starting the retry of every shipment of a filter, as a background job.

The filter is resolved to ids here, when ops confirm (the count they saw is
what is retried); the job (``jobs.ops.retry_shipments``, enqueued by name)
takes the ids, as jobs do, and reports its progress in ``job.meta``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import current_app

from connector.enqueue import enqueue
from connector.ops import audit
from connector.ops.audit import Actor
from connector.orders.shipment_filter import ShipmentFilter, retryable_ids

RETRY_JOB = "jobs.ops.retry_shipments"
# One job retries at most this many; a larger batch is a sign the filter is wrong.
MAX_BATCH = 10_000
JOB_PREFIX = "ops-retry-"


class QueueUnavailable(Exception):
    """Redis refused the job: nothing was retried."""


@dataclass(frozen=True)
class BulkStart:
    job_id: str | None
    count: int


def start_retry(flt: ShipmentFilter, actor: Actor) -> BulkStart:
    """Enqueue the retry of every retryable shipment matching ``flt``."""
    ids = retryable_ids(flt, limit=MAX_BATCH)
    if not ids:
        return BulkStart(None, 0)
    details = {"filter": flt.to_dict(), "count": len(ids)}
    job_id = enqueue(
        RETRY_JOB,
        ids,
        actor.to_dict(),
        flt.to_dict(),
        job_id=JOB_PREFIX + uuid.uuid4().hex[:16],
        job_timeout=max(300, len(ids)),
        result_ttl=7 * 86400,
        failure_ttl=7 * 86400,
        description=f"ops bulk retry of {len(ids)} shipments",
        meta={"total": len(ids), "done": 0, "ok": 0, "refused": 0, "kind": "bulk_retry"},
    )
    if job_id is None:
        # Unlike a shipment's own job, no sweep re-enqueues this one: ops must try again.
        audit.record(
            actor,
            "shipment.retry_bulk",
            "job",
            None,
            result="failed",
            details={**details, "error": "queue_unavailable"},
        )
        raise QueueUnavailable("the job queue is unavailable")
    audit.record(actor, "shipment.retry_bulk", "job", job_id, result="queued", details=details)
    current_app.logger.info(
        "job %s: bulk retry of %d shipments by %s", job_id, len(ids), actor.name
    )
    return BulkStart(job_id, len(ids))

"""The jobs a shipment waits for: their names, their ids, and enqueueing them.

Job ids follow the attempt they are for, ``ship-<id>-<attempt_count>``, so the
sweep can tell whether the job a shipment waits for still exists in Redis.
Jobs are named, not imported: ``jobs.shipments`` calls the services here.
"""

from __future__ import annotations

from connector.enqueue import enqueue
from connector.models import Shipment
from connector.orders.lease import settings

DISPATCH_JOB = "jobs.shipments.dispatch_shipment"
DOCUMENTS_JOB = "jobs.shipments.fetch_shipment_documents"
CANCEL_JOB = "jobs.shipments.cancel_shipment"
POLL_JOB = "jobs.shipments.poll_shipment"


def enqueue_shipment_job(
    job: str, shipment_id: int, job_id: str, delay: float | None = None
) -> str | None:
    """Enqueue (or schedule) a shipment job; None when Redis is down: the sweep catches up."""
    return enqueue(
        job,
        shipment_id,
        job_id=job_id,
        delay=delay,
        job_timeout=int(settings()["lease_seconds"]),
        result_ttl=3600,
        failure_ttl=7 * 86400,
        description=f"{job.rsplit('.', 1)[-1]}({shipment_id})",
    )


def dispatch_job_id(shipment: Shipment) -> str:
    return f"ship-{shipment.id}-{shipment.attempt_count}"


def enqueue_dispatch(shipment: Shipment, delay: float | None = None) -> str | None:
    """Enqueue the shipment's next attempt (after its row is committed)."""
    return enqueue_shipment_job(DISPATCH_JOB, shipment.id, dispatch_job_id(shipment), delay)


def enqueue_cancel(shipment: Shipment, delay: float | None = None) -> str | None:
    return enqueue_shipment_job(CANCEL_JOB, shipment.id, f"cancel-{shipment.id}", delay)

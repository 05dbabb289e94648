"""The periodic sweeps of shipments: the database says what is owed, Redis what is queued.

Job ids follow the attempt they are for, so the sweep can tell whether the job
a shipment waits for still exists in Redis: if Redis lost it (restart, outage
at enqueue time) or a worker died holding it, the sweep enqueues it again, by
name (``connector.orders.queueing``). ``jobs.shipments`` runs these on a clock;
``flask shipments sweep`` runs one by hand.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis.exceptions import RedisError
from rq.job import JobStatus
from sqlalchemy import and_, or_, select

from connector.extensions import db
from connector.models import Shipment
from connector.models.types import utcnow
from connector.orders import idempotency
from connector.orders.lease import lease_free, settings
from connector.orders.queueing import (
    DOCUMENTS_JOB,
    POLL_JOB,
    dispatch_job_id,
    enqueue_cancel,
    enqueue_dispatch,
    enqueue_shipment_job,
)
from connector.orders.states import AT_SERVICE, CLAIMABLE, FINAL, ShipmentState
from connector.services import get_queue

log = logging.getLogger(__name__)
S = ShipmentState
LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
SWEEP_LIMIT = 500


def _job_is_live(job_id: str, overdue: bool) -> bool:
    try:
        job = get_queue().fetch_job(job_id)
        status = job.get_status(refresh=False) if job is not None else None
    except RedisError:
        return True  # cannot tell; the next sweep will
    if status not in LIVE:
        return False
    # A scheduled or started job long past its time has lost its scheduler or worker.
    return not (overdue and status in (JobStatus.SCHEDULED, JobStatus.STARTED))


def sweep_shipments() -> dict[str, int]:
    """Enqueue what a lost job left behind; the database says what is owed.

    * pending/retrying shipments that are due and have no live job;
    * ``submitting`` shipments whose lease ran out (the worker died mid-call):
      the next claim reconciles at the service before sending anything;
    * shipments at a service without their labels; requested cancellations.
    """
    now = utcnow()
    config = settings()
    grace = timedelta(seconds=min(5, int(config["sweep_seconds"])))
    overdue_after = timedelta(seconds=int(config["lease_seconds"]))
    counts = {"dispatch": 0, "stale": 0, "documents": 0, "cancel": 0, "purged": 0}

    due = db.session.execute(
        select(Shipment)
        .where(
            Shipment.state.in_([str(state) for state in CLAIMABLE]),
            Shipment.cancel_requested.is_(False),
            or_(
                and_(Shipment.next_attempt_at.is_(None), Shipment.updated_at <= now - grace),
                Shipment.next_attempt_at <= now - grace,
            ),
        )
        .order_by(Shipment.id)
        .limit(SWEEP_LIMIT)
    ).scalars()
    for shipment in due:
        since = shipment.next_attempt_at or shipment.updated_at
        if _job_is_live(dispatch_job_id(shipment), overdue=now - since > overdue_after):
            continue
        if enqueue_dispatch(shipment):
            counts["dispatch"] += 1

    stale = db.session.execute(
        select(Shipment)
        .where(Shipment.state == S.SUBMITTING, Shipment.lease_expires_at < now)
        .order_by(Shipment.id)
        .limit(SWEEP_LIMIT)
    ).scalars()
    for shipment in stale:
        if enqueue_dispatch(shipment):
            counts["stale"] += 1

    unlabelled = db.session.execute(
        select(Shipment.id)
        .where(
            Shipment.state.in_([str(state) for state in (*AT_SERVICE, S.DELIVERED)]),
            Shipment.documents_ready.is_(False),
            Shipment.external_ref.is_not(None),
            Shipment.updated_at <= now - grace,
        )
        .limit(SWEEP_LIMIT)
    ).scalars()
    for shipment_id in unlabelled:
        job_id = f"docs-{shipment_id}"
        if not _job_is_live(job_id, overdue=False):
            counts["documents"] += bool(enqueue_shipment_job(DOCUMENTS_JOB, shipment_id, job_id))

    cancelling = db.session.execute(
        select(Shipment)
        .where(
            Shipment.cancel_requested.is_(True),
            Shipment.state.not_in([str(state) for state in FINAL]),
            lease_free(now),
        )
        .limit(SWEEP_LIMIT)
    ).scalars()
    for shipment in cancelling:
        if not _job_is_live(f"cancel-{shipment.id}", overdue=False) and enqueue_cancel(shipment):
            counts["cancel"] += 1

    counts["purged"] = idempotency.purge_expired()
    db.session.commit()
    if any(counts.values()):
        log.info("shipment sweep: %s", counts)
    return counts


def poll_tracking(limit: int = SWEEP_LIMIT) -> int:
    """Enqueue a tracking poll for shipments at a service not polled for a while."""
    now = utcnow()
    window = timedelta(seconds=int(settings()["poll_seconds"]))
    quiet = db.session.execute(
        select(Shipment.id)
        .where(
            Shipment.state.in_([str(state) for state in (*AT_SERVICE, S.NEEDS_ATTENTION)]),
            Shipment.external_ref.is_not(None),
            or_(Shipment.last_polled_at.is_(None), Shipment.last_polled_at <= now - window),
            Shipment.updated_at <= now - window,
        )
        .order_by(Shipment.last_polled_at.is_not(None), Shipment.last_polled_at)
        .limit(limit)
    ).scalars()
    count = 0
    for shipment_id in quiet:
        job_id = f"poll-{shipment_id}"
        if not _job_is_live(job_id, overdue=False) and enqueue_shipment_job(
            POLL_JOB, shipment_id, job_id
        ):
            count += 1
    return count

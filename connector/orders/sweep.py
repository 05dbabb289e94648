"""The periodic sweeps of shipments: the database says what is owed, Redis what is queued.

Job ids follow the attempt they are for, so the sweep can tell whether the job
a shipment waits for still exists in Redis: if Redis lost it (restart, outage
at enqueue time) or a worker died holding it, the sweep enqueues it again, by
name (``connector.orders.queueing``). ``jobs.shipments`` runs these on a clock;
``flask shipments sweep`` runs one by hand.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from redis.exceptions import RedisError
from rq.job import JobStatus
from rq.registry import ScheduledJobRegistry
from sqlalchemy import and_, or_, select

from connector.extensions import db
from connector.models import Shipment
from connector.models.types import utcnow
from connector.orders import idempotency
from connector.orders.lease import settings
from connector.orders.predicates import cancelling, in_states
from connector.orders.queueing import (
    DOCUMENTS_JOB,
    POLL_JOB,
    dispatch_job_id,
    enqueue_cancel,
    enqueue_dispatch,
    enqueue_shipment_job,
)
from connector.orders.states import AT_SERVICE, CLAIMABLE, ShipmentState
from connector.services import get_queue

log = logging.getLogger(__name__)
S = ShipmentState
LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
SWEEP_LIMIT = 500


def _job_status(job_id: str) -> JobStatus | None:
    """The status of the job in Redis; None when Redis has no such job (lost, expired)."""
    job = get_queue().fetch_job(job_id)
    return job.get_status(refresh=False) if job is not None else None


def _job_is_live(job_id: str, overdue: bool) -> bool:
    try:
        status = _job_status(job_id)
    except RedisError:
        return True  # cannot tell; the next sweep will
    if status not in LIVE:
        return False
    # A started job long past its time has lost its worker.
    return not (overdue and status == JobStatus.STARTED)


def _dispatch_job_is_live(shipment: Shipment, now: datetime, overdue_after: timedelta) -> bool:
    """Whether the job a due shipment waits for will run without the sweep's help.

    A retry waits in RQ's scheduled registry until the one worker holding RQ's
    scheduler moves it to the queue, about every second. The shipment is only
    looked at once its time has passed by the grace period, so a job still
    scheduled then has lost its scheduler (that worker died; another takes the
    scheduler over only after minutes): take the job out of the registry, so a
    scheduler coming back cannot run it too, and the sweep enqueues it now.
    """
    job_id = dispatch_job_id(shipment)
    try:
        status = _job_status(job_id)
        if status == JobStatus.SCHEDULED:
            ScheduledJobRegistry(queue=get_queue()).remove(job_id)
            return False
    except RedisError:
        return True  # cannot tell; the next sweep will
    since = shipment.next_attempt_at or shipment.updated_at
    return _job_is_live(job_id, overdue=now - since > overdue_after)


def _grace() -> timedelta:
    """How long a fresh or due shipment is left to its own job before the sweep looks."""
    return timedelta(seconds=min(5, int(settings()["sweep_seconds"])))


def enqueue_due(now: datetime) -> int:
    """Pending or retrying shipments that are due and have no live job: enqueue them."""
    grace = _grace()
    overdue_after = timedelta(seconds=int(settings()["lease_seconds"]))
    due = db.session.execute(
        select(Shipment)
        .where(
            in_states(CLAIMABLE),
            Shipment.cancel_requested.is_(False),
            or_(
                and_(Shipment.next_attempt_at.is_(None), Shipment.updated_at <= now - grace),
                Shipment.next_attempt_at <= now - grace,
            ),
        )
        .order_by(Shipment.id)
        .limit(SWEEP_LIMIT)
    ).scalars()
    count = 0
    for shipment in due:
        if not _dispatch_job_is_live(shipment, now, overdue_after) and enqueue_dispatch(shipment):
            count += 1
    return count


def recover_stale(now: datetime) -> int:
    """``submitting`` shipments whose lease ran out (the worker died mid-call): enqueue
    them; the next claim looks the key up at the service before sending anything."""
    stale = db.session.execute(
        select(Shipment)
        .where(Shipment.state == S.SUBMITTING, Shipment.lease_expires_at < now)
        .order_by(Shipment.id)
        .limit(SWEEP_LIMIT)
    ).scalars()
    return sum(1 for shipment in stale if enqueue_dispatch(shipment))


def fetch_missing_documents(now: datetime) -> int:
    """Shipments at a service without their labels: enqueue the labels job."""
    unlabelled = db.session.execute(
        select(Shipment.id)
        .where(
            in_states((*AT_SERVICE, S.DELIVERED)),
            Shipment.documents_ready.is_(False),
            Shipment.external_ref.is_not(None),
            Shipment.updated_at <= now - _grace(),
        )
        .limit(SWEEP_LIMIT)
    ).scalars()
    count = 0
    for shipment_id in unlabelled:
        job_id = f"docs-{shipment_id}"
        if not _job_is_live(job_id, overdue=False):
            count += bool(enqueue_shipment_job(DOCUMENTS_JOB, shipment_id, job_id))
    return count


def carry_out_cancellations(now: datetime) -> int:
    """Requested cancellations no job is carrying out: enqueue them."""
    cancelling_now = db.session.execute(
        select(Shipment).where(*cancelling(now)).limit(SWEEP_LIMIT)
    ).scalars()
    count = 0
    for shipment in cancelling_now:
        if not _job_is_live(f"cancel-{shipment.id}", overdue=False) and enqueue_cancel(shipment):
            count += 1
    return count


# The sweeps of ``sweep_shipments``, by the name its counts carry.
SWEEPS: dict[str, Callable[[datetime], int]] = {
    "dispatch": enqueue_due,
    "stale": recover_stale,
    "documents": fetch_missing_documents,
    "cancel": carry_out_cancellations,
}


def sweep_shipments() -> dict[str, int]:
    """Every sweep once (the cron job and ``flask shipments sweep``): how many each enqueued,
    and how many expired idempotency records were purged."""
    now = utcnow()
    counts = {name: sweep(now) for name, sweep in SWEEPS.items()}
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
            in_states((*AT_SERVICE, S.NEEDS_ATTENTION)),
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

"""Shipment jobs: dispatch, labels, tracking polls, cancellation, and the sweep.

Jobs take a shipment id and load everything from the database; running one
twice, or two at once, is harmless (``connector.orders.dispatch`` claims the
shipment in the database first). Job ids follow the attempt they are for,
``ship-<id>-<attempt_count>``, so the sweep can tell whether the job a
shipment waits for still exists in Redis: if Redis lost it (restart, outage at
enqueue time) or a worker died holding it, the sweep enqueues it again.
"""

from __future__ import annotations

import gc
import logging
import time
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq.job import JobStatus
from sqlalchemy import and_, or_, select

from adapters.errors import AdapterError
from connector.extensions import db
from connector.models import Shipment
from connector.models.types import utcnow
from connector.orders import dispatch, idempotency, ops, tracking
from connector.orders.adapters import build_adapter
from connector.orders.states import AT_SERVICE, CLAIMABLE, FINAL, ShipmentState
from connector.services import get_queue

log = logging.getLogger(__name__)
S = ShipmentState
LIVE = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED)
SWEEP_LIMIT = 500
# Labels that could not be fetched right after the dispatch are tried again this much later.
DOCUMENTS_RETRY_SECONDS = 30
# Shipments a warm dispatch job looks for at a time (see dispatch_shipment).
DRAIN_BATCH = 10


def _config() -> dict:
    return current_app.config["FULFILMENT"]


def _enqueue(func, shipment_id: int, job_id: str, delay: float | None = None) -> str | None:
    """Enqueue (or schedule) a job; None when Redis is unavailable: the sweep catches up."""
    options = {
        "job_id": job_id,
        "job_timeout": int(_config()["lease_seconds"]),
        "result_ttl": 3600,
        "failure_ttl": 7 * 86400,
        "description": f"{func.__name__}({shipment_id})",
    }
    try:
        queue = get_queue()
        if delay:
            job = queue.enqueue_in(timedelta(seconds=delay), func, shipment_id, **options)
        else:
            job = queue.enqueue(func, shipment_id, **options)
    except RedisError as exc:
        log.warning("could not enqueue %s (%s); the sweep will", job_id, type(exc).__name__)
        return None
    return job.id


def dispatch_job_id(shipment: Shipment) -> str:
    return f"ship-{shipment.id}-{shipment.attempt_count}"


def enqueue_dispatch(shipment: Shipment, delay: float | None = None) -> str | None:
    """Enqueue the shipment's next attempt (after its row is committed)."""
    return _enqueue(dispatch_shipment, shipment.id, dispatch_job_id(shipment), delay)


def enqueue_cancel(shipment: Shipment, delay: float | None = None) -> str | None:
    return _enqueue(cancel_shipment, shipment.id, f"cancel-{shipment.id}", delay)


# -- jobs ----------------------------------------------------------------------------


def dispatch_shipment(shipment_id: int) -> str:
    """One attempt to send the shipment; schedules the next one after a transient error.

    A work horse is a fresh process: its first dispatch pays for connections and
    compiled SQL. While it is warm, it goes on with other shipments that are due,
    for at most ``FULFILMENT["drain_seconds"]``; their own jobs then find them
    taken (the claim decides) and end at once.
    """
    with _collection_paused():
        return _dispatch_and_drain(shipment_id)


@contextmanager
def _collection_paused():
    """No full garbage collection during the job.

    A work horse is forked from the worker with its whole heap; a full collection
    there walks (and so copies) every inherited page, about 100 ms, more than the
    job itself. Freezing moves what the horse inherited out of the collector's
    sight for the job's duration; the job's own garbage is still collected.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _dispatch_and_drain(shipment_id: int) -> str:
    outcome = _dispatch_one(shipment_id)
    deadline = time.monotonic() + float(_config()["drain_seconds"])
    tried = {shipment_id}
    while time.monotonic() < deadline:
        more = dispatch.due_ids(DRAIN_BATCH, tried)
        if not more:
            break
        for other in more:
            if time.monotonic() >= deadline:
                break
            tried.add(other)
            try:
                _dispatch_one(other)
            except Exception:  # recorded on that shipment; this job's own went through
                log.exception("shipment %s: dispatch failed", other)
                return outcome
    return outcome


def _dispatch_one(shipment_id: int) -> str:
    result = dispatch.dispatch(shipment_id)
    if result.retry_in is not None:
        _enqueue(
            dispatch_shipment,
            shipment_id,
            f"ship-{shipment_id}-{result.attempt}",
            delay=result.retry_in,
        )
    elif result.outcome in ("submitted", "found"):
        shipment = db.session.get(Shipment, shipment_id)
        if shipment is not None and not shipment.documents_ready:
            _enqueue(
                fetch_shipment_documents,
                shipment_id,
                f"docs-{shipment_id}",
                delay=DOCUMENTS_RETRY_SECONDS,
            )
    log.info("shipment %s: %s", shipment_id, result.outcome)
    return result.outcome


def fetch_shipment_documents(shipment_id: int) -> bool:
    """Labels of a shipment whose service has it; the sweep retries a failure."""
    return dispatch.fetch_documents(shipment_id)


def cancel_shipment(shipment_id: int) -> str:
    result = ops.cancel(shipment_id)
    if result.retry_in is not None:
        shipment = db.session.get(Shipment, shipment_id)
        enqueue_cancel(shipment, delay=result.retry_in)
    return result.outcome


def poll_shipment(shipment_id: int) -> int:
    """Ask the service for the shipment's events (the fallback for lost webhooks)."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or not shipment.external_ref or shipment.state in FINAL:
        return 0
    try:
        events = build_adapter(shipment.adapter).track(tracking.booking_of(shipment))
    except AdapterError as error:
        db.session.rollback()
        log.info("shipment %s: tracking poll failed (%s)", shipment_id, error.code)
        return 0
    shipment = db.session.get(Shipment, shipment_id)
    new = tracking.record(shipment, events, "poll")
    shipment.last_polled_at = utcnow()
    db.session.commit()
    return new


# -- periodic ----------------------------------------------------------------------------


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
    config = _config()
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
            counts["documents"] += bool(_enqueue(fetch_shipment_documents, shipment_id, job_id))

    cancelling = db.session.execute(
        select(Shipment)
        .where(
            Shipment.cancel_requested.is_(True),
            Shipment.state.not_in([str(state) for state in FINAL]),
            dispatch.lease_free(now),
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
    window = timedelta(seconds=int(_config()["poll_seconds"]))
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
        if not _job_is_live(job_id, overdue=False) and _enqueue(poll_shipment, shipment_id, job_id):
            count += 1
    return count

"""Shipment jobs: dispatch, labels, tracking polls, cancellation, and the sweeps.

Jobs take a shipment id and load everything from the database; running one
twice, or two at once, is harmless (``connector.orders.dispatch`` claims the
shipment in the database first). Services enqueue them by name
(``connector.orders.queueing``); the periodic sweeps that find what a lost job
left behind are services too (``connector.orders.sweep``), run here on a clock.
"""

from __future__ import annotations

import gc
import logging
import time
from contextlib import contextmanager

from flask import current_app

from adapters.errors import AdapterError
from connector.extensions import db
from connector.models import Shipment
from connector.models.types import utcnow
from connector.orders import dispatch, shipment_actions, sweep, tracking
from connector.orders.adapters import build_adapter
from connector.orders.queueing import (
    DISPATCH_JOB,
    DOCUMENTS_JOB,
    enqueue_cancel,
    enqueue_shipment_job,
)
from connector.orders.states import FINAL

log = logging.getLogger(__name__)
# Labels that could not be fetched right after the dispatch are tried again this much later.
DOCUMENTS_RETRY_SECONDS = 30
# Shipments a warm dispatch job looks for at a time (see dispatch_shipment).
DRAIN_BATCH = 10


def _config() -> dict:
    return current_app.config["FULFILMENT"]


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
        enqueue_shipment_job(
            DISPATCH_JOB,
            shipment_id,
            f"ship-{shipment_id}-{result.attempt}",
            delay=result.retry_in,
        )
    elif result.outcome in ("submitted", "found"):
        shipment = db.session.get(Shipment, shipment_id)
        if shipment is not None and not shipment.documents_ready:
            enqueue_shipment_job(
                DOCUMENTS_JOB,
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
    result = shipment_actions.cancel(shipment_id)
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


def sweep_shipments() -> dict[str, int]:
    """Periodic: enqueue what a lost job left behind (see ``connector.orders.sweep``)."""
    return sweep.sweep_shipments()


def poll_tracking(limit: int = sweep.SWEEP_LIMIT) -> int:
    """Periodic: enqueue a tracking poll for shipments not polled for a while."""
    return sweep.poll_tracking(limit)

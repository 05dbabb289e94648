"""Retrying every shipment of a filter, in the background, with progress in ``job.meta``.

The filter is resolved to ids when ops confirm (the count they saw is what is
retried); the job takes the ids, as jobs do, and retries each through the same
path as a single retry. Progress is ``job.meta``: ``total``, ``done``, ``ok``,
``refused`` and the last refusals, saved as the job goes.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from flask import current_app
from redis.exceptions import RedisError
from rq import get_current_job

from connector.ops import actions, audit
from connector.ops.audit import Actor
from connector.ops.board import ShipmentFilter, retryable_ids
from connector.services import get_queue

# One job retries at most this many; a larger batch is a sign the filter is wrong.
MAX_BATCH = 10_000
# Seconds between saves of the progress (every shipment would be a Redis write each).
SAVE_EVERY = 0.3
KEPT_REFUSALS = 20
JOB_PREFIX = "ops-retry-"


class QueueUnavailable(Exception):
    """Redis refused the job: nothing was retried."""


@dataclass(frozen=True)
class BulkStart:
    job_id: str | None
    count: int


def retry_shipments(ids: list[int], actor: dict, filter_: dict | None = None) -> dict:
    """The job: retry each shipment, recording progress in ``job.meta``."""
    job = get_current_job()
    person = Actor.from_dict(actor).as_job()
    meta = {"total": len(ids), "done": 0, "ok": 0, "refused": 0, "refusals": []}
    details = {"job_id": job.id if job else None}

    def save(force: bool = False) -> None:
        nonlocal saved_at
        if job is not None and (force or time.monotonic() - saved_at >= SAVE_EVERY):
            job.meta.update(meta)
            job.save_meta()
            saved_at = time.monotonic()

    saved_at = 0.0
    save(force=True)
    for shipment_id in ids:
        try:
            actions.retry(shipment_id, person, details)
            meta["ok"] += 1
        except actions.NotAllowed as exc:
            meta["refused"] += 1
            if len(meta["refusals"]) < KEPT_REFUSALS:
                meta["refusals"].append({"id": shipment_id, "state": exc.state})
        meta["done"] += 1
        save()
    save(force=True)
    audit.record(
        person,
        "shipment.retry_bulk",
        "job",
        job.id if job else None,
        result="ok" if meta["ok"] or not meta["refused"] else "refused",
        details={"ok": meta["ok"], "refused": meta["refused"], "filter": filter_ or {}},
    )
    return {key: meta[key] for key in ("total", "ok", "refused")}


def start_retry(flt: ShipmentFilter, actor: Actor) -> BulkStart:
    """Enqueue the retry of every retryable shipment matching ``flt``."""
    ids = retryable_ids(flt, limit=MAX_BATCH)
    if not ids:
        return BulkStart(None, 0)
    job_id = JOB_PREFIX + uuid.uuid4().hex[:16]
    try:
        get_queue().enqueue(
            retry_shipments,
            ids,
            actor.to_dict(),
            flt.to_dict(),
            job_id=job_id,
            job_timeout=max(300, len(ids)),
            result_ttl=7 * 86400,
            failure_ttl=7 * 86400,
            description=f"ops bulk retry of {len(ids)} shipments",
            meta={"total": len(ids), "done": 0, "ok": 0, "refused": 0, "kind": "bulk_retry"},
        )
    except RedisError as exc:
        audit.record(
            actor,
            "shipment.retry_bulk",
            "job",
            None,
            result="failed",
            details={"filter": flt.to_dict(), "count": len(ids), "error": type(exc).__name__},
        )
        raise QueueUnavailable(str(exc)) from exc
    audit.record(
        actor,
        "shipment.retry_bulk",
        "job",
        job_id,
        result="queued",
        details={"filter": flt.to_dict(), "count": len(ids)},
    )
    current_app.logger.info(
        "job %s: bulk retry of %d shipments by %s", job_id, len(ids), actor.name
    )
    return BulkStart(job_id, len(ids))

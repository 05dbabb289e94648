"""Ops jobs: the retry of every shipment a filter matched, with progress in ``job.meta``.

``connector.ops.bulk`` resolves the filter to ids when ops confirm (the count
they saw is what is retried) and enqueues this job by name; it retries each
shipment through the same path as a single retry. Progress is ``job.meta``:
``total``, ``done``, ``ok``, ``refused`` and the last refusals, saved as the
job goes.
"""

from __future__ import annotations

import time

from rq import get_current_job

from connector.ops import actions, audit
from connector.ops.audit import Actor

# Seconds between saves of the progress (every shipment would be a Redis write each).
SAVE_EVERY = 0.3
KEPT_REFUSALS = 20


def retry_shipments(ids: list[int], actor: dict, filter_: dict | None = None) -> dict:
    """Retry each shipment, recording progress in ``job.meta``."""
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

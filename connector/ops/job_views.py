"""The jobs page (queues, failed jobs, workers) and the progress of one job."""

from __future__ import annotations

from collections import Counter

from flask import abort, render_template, request
from redis.exceptions import RedisError

from connector.ops import retry_outcomes, rq_state
from connector.ops.blueprint import bp
from connector.orders.shipment_filter import BadFilter, ShipmentFilter

JOB_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.")
RUNNING = ("queued", "started", "scheduled", "deferred")
# Rows of a batch's outcome table; the counts above it cover every shipment.
SHOWN_OUTCOMES = 500
# Outcomes that will still change: the page keeps refreshing while any is left.
UNSETTLED = ("retrying", "sending", "waiting")


@bp.get("/jobs")
def jobs_page():
    return render_template("ops/jobs.html", overview=rq_state.overview())


@bp.get("/jobs/<job_id>")
def job_page(job_id: str):
    if not 0 < len(job_id) <= 120 or not set(job_id) <= JOB_ID_CHARS:
        abort(404)
    try:
        info = rq_state.job_info(job_id)
    except RedisError:
        return render_template("ops/job.html", info=None, job_id=job_id, redis_down=True), 503
    if info.status == "gone":
        abort(404)
    try:
        flt = ShipmentFilter.from_args(request.args)
    except BadFilter:
        flt = ShipmentFilter()
    total = int(info.meta.get("total") or 0)
    done = int(info.meta.get("done") or 0)
    if info.status == "finished" and total:
        done = total
    outcomes = []
    if info.meta.get("kind") == "bulk_retry" and info.args:
        outcomes = retry_outcomes.batch_outcomes(job_id, list(info.args[0]))
    counts = Counter(outcome.outcome for outcome in outcomes)
    return render_template(
        "ops/job.html",
        info=info,
        job_id=job_id,
        redis_down=False,
        running=info.status in RUNNING or any(counts[name] for name in UNSETTLED),
        outcomes=outcomes[:SHOWN_OUTCOMES],
        outcome_counts=[(name, counts[name]) for name in retry_outcomes.OUTCOME_ORDER],
        more_outcomes=max(0, len(outcomes) - SHOWN_OUTCOMES),
        total=total,
        done=done,
        percent=int(100 * done / total) if total else (100 if info.status == "finished" else 0),
        args=flt.to_args(),
    )

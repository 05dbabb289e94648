"""The jobs page (queues, failed jobs, workers) and the progress of one job."""

from __future__ import annotations

from flask import abort, render_template, request
from redis.exceptions import RedisError

from connector.ops import rq_state
from connector.ops.blueprint import bp
from connector.orders.shipment_filter import BadFilter, ShipmentFilter

JOB_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:.")
RUNNING = ("queued", "started", "scheduled", "deferred")


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
    return render_template(
        "ops/job.html",
        info=info,
        job_id=job_id,
        redis_down=False,
        running=info.status in RUNNING,
        total=total,
        done=done,
        percent=int(100 * done / total) if total else (100 if info.status == "finished" else 0),
        args=flt.to_args(),
    )

"""What RQ knows: queue depths, failed jobs, workers, and the jobs of one shipment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from redis.exceptions import RedisError
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.registry import (
    DeferredJobRegistry,
    FailedJobRegistry,
    FinishedJobRegistry,
    ScheduledJobRegistry,
    StartedJobRegistry,
)

from connector.models import Shipment
from connector.services import get_queue, get_redis


@dataclass(frozen=True)
class JobInfo:
    id: str
    role: str  # what the job is for: dispatch, cancel, labels, tracking, bulk
    status: str  # queued, started, scheduled, deferred, finished, failed, stopped, canceled, gone
    description: str | None = None
    enqueued_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    scheduled_for: datetime | None = None
    error: str | None = None  # the last line of the traceback
    meta: dict = field(default_factory=dict)
    args: tuple = ()


def _text(value) -> str | None:
    """An RQ status enum (or plain string) as its value."""
    return None if value is None else str(getattr(value, "value", value))


def _last_line(text: str | None) -> str | None:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else None


def job_info(job_id: str, role: str = "job", queue: Queue | None = None) -> JobInfo:
    """The job as RQ has it; ``status`` 'gone' when Redis no longer keeps it."""
    queue = queue or get_queue()
    try:
        job = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        return JobInfo(job_id, role, "gone")
    status = _text(job.get_status(refresh=False)) or "gone"
    scheduled_for = None
    if status == "scheduled":
        try:
            scheduled_for = ScheduledJobRegistry(queue=queue).get_scheduled_time(job)
        except NoSuchJobError:
            scheduled_for = None
    error = None
    if status == "failed":
        result = job.latest_result()
        error = _last_line(getattr(result, "exc_string", None) or job.exc_info)
    return JobInfo(
        id=job.id,
        role=role,
        status=status,
        description=job.description,
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        ended_at=job.ended_at,
        scheduled_for=scheduled_for,
        error=error,
        meta=dict(job.meta or {}),
        args=tuple(job.args or ()),
    )


def shipment_jobs(shipment: Shipment) -> list[JobInfo]:
    """The jobs this shipment may have in RQ now (ids follow ``jobs.shipments``)."""
    ids = [(f"ship-{shipment.id}-{shipment.attempt_count}", "dispatch")]
    if shipment.attempt_count:
        ids.append((f"ship-{shipment.id}-{shipment.attempt_count - 1}", "dispatch"))
    ids += [
        (f"cancel-{shipment.id}", "cancel"),
        (f"docs-{shipment.id}", "labels"),
        (f"poll-{shipment.id}", "tracking"),
    ]
    queue = get_queue()
    found = [job_info(job_id, role, queue) for job_id, role in ids]
    # The next attempt's job first; a job Redis no longer has is only noise.
    return [info for info in found if info.status != "gone"]


@dataclass(frozen=True)
class QueueDepth:
    name: str
    queued: int
    started: int
    scheduled: int
    deferred: int
    failed: int
    finished: int


@dataclass(frozen=True)
class WorkerInfo:
    name: str
    hostname: str | None
    pid: int | None
    state: str
    queues: list[str]
    current_job: str | None
    last_heartbeat: datetime | None
    birth: datetime | None
    successful: int
    failed: int


@dataclass
class Overview:
    queues: list[QueueDepth] = field(default_factory=list)
    failed_jobs: list[JobInfo] = field(default_factory=list)
    workers: list[WorkerInfo] = field(default_factory=list)
    error: str | None = None  # Redis could not be read


def _depth(queue: Queue) -> QueueDepth:
    def count(registry) -> int:
        return registry.get_job_count(cleanup=False)

    return QueueDepth(
        name=queue.name,
        queued=queue.count,
        started=count(StartedJobRegistry(queue=queue)),
        scheduled=count(ScheduledJobRegistry(queue=queue)),
        deferred=count(DeferredJobRegistry(queue=queue)),
        failed=count(FailedJobRegistry(queue=queue)),
        finished=count(FinishedJobRegistry(queue=queue)),
    )


def _worker(worker: Worker) -> WorkerInfo:
    return WorkerInfo(
        name=worker.name,
        hostname=worker.hostname,
        pid=worker.pid,
        state=_text(worker.get_state()) or "?",
        queues=worker.queue_names(),
        current_job=worker.get_current_job_id(),
        last_heartbeat=worker.last_heartbeat,
        birth=worker.birth_date,
        successful=worker.successful_job_count or 0,
        failed=worker.failed_job_count or 0,
    )


def overview(failed_limit: int = 25) -> Overview:
    """Queue depths, the newest failed jobs and the workers; ``error`` if Redis is down."""
    result = Overview()
    try:
        queues = [get_queue(name) for name in current_app.config["RQ_QUEUES"]]
        result.queues = [_depth(queue) for queue in queues]
        for queue in queues:
            registry = FailedJobRegistry(queue=queue)
            for job_id in registry.get_job_ids(0, failed_limit - 1, desc=True, cleanup=False):
                result.failed_jobs.append(job_info(job_id, "job", queue))
        result.workers = [_worker(w) for w in Worker.all(connection=get_redis())]
    except RedisError as exc:
        result.error = type(exc).__name__
    result.workers.sort(key=lambda w: w.name)
    return result

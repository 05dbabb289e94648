"""Enqueueing after commit, by job name: the one way services start a job.

Services name a job by its dotted path (``"jobs.offers.refresh_listing"``) and
never import ``jobs/``: jobs call services, not the reverse. The database row
exists before its job does; if Redis is down the enqueue fails, the caller's
request still succeeds, and the periodic sweep picks the work up later, so
nothing is lost, only delayed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from redis.exceptions import RedisError

from connector.services import get_queue

log = logging.getLogger(__name__)


def enqueue(
    job: str, *args, job_id: str | None = None, delay: float | None = None, **options
) -> str | None:
    """Enqueue (or, with ``delay`` seconds, schedule) ``job(*args)``.

    Returns the job id, or None when Redis could not take it: the sweep retries.
    """
    try:
        queue = get_queue()
        if delay:
            queued = queue.enqueue_in(
                timedelta(seconds=delay), job, *args, job_id=job_id, **options
            )
        else:
            queued = queue.enqueue(job, *args, job_id=job_id, **options)
    except RedisError as exc:
        log.warning(
            "could not enqueue %s%r as %s (%s); the sweep will retry",
            job,
            args,
            job_id,
            type(exc).__name__,
        )
        return None
    return queued.id

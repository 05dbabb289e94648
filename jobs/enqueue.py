"""Enqueueing after commit: the database row exists before its job does.

If Redis is down the enqueue fails, the caller's request still succeeds, and
the periodic sweep picks the work up later; so nothing is lost, only delayed.
"""

from __future__ import annotations

import logging

from redis.exceptions import RedisError

from connector.services import get_queue

log = logging.getLogger(__name__)


def enqueue_after_commit(func, *args, job_id: str | None = None, **options) -> str | None:
    """Enqueue ``func(*args)``; returns the job id, or None when Redis could not take it."""
    try:
        job = get_queue().enqueue(func, *args, job_id=job_id, **options)
    except RedisError as exc:
        log.warning("could not enqueue %s%r (%s); the sweep will retry", func.__name__, args, exc)
        return None
    return job.id

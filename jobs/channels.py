"""Channel push jobs: one run per connection, and the sweep that finds what is behind."""

from __future__ import annotations

import logging

from connector.channels import push
from connector.channels.connections import enqueue_push

log = logging.getLogger(__name__)


def push_connection(connection_id: int) -> dict:
    """Push the connection's changed offers; runs again at once or when a retry is due."""
    result = push.run(connection_id)
    if result.outcome == "more":
        enqueue_push(connection_id)
    elif result.retry_in is not None:
        enqueue_push(connection_id, delay=result.retry_in)
    log.info(
        "channel connection %s: %s, %s offers, %s pushed, %s failed",
        connection_id,
        result.outcome,
        result.offers,
        result.pushed,
        result.failed,
    )
    return result.__dict__


def sweep_channel_pushes() -> int:
    """Periodic: enqueue a run for every shop with changes or due retries."""
    return push.sweep()

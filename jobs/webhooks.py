"""Webhook jobs: one attempt at a delivery, and the sweep for deliveries whose job was lost.

A delivery's job takes its id and claims the row before sending
(``connector.seller_hooks.delivery``), so a repeated or duplicated job sends nothing
twice; the next attempt after a failure is scheduled by the delivery itself.
"""

from __future__ import annotations

import logging

from connector.seller_hooks import delivery

log = logging.getLogger(__name__)


def deliver(delivery_id: int) -> str:
    """One attempt to deliver a webhook to its seller's endpoint."""
    outcome = delivery.deliver(delivery_id)
    log.info("webhook delivery %s: %s", delivery_id, outcome.status)
    return outcome.status


def sweep_webhook_deliveries() -> int:
    """Periodic: enqueue due deliveries nobody is working on (Redis lost their jobs)."""
    return delivery.sweep()

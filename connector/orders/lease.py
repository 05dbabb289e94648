"""The pieces every claim of a shipment shares: the settings, the backoff, the result.

The SQL conditions of a claim (lease free, due, claimable) are in
``connector.orders.predicates``."""

from __future__ import annotations

import random
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class DispatchResult:
    outcome: str  # submitted | found | retrying | needs_attention | not_claimed | lease_lost
    retry_in: float | None = None  # seconds until the next attempt, when retrying
    attempt: int | None = None
    error_code: str | None = None


def settings() -> dict:
    return current_app.config["FULFILMENT"]


def backoff(failures: int, retry_after: float | None = None) -> float:
    """Seconds before the next attempt: the service's Retry-After, else exponential, jittered."""
    config = settings()
    cap = float(config["backoff_max_seconds"])
    if retry_after is not None and retry_after > 0:
        return min(cap, float(retry_after))
    delay = float(config["backoff_seconds"]) * 2 ** max(0, failures - 1)
    return min(cap, delay) * random.uniform(0.8, 1.2)

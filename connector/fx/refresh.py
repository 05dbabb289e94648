"""Fetching FX rates now: every configured provider, keeping the last good rates.

The CLI runs it in place; the API and the scheduler run it as the job
``jobs.fx.refresh_rates``.
"""

from __future__ import annotations

import logging

from flask import current_app

from connector.extensions import db
from connector.fx.fetch import fetch_all
from connector.fx.store import record_failure, record_success, store_quotes
from connector.offers.service import enqueue_market_reprice, markets_affected

log = logging.getLogger(__name__)


def refresh_rates() -> dict:
    """Fetch rates from every provider at once; a failing provider is recorded and skipped.

    Each provider runs in its own thread under its own total deadline, so one
    that drips its answer delays none of the others; the database is written
    here, in this thread, once they are done. forex-python has no timeout of
    its own, so this still runs in an RQ job whose timeout is a last bound.
    """
    config = current_app.config
    outcome: dict[str, object] = {}
    changed: set[tuple[str, str]] = set()
    for fetched in fetch_all(config["FX_PROVIDERS"], config["FX_SETTINGS"]):
        name, error = fetched.name, fetched.error
        if error is not None:
            db.session.rollback()
            record_failure(name, error.code, str(error))
            db.session.commit()
            log.warning("fx provider %s failed: %s", name, error)
            outcome[name] = {"ok": False, "code": error.code}
            continue
        stored = store_quotes(fetched.quotes)
        record_success(name, stored.new)
        db.session.commit()
        # Quarantined rates price nothing until ops accept them: no reprice for them.
        changed |= stored.accepted_pairs
        outcome[name] = {
            "ok": True,
            "quotes": len(fetched.quotes),
            "new": stored.new,
            "quarantined": len(stored.quarantined),
        }
    for code in markets_affected(changed):
        enqueue_market_reprice(code)
    return outcome

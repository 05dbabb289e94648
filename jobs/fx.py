"""The scheduled FX refresh: fetch every configured provider, keep the last good rates."""

from __future__ import annotations

import logging

from flask import current_app

from adapters.errors import AdapterError
from connector.extensions import db
from connector.fx.store import record_failure, record_success, store_quotes
from connector.offers.service import markets_affected
from jobs.offers import enqueue_market_reprice

log = logging.getLogger(__name__)


def refresh_rates() -> dict:
    """Fetch rates from each provider; a failing provider is recorded and skipped.

    forex-python has no timeout of its own; this runs inside an RQ job whose
    timeout bounds a hang, which is why rates are never fetched in a request.
    """
    from adapters.fx import build_provider

    outcome: dict[str, object] = {}
    changed: set[tuple[str, str]] = set()
    for name in current_app.config["FX_PROVIDERS"]:
        settings = current_app.config["FX_SETTINGS"].get(name, {})
        try:
            provider = build_provider(name, settings)
            quotes = provider.fetch()
        except AdapterError as exc:
            db.session.rollback()
            record_failure(name, exc.code, str(exc))
            db.session.commit()
            log.warning("fx provider %s failed: %s", name, exc)
            outcome[name] = {"ok": False, "code": exc.code}
            continue
        stored = store_quotes(quotes)
        record_success(name, stored)
        db.session.commit()
        if stored:
            changed.update((q.base, q.quote) for q in quotes)
        outcome[name] = {"ok": True, "quotes": len(quotes), "new": stored}
    for code in markets_affected(changed):
        enqueue_market_reprice(code)
    return outcome

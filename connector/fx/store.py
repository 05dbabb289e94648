"""Writing rates: provider quotes (history kept) and manual rates set by ops."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select

from connector.extensions import db
from connector.models import FxProviderState, FxRate, User
from connector.models.types import utcnow

RATE_PLACES = Decimal("1e-10")  # what NUMERIC(24, 10) keeps; the same on SQLite


def store_quotes(quotes: Iterable, fetched_at: datetime | None = None) -> int:
    """Insert quotes not already stored; returns how many were new."""
    fetched_at = fetched_at or utcnow()
    new = 0
    for quote in quotes:
        exists = db.session.execute(
            select(FxRate.id).where(
                FxRate.base == quote.base,
                FxRate.quote == quote.quote,
                FxRate.source == quote.source,
                FxRate.as_of == quote.as_of,
            )
        ).first()
        if exists:
            continue
        db.session.add(
            FxRate(
                base=quote.base,
                quote=quote.quote,
                rate=quote.rate.quantize(RATE_PLACES),
                source=quote.source,
                as_of=quote.as_of,
                fetched_at=fetched_at,
                path=list(getattr(quote, "path", ()) or ()),
            )
        )
        new += 1
    db.session.flush()
    return new


def set_manual_rate(user: User, base: str, quote: str, rate: Decimal, note: str | None) -> FxRate:
    """Ops override: takes effect now, until a provider publishes a newer rate."""
    now = utcnow()
    row = FxRate(
        base=base,
        quote=quote,
        rate=rate.quantize(RATE_PLACES),
        source="manual",
        as_of=now,
        fetched_at=now,
        path=[],
        set_by_id=user.id,
        note=note,
    )
    db.session.add(row)
    db.session.commit()
    return row


def provider_state(name: str) -> FxProviderState:
    state = db.session.get(FxProviderState, name)
    if state is None:
        state = FxProviderState(name=name, consecutive_failures=0, quotes_stored=0)
        db.session.add(state)
    return state


def record_success(name: str, stored: int) -> None:
    state = provider_state(name)
    state.last_success_at = utcnow()
    state.consecutive_failures = 0
    state.quotes_stored = stored


def record_failure(name: str, code: str, message: str) -> None:
    state = provider_state(name)
    state.last_failure_at = utcnow()
    state.last_error_code = code
    state.last_error = message[:2000]
    state.consecutive_failures = (state.consecutive_failures or 0) + 1

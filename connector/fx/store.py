"""Writing rates: provider quotes (history kept) and manual rates set by ops."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select

from connector.extensions import db
from connector.fx.quarantine import judge, move_limit
from connector.markets.model import Market
from connector.models import FxProviderState, FxRate, FxRateStatus, User
from connector.models.types import utcnow

log = logging.getLogger(__name__)

RATE_PLACES = Decimal("1e-10")  # what NUMERIC(24, 10) keeps; the same on SQLite


@dataclass
class Stored:
    """What a batch of quotes did: how many rows are new, which pairs may now price, and
    which rates jumped too far and wait for a person."""

    new: int = 0
    accepted_pairs: set[tuple[str, str]] = field(default_factory=set)
    quarantined: list[FxRate] = field(default_factory=list)


def store_quotes(
    quotes: Iterable,
    fetched_at: datetime | None = None,
    markets: Iterable[Market] | None = None,
) -> Stored:
    """Insert quotes not already stored, each judged against the last accepted one.

    A quote that moved more than the strictest ``max_rate_move_pct`` of the
    ``markets`` it could price (default: the app's markets) is stored
    quarantined: never used until ops accept it. A source that corrects a figure
    still waiting for a verdict (or rejected) replaces it and is judged afresh;
    an accepted figure is never rewritten.
    """
    fetched_at = fetched_at or utcnow()
    markets = list(current_app.extensions["markets"].values() if markets is None else markets)
    result = Stored()
    for quote in quotes:
        rate = quote.rate.quantize(RATE_PLACES)
        row = db.session.execute(
            select(FxRate).where(
                FxRate.base == quote.base,
                FxRate.quote == quote.quote,
                FxRate.source == quote.source,
                FxRate.as_of == quote.as_of,
            )
        ).scalar_one_or_none()
        if row is not None and (row.status == FxRateStatus.ACCEPTED or row.rate == rate):
            continue
        if row is None:
            row = FxRate(
                base=quote.base,
                quote=quote.quote,
                source=quote.source,
                as_of=quote.as_of,
                path=list(getattr(quote, "path", ()) or ()),
            )
            db.session.add(row)
            result.new += 1
        row.rate, row.fetched_at = rate, fetched_at
        judge(row, move_limit(markets, quote.base, quote.quote))
        if row.status == FxRateStatus.QUARANTINED:
            result.quarantined.append(row)
            log.warning(
                "fx %s/%s from %s quarantined: %s moved %s%% from %s",
                row.base,
                row.quote,
                row.source,
                row.rate,
                row.move_pct,
                row.reference_rate,
            )
        else:
            result.accepted_pairs.add((row.base, row.quote))
    db.session.flush()
    return result


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
    """``stored``: how many of the provider's quotes were new rows."""
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

"""Rates that jump: how far a fetched rate moved, which limit applies, and ops' verdict."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import select

from connector.extensions import db
from connector.fx.resolve import required_currencies
from connector.markets.model import Market
from connector.markets.registry import DEFAULT_MAX_RATE_MOVE_PCT
from connector.models import FxRate, FxRateStatus, User
from connector.models.types import utcnow

MOVE_PLACES = Decimal("0.0001")


class NotQuarantined(Exception):
    """The rate is not waiting for a verdict (already accepted or rejected)."""

    def __init__(self, rate: FxRate):
        super().__init__(f"rate {rate.id} is {rate.status}, not quarantined")
        self.rate = rate


def move_pct(reference: Decimal, rate: Decimal) -> Decimal:
    """How far ``rate`` is from ``reference``, in percent of ``reference`` (always >= 0)."""
    return (abs(rate - reference) * 100 / reference).quantize(MOVE_PLACES)


def move_limit(markets: Iterable[Market], base: str, quote: str) -> Decimal:
    """The strictest ``max_rate_move_pct`` of the markets a quote between these could price.

    Any market needing either currency, or priced in it, may use the quote (directly or
    as a leg of a cross); a quote no market could use gets the default limit.
    """
    pair = {base, quote}
    limits = [
        market.max_rate_move_pct
        for market in markets
        if pair & (required_currencies(market) | {market.currency})
    ]
    return min(limits, default=DEFAULT_MAX_RATE_MOVE_PCT)


def last_accepted(base: str, quote: str, source: str, before) -> FxRate | None:
    """The newest accepted rate of this pair and source published before ``before``."""
    return db.session.execute(
        select(FxRate)
        .where(
            FxRate.base == base,
            FxRate.quote == quote,
            FxRate.source == source,
            FxRate.status == FxRateStatus.ACCEPTED.value,
            FxRate.as_of < before,
        )
        .order_by(FxRate.as_of.desc(), FxRate.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def judge(row: FxRate, limit: Decimal) -> None:
    """Accept ``row``, or quarantine it when it moved past ``limit`` from the last accepted."""
    reference = last_accepted(row.base, row.quote, row.source, row.as_of)
    row.reviewed_by_id = row.reviewed_at = None
    if reference is None:
        row.status, row.reference_rate, row.move_pct = FxRateStatus.ACCEPTED.value, None, None
        return
    row.reference_rate = reference.rate
    row.move_pct = move_pct(reference.rate, row.rate)
    jumped = row.move_pct > limit
    row.status = (FxRateStatus.QUARANTINED if jumped else FxRateStatus.ACCEPTED).value


def quarantined(limit: int = 100) -> list[FxRate]:
    """Rates waiting for a verdict, newest first."""
    return list(
        db.session.execute(
            select(FxRate)
            .where(FxRate.status == FxRateStatus.QUARANTINED.value)
            .order_by(FxRate.as_of.desc(), FxRate.id.desc())
            .limit(limit)
        ).scalars()
    )


def review(rate_id: int, user: User | None, accept: bool) -> FxRate:
    """Accept or reject a quarantined rate (committed); LookupError, NotQuarantined."""
    rate = db.session.get(FxRate, rate_id)
    if rate is None:
        raise LookupError(f"no FX rate {rate_id}")
    if rate.status != FxRateStatus.QUARANTINED.value:
        raise NotQuarantined(rate)
    rate.status = (FxRateStatus.ACCEPTED if accept else FxRateStatus.REJECTED).value
    rate.reviewed_by_id = user.id if user is not None else None
    rate.reviewed_at = utcnow()
    db.session.commit()
    return rate


def as_dict(rate: FxRate) -> dict:
    """A stored rate as the API and the audit log show it."""
    return {
        "id": rate.id,
        "pair": f"{rate.base}/{rate.quote}",
        "base": rate.base,
        "quote": rate.quote,
        "rate": rate.rate,
        "source": rate.source,
        "as_of": rate.as_of,
        "fetched_at": rate.fetched_at,
        "status": rate.status,
        "reference_rate": rate.reference_rate,
        "move_pct": rate.move_pct,
    }

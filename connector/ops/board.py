"""The shipments board: a page of shipments, counts per facet and failures per day.

What a filter selects is the shipments service's (``connector.orders.shipment_filter``),
shared with the bulk retry, the CLI and the API.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from connector.extensions import db
from connector.factory import deadline
from connector.models import SalesOrder, Shipment, ShipmentAttempt
from connector.models.types import utcnow
from connector.orders.shipment_filter import ShipmentFilter, conditions, joined
from connector.orders.states import ShipmentState

STATES = tuple(state.value for state in ShipmentState)
# Where failures show first on the board: what needs a person, then what waits.
STATE_ORDER = (
    "needs_attention",
    "retrying",
    "pending",
    "submitting",
    "submitted",
    "in_transit",
    "delivered",
    "cancelled",
)
FACETS = ("state", "market", "adapter", "reason")
MAX_ID = 2**63 - 1
CODE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Failed attempts, not shipments: a carrier outage shows as a wall of transient errors.
FAILED_OUTCOMES = ("transient", "permanent")


@dataclass(frozen=True)
class BoardRow:
    shipment: Shipment
    market: str
    reference: str | None

    @property
    def skus(self) -> list[str]:
        return [line.sku for line in self.shipment.lines]


def page_of_shipments(flt: ShipmentFilter, limit: int, offset: int) -> tuple[list[BoardRow], int]:
    """Matching shipments, newest first, with their market; and how many match."""
    where = conditions(flt)
    rows = db.session.execute(
        joined(select(Shipment, SalesOrder.market_code, SalesOrder.reference))
        .where(*where)
        .options(selectinload(Shipment.lines))
        .order_by(Shipment.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = db.session.execute(joined(select(func.count(Shipment.id))).where(*where)).scalar_one()
    return [BoardRow(shipment, market, reference) for shipment, market, reference in rows], total


FACET_COLUMNS = {
    "state": Shipment.state,
    "market": SalesOrder.market_code,
    "adapter": Shipment.adapter,
    "reason": Shipment.last_error_code,
}


def facet_counts(flt: ShipmentFilter) -> dict[str, list[tuple[str, int]]]:
    """Counts per value of each facet, under every other part of the filter.

    Each facet ignores its own selection, so the board shows what choosing
    another value would give (the usual faceted search).
    """
    counts: dict[str, list[tuple[str, int]]] = {}
    for facet, column in FACET_COLUMNS.items():
        where = conditions(flt.without(facet))
        if facet == "reason":
            # Reasons of shipments still failing: a submitted shipment's old error is history.
            where = [
                *where,
                column.is_not(None),
                Shipment.state.in_(["needs_attention", "retrying"]),
            ]
        rows = db.session.execute(
            joined(select(column, func.count(Shipment.id))).where(*where).group_by(column)
        ).all()
        found = {str(value): count for value, count in rows if value is not None}
        if facet == "state":
            ordered = [(s, found[s]) for s in STATE_ORDER if s in found]
        else:
            ordered = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        counts[facet] = ordered
    return counts


def late_among(ids: list[int]) -> set[int]:
    """Which of these shipments the factory has not answered past its deadline."""
    if not ids:
        return set()
    return set(
        db.session.execute(
            select(Shipment.id).where(Shipment.id.in_(ids), deadline.late(utcnow()))
        ).scalars()
    )


def late_total() -> int:
    """Open shipments the factory has not confirmed or refused past their deadline."""
    return db.session.execute(
        select(func.count(Shipment.id)).where(deadline.late(utcnow()))
    ).scalar_one()


def state_totals() -> dict[str, int]:
    """Shipments per state, unfiltered: the headline numbers of the board."""
    rows = db.session.execute(
        select(Shipment.state, func.count(Shipment.id)).group_by(Shipment.state)
    ).all()
    return {state: count for state, count in rows}


# -- failures per day ------------------------------------------------------------------


@dataclass(frozen=True)
class FailureChart:
    days: list[date]
    reasons: list[str]  # most frequent first; the rest are folded into "other"
    counts: dict[tuple[date, str], int]
    total: int

    def day_total(self, day: date) -> int:
        return sum(self.counts.get((day, reason), 0) for reason in self.reasons)

    @property
    def peak(self) -> int:
        return max((self.day_total(day) for day in self.days), default=0)


OTHER = "other"


def _day_expression():
    dialect = db.session.get_bind().dialect.name
    column = ShipmentAttempt.finished_at
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    # SQLite keeps UTC text "YYYY-MM-DD HH:MM:SS..."; its first ten characters are the day.
    return func.substr(column, 1, 10)


def failures_by_day(
    days: int = 14, flt: ShipmentFilter | None = None, top: int = 6
) -> FailureChart:
    """Failed attempts per UTC day and reason, for the last ``days`` days (today included)."""
    today = utcnow().date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time(0), tzinfo=UTC)
    day = _day_expression()
    statement = (
        select(day, ShipmentAttempt.error_code, func.count(ShipmentAttempt.id))
        .select_from(ShipmentAttempt)
        .join(Shipment, Shipment.id == ShipmentAttempt.shipment_id)
        .join(SalesOrder, SalesOrder.id == Shipment.order_id)
        .where(
            ShipmentAttempt.outcome.in_(FAILED_OUTCOMES),
            ShipmentAttempt.finished_at >= start,
        )
        .group_by(day, ShipmentAttempt.error_code)
    )
    if flt is not None:
        statement = statement.where(*conditions(flt.without("reason").without("state")))
    raw: Counter = Counter()
    for day_text, reason, count in db.session.execute(statement).all():
        try:
            when = date.fromisoformat(str(day_text)[:10])
        except ValueError:
            continue
        raw[(when, reason or "unknown")] += count
    by_reason: Counter = Counter()
    for (_when, reason), count in raw.items():
        by_reason[reason] += count
    leading = [reason for reason, _count in by_reason.most_common(top)]
    if len(by_reason) > top:
        leading = [*leading[: top - 1], OTHER]
    counts: Counter = Counter()
    for (when, reason), count in raw.items():
        counts[(when, reason if reason in leading else OTHER)] += count
    return FailureChart(
        days=[first + timedelta(days=offset) for offset in range(days)],
        reasons=leading,
        counts=dict(counts),
        total=sum(raw.values()),
    )

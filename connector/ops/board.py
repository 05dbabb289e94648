"""The shipments board: filters, search, counts per facet and failures per day.

A filter is plain data (:class:`ShipmentFilter`), read from a query string or
the command line, so the board, the bulk retry job and the CLI select exactly
the same shipments.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import selectinload

from connector.extensions import db
from connector.models import OrderLine, SalesOrder, Shipment, ShipmentAttempt
from connector.models.types import utcnow
from connector.orders.states import RETRYABLE, ShipmentState
from connector.params import whole_number

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


class BadFilter(ValueError):
    """A filter value that cannot select anything (unknown state, malformed code)."""


@dataclass(frozen=True)
class ShipmentFilter:
    states: tuple[str, ...] = ()
    market: str | None = None
    adapter: str | None = None
    reason: str | None = None
    q: str | None = None
    ids: tuple[int, ...] = field(default=())

    @classmethod
    def build(
        cls,
        states=(),
        market: str | None = None,
        adapter: str | None = None,
        reason: str | None = None,
        q: str | None = None,
        ids=(),
    ) -> ShipmentFilter:
        """A checked filter; :class:`BadFilter` names the value that is wrong."""
        clean_states = tuple(dict.fromkeys(s.strip() for s in states if s and s.strip()))
        for state in clean_states:
            if state not in STATES:
                raise BadFilter(f"unknown state {state!r}; states are {', '.join(STATES)}")
        market = (market or "").strip().upper() or None
        if market and not re.fullmatch(r"[A-Z]{2}", market):
            raise BadFilter(f"a market is a two-letter code, not {market!r}")
        adapter = (adapter or "").strip() or None
        reason = (reason or "").strip() or None
        for name, value in (("adapter", adapter), ("reason", reason)):
            if value and not CODE.match(value):
                raise BadFilter(f"{name} {value!r} is not a code")
        q = (q or "").strip()[:100] or None
        clean_ids = []
        for raw in ids:
            text = str(raw).strip()
            if not text:
                continue
            shipment_id = whole_number(text, 1, MAX_ID)
            if shipment_id is None:
                raise BadFilter(f"{text!r} is not a shipment id")
            clean_ids.append(shipment_id)
        return cls(clean_states, market, adapter, reason, q, tuple(dict.fromkeys(clean_ids)))

    @classmethod
    def from_args(cls, args: Mapping) -> ShipmentFilter:
        """From a query string (``state`` may repeat; ``ids`` is a comma list)."""
        getlist = getattr(args, "getlist", None)
        states = getlist("state") if getlist else [args.get("state") or ""]
        raw_ids = (args.get("ids") or "").replace(" ", ",").split(",")
        return cls.build(
            states=states,
            market=args.get("market"),
            adapter=args.get("adapter"),
            reason=args.get("reason"),
            q=args.get("q"),
            ids=raw_ids,
        )

    def to_args(self) -> dict:
        """The query string that rebuilds this filter (``url_for(..., **f.to_args())``)."""
        args: dict = {}
        if self.states:
            args["state"] = list(self.states)
        for name in ("market", "adapter", "reason", "q"):
            if getattr(self, name):
                args[name] = getattr(self, name)
        if self.ids:
            args["ids"] = ",".join(str(i) for i in self.ids)
        return args

    def to_dict(self) -> dict:
        """JSON-ready, for the audit log and job arguments."""
        return {
            "states": list(self.states),
            "market": self.market,
            "adapter": self.adapter,
            "reason": self.reason,
            "q": self.q,
            "ids": list(self.ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ShipmentFilter:
        return cls.build(
            states=data.get("states") or (),
            market=data.get("market"),
            adapter=data.get("adapter"),
            reason=data.get("reason"),
            q=data.get("q"),
            ids=data.get("ids") or (),
        )

    @property
    def empty(self) -> bool:
        return not (self.states or self.market or self.adapter or self.reason or self.q or self.ids)

    def without(self, facet: str) -> ShipmentFilter:
        """This filter with one facet (state, market, adapter, reason) unset."""
        if facet == "state":
            return replace(self, states=())
        return replace(self, **{facet: None})


def _search(q: str):
    """Order id or the seller's order number, tracking number or service reference, SKU."""
    text = q.lstrip("#").strip()
    if not text:
        return None
    upper = text.upper()
    options = [
        func.upper(Shipment.tracking_number) == upper,
        Shipment.external_ref == text,
        Shipment.idempotency_key == text,
        SalesOrder.reference == text,
    ]
    order_id = whole_number(text)
    if order_id is not None:
        options.append(Shipment.order_id == order_id)
    pattern = upper.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    options.append(
        exists().where(
            OrderLine.shipment_id == Shipment.id,
            func.upper(OrderLine.sku).like(pattern, escape="\\"),
        )
    )
    return or_(*options)


def conditions(flt: ShipmentFilter) -> list:
    """WHERE clauses for a query joining Shipment to SalesOrder."""
    where = []
    if flt.states:
        where.append(Shipment.state.in_(flt.states))
    if flt.market:
        where.append(SalesOrder.market_code == flt.market)
    if flt.adapter:
        where.append(Shipment.adapter == flt.adapter)
    if flt.reason:
        where.append(Shipment.last_error_code == flt.reason)
    if flt.q:
        clause = _search(flt.q)
        if clause is not None:
            where.append(clause)
    if flt.ids:
        where.append(Shipment.id.in_(flt.ids))
    return where


def _joined(statement: Select) -> Select:
    return statement.select_from(Shipment).join(SalesOrder, SalesOrder.id == Shipment.order_id)


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
        _joined(select(Shipment, SalesOrder.market_code, SalesOrder.reference))
        .where(*where)
        .options(selectinload(Shipment.lines))
        .order_by(Shipment.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    total = db.session.execute(_joined(select(func.count(Shipment.id))).where(*where)).scalar_one()
    return [BoardRow(shipment, market, reference) for shipment, market, reference in rows], total


def _retryable(where: list) -> list:
    return [
        *where,
        Shipment.state.in_([str(state) for state in RETRYABLE]),
        Shipment.cancel_requested.is_(False),
    ]


def retryable_ids(flt: ShipmentFilter, limit: int | None = None) -> list[int]:
    """The shipments of the filter that a retry would act on, oldest first."""
    statement = (
        _joined(select(Shipment.id)).where(*_retryable(conditions(flt))).order_by(Shipment.id)
    )
    if limit:
        statement = statement.limit(limit)
    return list(db.session.execute(statement).scalars())


def retryable_count(flt: ShipmentFilter) -> int:
    return db.session.execute(
        _joined(select(func.count(Shipment.id))).where(*_retryable(conditions(flt)))
    ).scalar_one()


def matching_ids(flt: ShipmentFilter, limit: int | None = None) -> list[int]:
    statement = _joined(select(Shipment.id)).where(*conditions(flt)).order_by(Shipment.id)
    if limit:
        statement = statement.limit(limit)
    return list(db.session.execute(statement).scalars())


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
            _joined(select(column, func.count(Shipment.id))).where(*where).group_by(column)
        ).all()
        found = {str(value): count for value, count in rows if value is not None}
        if facet == "state":
            ordered = [(s, found[s]) for s in STATE_ORDER if s in found]
        else:
            ordered = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        counts[facet] = ordered
    return counts


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

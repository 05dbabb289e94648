"""Which shipments: the filter ops use on the board, in the bulk retry, the CLI and the API.

A filter is plain data (:class:`ShipmentFilter`), read from a query string, a
JSON body or the command line, so every surface selects exactly the same
shipments. It is a service of the shipments (the API and the ops console both
use it), not of one page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from sqlalchemy import Select, exists, func, or_, select

from connector.extensions import db
from connector.factory import deadline
from connector.models import OrderLine, SalesOrder, Shipment
from connector.models.types import utcnow
from connector.orders.predicates import retryable
from connector.orders.states import ShipmentState
from connector.params import whole_number

STATES = tuple(state.value for state in ShipmentState)
MAX_ID = 2**63 - 1
CODE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


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
    # Not confirmed nor refused by the factory past its deadline (``factory.deadline``).
    late: bool = False

    @classmethod
    def build(
        cls,
        states=(),
        market: str | None = None,
        adapter: str | None = None,
        reason: str | None = None,
        q: str | None = None,
        ids=(),
        late: bool = False,
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
        return cls(
            clean_states, market, adapter, reason, q, tuple(dict.fromkeys(clean_ids)), bool(late)
        )

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
            late=(args.get("late") or "") in ("1", "true", "on"),
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
        if self.late:
            args["late"] = "1"
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
            "late": self.late,
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
            late=bool(data.get("late")),
        )

    @property
    def empty(self) -> bool:
        return not (
            self.states
            or self.market
            or self.adapter
            or self.reason
            or self.q
            or self.ids
            or self.late
        )

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
    if flt.late:
        where.append(deadline.late(utcnow()))
    return where


def joined(statement: Select) -> Select:
    return statement.select_from(Shipment).join(SalesOrder, SalesOrder.id == Shipment.order_id)


def retryable_ids(flt: ShipmentFilter, limit: int | None = None) -> list[int]:
    """The shipments of the filter that a retry would act on, oldest first."""
    statement = (
        joined(select(Shipment.id)).where(*conditions(flt), *retryable()).order_by(Shipment.id)
    )
    if limit:
        statement = statement.limit(limit)
    return list(db.session.execute(statement).scalars())


def retryable_count(flt: ShipmentFilter) -> int:
    return db.session.execute(
        joined(select(func.count(Shipment.id))).where(*conditions(flt), *retryable())
    ).scalar_one()


def matching_ids(flt: ShipmentFilter, limit: int | None = None) -> list[int]:
    statement = joined(select(Shipment.id)).where(*conditions(flt)).order_by(Shipment.id)
    if limit:
        statement = statement.limit(limit)
    return list(db.session.execute(statement).scalars())

"""The SQL conditions on a shipment's state, written once: who may take it, and when.

Every action on a shipment (a dispatch claim, an ops retry, a cancellation, a
fix, the sweeps) is a conditional UPDATE or SELECT whose WHERE says what the
row must look like for the action to be allowed. Keeping those conditions
here means the claim, the sweep and ops agree on what "claimable", "due" or
"retryable" mean. Each takes the columns from ``c``: the ORM class
(``Shipment``, the default) or a Core table's ``.c`` (the dispatch claim uses
Core for speed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, or_, update

from connector.extensions import db
from connector.models import Shipment
from connector.orders.states import CLAIMABLE, FINAL, RETRYABLE, ShipmentState


def in_states(states: Iterable[ShipmentState], c=Shipment) -> ColumnElement[bool]:
    return c.state.in_([str(state) for state in states])


def lease_free(now: datetime, c=Shipment) -> ColumnElement[bool]:
    """No worker holds the shipment: never leased, or the lease ran out."""
    return or_(c.lease_expires_at.is_(None), c.lease_expires_at < now)


def due(now: datetime, c=Shipment) -> ColumnElement[bool]:
    """Its next attempt's time has come (or it never had to wait)."""
    return or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now)


def claimable(now: datetime, c=Shipment) -> list[ColumnElement[bool]]:
    """A dispatch may claim it now: waiting to be sent, due, not being cancelled, free."""
    return [in_states(CLAIMABLE, c), c.cancel_requested.is_(False), due(now, c), lease_free(now, c)]


def retryable(now: datetime | None = None, c=Shipment) -> list[ColumnElement[bool]]:
    """Ops may send it again; with ``now``, also no worker holds it right now."""
    where = [in_states(RETRYABLE, c), c.cancel_requested.is_(False)]
    if now is not None:
        where.append(lease_free(now, c))
    return where


def cancelling(now: datetime, c=Shipment) -> list[ColumnElement[bool]]:
    """A requested cancellation that a job may carry out now."""
    return [
        c.cancel_requested.is_(True),
        c.state.not_in([str(s) for s in FINAL]),
        lease_free(now, c),
    ]


def take(shipment_id: int, *where: ColumnElement[bool], **values) -> bool:
    """Write ``values`` to the shipment only if it matches ``where``: one conditional UPDATE,
    which one of any number of racing callers wins. True when this caller did."""
    result = db.session.execute(
        update(Shipment)
        .where(Shipment.id == shipment_id, *where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1

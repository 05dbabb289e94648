"""When the factory must confirm (or refuse) a shipment, and which ones are late.

The deadline is set once, when the order is placed, from the listings the shipment
carries: a factory that cannot say yes within the listing's lead time cannot ship in
it either, so the shortest lead time among them is the time to answer; a listing
without one gives ``DEFAULT_DAYS``. Kept on the shipment, so a later edit of the
listing does not move an order's deadline and "late" is one indexed comparison.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, select

from connector.extensions import db
from connector.models import FactoryStep, Listing, SalesOrder, Shipment
from connector.orders.states import ShipmentState as S

DEFAULT_DAYS = 2
# A shipment in these states needs no answer from the factory any more.
ANSWERED_STATES = (S.CANCELLED.value, S.DELIVERED.value)
# The steps that answer an order: yes or no.
ANSWERS = ("confirmed", "refused")


def set_confirm_by(order: SalesOrder) -> None:
    """Give each of a new order's shipments its deadline (the caller commits)."""
    listing_ids = {line.listing_id for line in order.lines}
    lead = dict(
        db.session.execute(
            select(Listing.id, Listing.lead_time_days).where(Listing.id.in_(listing_ids))
        ).all()
    )
    for shipment in order.shipments:
        days = [
            lead.get(line.listing_id) or DEFAULT_DAYS
            for line in order.lines
            if line.shipment_id == shipment.id
        ]
        shipment.confirm_by = order.created_at + timedelta(days=min(days or [DEFAULT_DAYS]))


def unanswered() -> ColumnElement[bool]:
    """The factory has neither confirmed nor refused the shipment."""
    return ~exists().where(FactoryStep.shipment_id == Shipment.id, FactoryStep.step.in_(ANSWERS))


def late(now: datetime) -> ColumnElement[bool]:
    """Past its deadline with no answer from the factory, and still open."""
    return and_(
        Shipment.confirm_by.is_not(None),
        Shipment.confirm_by < now,
        Shipment.state.not_in(ANSWERED_STATES),
        unanswered(),
    )


def is_late(shipment: Shipment, answered: bool, now: datetime) -> bool:
    """The same test for one shipment already loaded (``answered``: confirmed or refused)."""
    return (
        shipment.confirm_by is not None
        and shipment.confirm_by < now
        and shipment.state not in ANSWERED_STATES
        and not answered
    )

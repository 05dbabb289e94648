"""The factory says no: a shipment refused with a reason, cancelled, its stock given back.

A refusal is the factory's answer in place of a confirmation (a confirmed shipment is
not refused: ops cancel it). It is recorded as a step with the reason, which the
seller reads on the shipment, and the shipment is cancelled the way ops cancel one:
at once if no service has it, else through the job that cancels it at the carrier
first. The stock comes back with the cancellation, once.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from connector.extensions import db
from connector.factory import steps
from connector.models import FactoryStep, Shipment, User
from connector.models.types import utcnow
from connector.orders import shipment_actions, tracking
from connector.orders.states import ShipmentState as S
from connector.seller_hooks import events as seller_events

REFUSED = "refused"
REASON_MAX = 300


def of(shipment_id: int) -> dict | None:
    """The factory's refusal of the shipment, {reason, at}, or None."""
    row = db.session.execute(
        select(FactoryStep.reason, FactoryStep.at).where(
            FactoryStep.shipment_id == shipment_id, FactoryStep.step == REFUSED
        )
    ).first()
    return None if row is None else {"reason": row.reason, "at": row.at}


def refuse(shipment: Shipment, reason: str, user: User) -> dict:
    """Refuse the shipment (committed) and cancel it; the refusal, new or earlier.

    StepRefused when it was confirmed or is cancelled already.
    """
    earlier = of(shipment.id)
    if earlier is not None:
        return earlier
    if shipment.state == S.CANCELLED:
        raise steps.StepRefused("shipment_cancelled", str(_l("This shipment was cancelled.")))
    if steps.CONFIRMED in steps.of(shipment.id):
        raise steps.StepRefused(
            "already_confirmed",
            str(_l("You confirmed this order; ask the marketplace team to cancel it.")),
        )
    actor = f"factory:{user.email}"[:120]
    db.session.add(
        FactoryStep(
            shipment_id=shipment.id,
            step=REFUSED,
            user_id=user.id,
            at=utcnow(),
            reason=reason[:REASON_MAX],
        )
    )
    tracking.add_event(
        shipment.id,
        source="factory",
        code="refused_by_factory",
        description=reason,
        actor=actor,
        key=f"factory:refused:{shipment.id}",
    )
    order = shipment.order
    seller_events.order_refused(
        order.seller_id,
        stage="factory",
        code="refused_by_factory",
        message=reason[:REASON_MAX],
        order_id=order.id,
        market=order.market_code,
        reference=order.reference,
    )
    try:
        db.session.commit()
    except IntegrityError:
        # Two clicks at once: the other one refused it.
        db.session.rollback()
        return of(shipment.id)
    try:
        shipment_actions.request_cancel(shipment.id, actor)
    except shipment_actions.NotAllowed:
        # Delivered or cancelled meanwhile: the refusal stands as the factory's word.
        db.session.rollback()
    return of(shipment.id)

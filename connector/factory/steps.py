"""The factory's own steps on a shipment: confirmed, packed, handed over; each once,
recorded with the time and the user who took it.

The steps go in order (a shipment is confirmed before it is packed, packed before it
is handed to the carrier); a cancelled shipment takes none. Taking a step twice is
not an error: the first record stands and is answered again.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from connector.extensions import db
from connector.models import FactoryStep, Shipment, User
from connector.models.types import utcnow
from connector.orders.states import ShipmentState as S

CONFIRMED = "confirmed"
PACKED = "packed"
HANDED_OVER = "handed_over"
ORDER = (CONFIRMED, PACKED, HANDED_OVER)
# The other answer to an order (``connector.factory.refusal``): no step follows it.
REFUSED = "refused"

STEP_LABELS = {
    CONFIRMED: _l("Confirmed"),
    PACKED: _l("Packed"),
    HANDED_OVER: _l("Handed over"),
    REFUSED: _l("Refused"),
}

# Why a step must wait, by the step that is missing.
FIRST = {
    CONFIRMED: _l("Confirm the order first."),
    PACKED: _l("Mark the shipment packed first."),
}


class StepRefused(Exception):
    """The step cannot be taken now; ``code`` is stable, ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def of(shipment_id: int) -> dict[str, dict]:
    """The steps taken on a shipment: {step: {at, by}} (a refusal also has its reason)."""
    rows = db.session.execute(
        select(FactoryStep, User.display_name)
        .outerjoin(User, User.id == FactoryStep.user_id)
        .where(FactoryStep.shipment_id == shipment_id)
    ).all()
    taken = {}
    for row, name in rows:
        taken[row.step] = {"at": row.at, "by": name}
        if row.reason is not None:
            taken[row.step]["reason"] = row.reason
    return taken


def progress(shipment_id: int) -> tuple[dict[str, datetime], dict | None]:
    """What the seller may read of the factory's steps: when each was taken (not who),
    and the refusal with its reason, if any."""
    rows = db.session.execute(
        select(FactoryStep.step, FactoryStep.at, FactoryStep.reason).where(
            FactoryStep.shipment_id == shipment_id
        )
    ).all()
    taken = {row.step: row.at for row in rows if row.step != REFUSED}
    refused = next(({"reason": r.reason, "at": r.at} for r in rows if r.step == REFUSED), None)
    return taken, refused


def shipments_with(step: str, supplier_id: int) -> set[int]:
    """Ids of the supplier's shipments that have taken ``step``."""
    return set(
        db.session.execute(
            select(FactoryStep.shipment_id)
            .join(Shipment, Shipment.id == FactoryStep.shipment_id)
            .where(FactoryStep.step == step, Shipment.supplier_id == supplier_id)
        ).scalars()
    )


def take(shipment: Shipment, step: str, user: User, now: datetime | None = None) -> dict:
    """Record ``step`` on the shipment (committed); the step's record, new or earlier."""
    taken = of(shipment.id)
    if step in taken:
        return taken[step]
    if shipment.state == S.CANCELLED:
        raise StepRefused("shipment_cancelled", str(_l("This shipment was cancelled.")))
    if REFUSED in taken:
        raise StepRefused("refused", str(_l("You refused this order.")))
    before = ORDER[ORDER.index(step) - 1] if ORDER.index(step) else None
    if before is not None and before not in taken:
        raise StepRefused(f"not_{before}", str(FIRST[before]))
    db.session.add(
        FactoryStep(shipment_id=shipment.id, step=step, user_id=user.id, at=now or utcnow())
    )
    try:
        db.session.commit()
    except IntegrityError:
        # Two clicks at once: the other one recorded it.
        db.session.rollback()
    return of(shipment.id)[step]

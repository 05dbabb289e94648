"""What ops (and sellers) do to shipments: retry one that needs attention, cancel one.

Both go through the same database claim as every dispatch, so neither can race
a worker into a second parcel: a retry is a new attempt that reconciles first,
a cancellation finds the shipment at its service by key before cancelling it.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import and_, update

from adapters.carriers.base import scrub
from adapters.errors import AdapterError
from connector.extensions import db
from connector.factory import stock
from connector.models import Shipment
from connector.models.types import utcnow
from connector.orders import tracking
from connector.orders.adapters import build_adapter, cancelled_statuses
from connector.orders.lease import DispatchResult, backoff, settings
from connector.orders.predicates import cancelling, lease_free, retryable, take
from connector.orders.queueing import enqueue_cancel, enqueue_dispatch
from connector.orders.states import FINAL, ShipmentState

S = ShipmentState


class NotAllowed(Exception):
    """The shipment's state does not allow this action; ``state`` says what it is."""

    def __init__(self, state: str, message: str):
        super().__init__(message)
        self.state = state


def retry_shipment(shipment_id: int, actor: str) -> Shipment:
    """Send a shipment that needs attention (or waits to retry) again, now.

    It goes back to ``pending`` with a fresh budget of attempts, takes again the stock
    its failure released (NotAllowed when it is gone), and goes through the same claim
    as every attempt; since it has been tried before, that claim
    looks the key up at the service first, so a retry never makes a second parcel.
    """
    now = utcnow()
    taken = take(
        shipment_id,
        *retryable(now),
        state=S.PENDING,
        next_attempt_at=None,
        attempt_base=Shipment.attempt_count,
        updated_at=now,
    )
    shipment = db.session.get(Shipment, shipment_id)
    if not taken:
        db.session.rollback()
        state = shipment.state if shipment is not None else "missing"
        raise NotAllowed(state, f"A {state} shipment cannot be retried.")
    try:
        stock.hold_again(shipment_id)
    except stock.OutOfStock as exc:
        db.session.rollback()
        db.session.refresh(shipment)
        raise NotAllowed(
            shipment.state, f"Not enough stock left to send it again ({exc})."
        ) from exc
    tracking.add_event(
        shipment_id,
        source="ops",
        code="retry",
        state=S.PENDING,
        actor=actor[:120],
        key=f"ops:retry:{uuid.uuid4().hex}",
    )
    db.session.commit()
    db.session.refresh(shipment)
    enqueue_dispatch(shipment)
    return shipment


def request_cancel(shipment_id: int, actor: str) -> Shipment:
    """Cancel a shipment: at once if it never reached a service, else through a job
    that finds it there (by key) and cancels it first."""
    now = utcnow()
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.state in FINAL:
        state = shipment.state if shipment is not None else "missing"
        raise NotAllowed(state, f"A {state} shipment cannot be cancelled.")
    never_sent = take(
        shipment_id,
        Shipment.state == S.PENDING,
        Shipment.attempt_count == 0,
        lease_free(now),
        state=S.CANCELLED,
        updated_at=now,
    )
    if never_sent:
        tracking.add_event(
            shipment_id, source="ops", code="cancelled", state=S.CANCELLED, actor=actor[:120]
        )
        stock.release_shipment(shipment_id)
        db.session.commit()
        db.session.refresh(shipment)
        return shipment
    take(shipment_id, cancel_requested=True, updated_at=now)
    tracking.add_event(shipment_id, source="ops", code="cancel_requested", actor=actor[:120])
    db.session.commit()
    db.session.refresh(shipment)
    enqueue_cancel(shipment)
    return shipment


# -- carrying out a requested cancellation -------------------------------------------


def cancel(shipment_id: int) -> DispatchResult:
    """Carry out a requested cancellation: find the shipment at the service, cancel it
    there, then here. A refusal by the service (already picked up) ends the request."""
    token = _take_for_cancel(shipment_id)
    if token is None:
        return DispatchResult("not_claimed")
    shipment = db.session.get(Shipment, shipment_id)
    db.session.refresh(shipment)
    owned = and_(Shipment.id == shipment_id, Shipment.lease_token == token)
    try:
        _cancel_at_service(shipment)
    except AdapterError as error:
        db.session.rollback()
        return _cancel_failed(shipment_id, owned, error)
    return _cancelled(shipment_id, owned)


def _take_for_cancel(shipment_id: int) -> str | None:
    """Lease the shipment for the cancellation (committed); its lease token, or None when
    there is nothing to cancel or a worker holds it."""
    now = utcnow()
    token = uuid.uuid4().hex
    taken = take(
        shipment_id,
        *cancelling(now),
        lease_token=token,
        lease_expires_at=now + timedelta(seconds=settings()["lease_seconds"]),
        updated_at=now,
    )
    db.session.commit()
    return token if taken else None


def _cancel_at_service(shipment: Shipment) -> None:
    """Cancel the shipment at its service if the service has it (looked up by key) and
    has not cancelled it already; AdapterError when the service refuses or fails."""
    adapter = build_adapter(shipment.adapter)
    if not (shipment.attempt_count or shipment.external_ref):
        return  # no call ever went out: the service cannot have it
    booking = adapter.lookup(shipment.idempotency_key, shipment.external_ref)
    if booking is not None and booking.status not in cancelled_statuses(shipment.adapter):
        adapter.cancel(booking)


def _cancel_failed(shipment_id: int, owned, error: AdapterError) -> DispatchResult:
    """Release the lease; a permanent refusal ends the request, a transient one retries."""
    refused = not error.transient
    db.session.execute(
        update(Shipment)
        .where(owned)
        .values(
            lease_token=None,
            lease_expires_at=None,
            cancel_requested=not refused,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    tracking.add_event(
        shipment_id,
        source="dispatch",
        code="cancel_refused" if refused else "cancel_failed",
        description=f"{error.code}: {scrub(error.message)}",
    )
    db.session.commit()
    if refused:
        return DispatchResult("cancel_refused")
    return DispatchResult("retrying", retry_in=backoff(1, error.retry_after))


def _cancelled(shipment_id: int, owned) -> DispatchResult:
    db.session.execute(
        update(Shipment)
        .where(owned)
        .values(
            state=S.CANCELLED,
            cancel_requested=False,
            lease_token=None,
            lease_expires_at=None,
            next_attempt_at=None,
            updated_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    tracking.add_event(shipment_id, source="dispatch", code="cancelled", state=S.CANCELLED)
    stock.release_shipment(shipment_id)
    db.session.commit()
    return DispatchResult("cancelled")

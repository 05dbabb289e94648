"""Sending a shipment to its service exactly once: claim, reconcile, send, record.

The database decides who may talk to the service about a shipment. A worker
*claims* it with one conditional UPDATE, which only one of any number of
racing workers can win (the row is locked while PostgreSQL re-checks the
WHERE; SQLite serialises writers)::

    UPDATE shipment SET state='submitting', lease_token=:mine,
           lease_expires_at=now+lease, attempt_count=attempt_count+1
     WHERE id=:id AND NOT cancel_requested
       AND (lease_expires_at IS NULL OR lease_expires_at < now)
       AND ((state IN ('pending','retrying') AND due) OR state='submitting')

The claim is committed, with an attempt row, before anything is sent, so a
worker killed mid-call leaves a ``submitting`` shipment whose lease runs out;
the sweep re-enqueues it and the next claim starts by looking the key up at the
service (*reconcile before retry*), which finds the parcel the dead worker
created. Every attempt after the first reconciles, and a create that the
service refuses as a duplicate reference is answered by a lookup too. Results
are written with ``WHERE lease_token = :mine``: a worker that lost its lease
(it overran) records nothing over its successor.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError

from adapters.carriers.base import AwaitingService, Booking, Document, DuplicateReference, scrub
from adapters.errors import AdapterError
from connector.extensions import db
from connector.factory import stock
from connector.models import Shipment, ShipmentAttempt
from connector.models.types import utcnow
from connector.orders import tracking
from connector.orders.adapters import build_adapter
from connector.orders.lease import DispatchResult, backoff, settings
from connector.orders.parcel import shipment_request
from connector.orders.pii import PiiUnreadable
from connector.orders.predicates import claimable, due, in_states, lease_free
from connector.orders.states import CLAIMABLE, ShipmentState

log = logging.getLogger(__name__)
S = ShipmentState
SHIPMENT = Shipment.__table__


@dataclass(frozen=True)
class Claim:
    shipment_id: int
    token: str
    number: int  # the attempt number
    reconcile: bool  # look the key up at the service before any create


def claim(shipment_id: int, now: datetime | None = None) -> Claim | None:
    """Take the shipment for one attempt, or None when it is not ours to take now."""
    now = now or utcnow()
    token = uuid.uuid4().hex
    # Core, not ORM: most claims by a fresh work horse fail (the shipment is taken),
    # and a Core statement costs that horse no mapper set-up.
    c = SHIPMENT.c
    statement = (
        update(SHIPMENT)
        .where(
            c.id == shipment_id,
            c.cancel_requested.is_(False),
            lease_free(now, c),
            # Waiting and due, or left "submitting" by a worker whose lease ran out.
            or_(and_(in_states(CLAIMABLE, c), due(now, c)), c.state == S.SUBMITTING),
        )
        .values(
            state=S.SUBMITTING,
            lease_token=token,
            lease_expires_at=now + timedelta(seconds=settings()["lease_seconds"]),
            attempt_count=c.attempt_count + 1,
            updated_at=now,
        )
        .returning(c.attempt_count, c.external_ref)
    )
    row = db.session.execute(statement).first()
    if row is None:
        db.session.rollback()
        return None
    number, external_ref = row
    reconcile = number > 1 or external_ref is not None
    if number > 1:
        # An earlier attempt still open lost its worker (killed, or overran its lease).
        db.session.execute(
            update(ShipmentAttempt.__table__)
            .where(
                ShipmentAttempt.__table__.c.shipment_id == shipment_id,
                ShipmentAttempt.__table__.c.outcome.is_(None),
                ShipmentAttempt.__table__.c.number < number,
            )
            .values(outcome="abandoned", finished_at=now)
        )
    db.session.add(
        ShipmentAttempt(
            shipment_id=shipment_id,
            number=number,
            lease_token=token,
            reconciled=reconcile,
            started_at=now,
        )
    )
    db.session.commit()
    return Claim(shipment_id, token, number, reconcile)


def due_ids(limit: int, skip: set[int]) -> list[int]:
    """Shipments a worker could claim right now (oldest first), apart from ``skip``."""
    now = utcnow()
    c = SHIPMENT.c
    query = select(c.id).where(*claimable(now, c)).order_by(c.id).limit(limit)
    if skip:
        query = query.where(c.id.not_in(skip))
    ids = list(db.session.execute(query).scalars())
    db.session.rollback()
    return ids


def _owned(claim_: Claim):
    return and_(Shipment.id == claim_.shipment_id, Shipment.lease_token == claim_.token)


def _finish_attempt(claim_: Claim, outcome: str, error: AdapterError | None, secrets) -> None:
    attempt = db.session.execute(
        select(ShipmentAttempt).where(
            ShipmentAttempt.shipment_id == claim_.shipment_id,
            ShipmentAttempt.number == claim_.number,
        )
    ).scalar_one()
    attempt.finished_at = utcnow()
    attempt.outcome = outcome
    if error is not None:
        attempt.error_code = error.code[:64]
        attempt.error_message = scrub(error.message, *secrets)


def _record_reference(claim_: Claim, booking: Booking) -> bool:
    """Keep the service's id as soon as it is known, so a later attempt asks by it."""
    result = db.session.execute(
        update(Shipment)
        .where(_owned(claim_))
        .values(external_ref=booking.external_ref, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _finish_submitted(
    claim_: Claim, booking: Booking, found: bool, sandbox: bool, documents: list[Document]
) -> DispatchResult:
    now = utcnow()
    result = db.session.execute(
        update(Shipment)
        .where(_owned(claim_), Shipment.state == S.SUBMITTING)
        .values(
            state=S.SUBMITTED,
            external_ref=booking.external_ref,
            tracking_number=booking.tracking_number,
            carrier_status=booking.status,
            sandbox=sandbox,
            lease_token=None,
            lease_expires_at=None,
            next_attempt_at=None,
            last_error_code=None,
            last_error_message=None,
            last_error_field=None,
            last_error_at=None,
            submitted_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return _lease_lost(claim_)
    outcome = "found" if found else "submitted"
    _finish_attempt(claim_, outcome, None, ())
    tracking.add_event(
        claim_.shipment_id,
        source="dispatch",
        code="found_at_service" if found else "submitted",
        state=S.SUBMITTED,
        description=f"attempt {claim_.number}",
        key=f"dispatch:{claim_.number}",
    )
    shipment = db.session.get(Shipment, claim_.shipment_id)
    db.session.refresh(shipment)
    if documents:
        tracking.store_documents(shipment, documents)
    # Webhooks that arrived while we were still talking to the service apply now.
    tracking.apply_events(shipment)
    db.session.commit()
    return DispatchResult(outcome, attempt=claim_.number)


def _finish_failed(claim_: Claim, error: AdapterError, secrets) -> DispatchResult:
    now = utcnow()
    shipment = db.session.get(Shipment, claim_.shipment_id)
    db.session.refresh(shipment)
    used = shipment.attempt_count - shipment.attempt_base
    exhausted = used >= int(settings()["max_attempts"])
    message = scrub(error.message, *secrets)
    if error.transient and not exhausted:
        delay = backoff(used, error.retry_after)
        state, next_at, outcome = S.RETRYING, now + timedelta(seconds=delay), "transient"
    else:
        delay, state, next_at, outcome = None, S.NEEDS_ATTENTION, None, "permanent"
        if error.transient:
            message = f"gave up after {used} attempts: {message}"[:480]
    result = db.session.execute(
        update(Shipment)
        .where(_owned(claim_), Shipment.state == S.SUBMITTING)
        .values(
            state=state,
            next_attempt_at=next_at,
            lease_token=None,
            lease_expires_at=None,
            last_error_code=error.code[:64],
            last_error_message=message,
            last_error_field=(getattr(error, "field", None) or None),
            last_error_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return _lease_lost(claim_)
    _finish_attempt(claim_, outcome, error, secrets)
    if state == S.NEEDS_ATTENTION:
        # No service took it, so the goods are still the factory's to sell; an ops retry
        # takes them again. Guarded by the lease above, and a released row is not again.
        stock.release_shipment(claim_.shipment_id)
    tracking.add_event(
        claim_.shipment_id,
        source="dispatch",
        code=error.code,
        state=state,
        description=message[:300],
        key=f"dispatch:{claim_.number}",
    )
    db.session.commit()
    log.info(
        "shipment %s attempt %s: %s (%s)%s",
        claim_.shipment_id,
        claim_.number,
        error.code,
        "transient" if error.transient else "permanent",
        f", next in {delay:.1f}s" if delay is not None else ", needs attention",
    )
    return DispatchResult(str(state), retry_in=delay, attempt=claim_.number, error_code=error.code)


def _lease_lost(claim_: Claim) -> DispatchResult:
    db.session.rollback()
    _finish_attempt(claim_, "lease_lost", None, ())
    db.session.commit()
    log.warning("shipment %s attempt %s overran its lease", claim_.shipment_id, claim_.number)
    return DispatchResult("lease_lost", attempt=claim_.number)


def _send(claim_: Claim, shipment: Shipment, adapter, request) -> tuple[Booking, bool]:
    """The booking at the service, and whether it already existed (found by our key)."""
    booking = None
    if claim_.reconcile:
        booking = adapter.lookup(shipment.idempotency_key, shipment.external_ref)
    found = booking is not None
    if booking is None:
        try:
            booking = adapter.create(request)
        except DuplicateReference:
            # The service has our key already: an earlier call did act. Ask for it.
            booking = adapter.lookup(shipment.idempotency_key)
            if booking is None:
                raise AwaitingService(
                    "the service reports our key as used but does not show the shipment yet",
                    provider=adapter.name,
                ) from None
            found = True
    if booking.pending:
        _record_reference(claim_, booking)
        booking = adapter.confirm(booking)
    return booking, found


def dispatch(shipment_id: int) -> DispatchResult:
    """One attempt to get the shipment to its service; safe to run any number of times."""
    claim_ = claim(shipment_id)
    if claim_ is None:
        return DispatchResult("not_claimed")
    shipment = db.session.get(Shipment, shipment_id)
    secrets: list[str] = []
    try:
        adapter = build_adapter(shipment.adapter)
        request, secrets = shipment_request(shipment)
        booking, found = _send(claim_, shipment, adapter, request)
    except AdapterError as error:
        db.session.rollback()
        return _finish_failed(claim_, error, secrets)
    except PiiUnreadable as exc:
        db.session.rollback()
        error = AdapterError(str(exc), code="pii_unreadable", transient=False)
        return _finish_failed(claim_, error, secrets)
    except Exception:
        db.session.rollback()
        error = AdapterError("internal error; see the worker log", code="internal_error")
        _finish_failed(claim_, error, secrets)
        raise
    return _finish_submitted(
        claim_, booking, found, adapter.sandbox, _documents(shipment_id, adapter, booking)
    )


def _documents(shipment_id: int, adapter, booking: Booking) -> list[Document]:
    """The labels, fetched while the shipment is still ours (one commit for everything);
    none if the service cannot give them now: the sweep fetches them later."""
    try:
        return adapter.documents(booking)
    except AdapterError as error:
        log.info("shipment %s: labels not fetched (%s); later", shipment_id, error.code)
        return []


def fetch_documents(shipment_id: int) -> bool:
    """Labels (and box/SKU labels) of a submitted shipment; False to try again later."""
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.documents_ready or not shipment.external_ref:
        return True
    if shipment.state not in (S.SUBMITTED, S.IN_TRANSIT, S.DELIVERED):
        return True
    try:
        documents = build_adapter(shipment.adapter).documents(tracking.booking_of(shipment))
    except AdapterError as error:
        db.session.rollback()
        log.info("shipment %s: labels not fetched (%s); later", shipment_id, error.code)
        return False
    tracking.store_documents(shipment, documents)
    try:
        db.session.commit()
    except IntegrityError:
        # A concurrent fetch stored them first.
        db.session.rollback()
        log.info("shipment %s: labels stored by another worker", shipment_id)
    return True


__all__ = [
    "Claim",
    "DispatchResult",
    "backoff",
    "claim",
    "dispatch",
    "due_ids",
    "fetch_documents",
    "settings",
]

"""What the services tell us after a shipment is sent: events, state, documents.

Events come from webhooks and from polling; the same carrier event arriving
both ways is stored once (a unique key per shipment, inserted with ON CONFLICT
DO NOTHING so two receivers racing cannot fail). The shipment's state is the
forward-most state its events imply and never moves back; while a worker
holds the shipment (``submitting``) or before the service confirmed it, events
are only recorded, and the dispatch applies them when it finishes.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from sqlalchemy import select

from adapters.carriers.base import Booking, Document, TrackingEvent
from connector.extensions import db
from connector.factory import stock
from connector.models import Shipment, ShipmentDocument, ShipmentEvent
from connector.models.types import utcnow
from connector.models.upsert import conflict_insert
from connector.orders.adapters import reason_for
from connector.orders.states import (
    AT_SERVICE,
    EventVerdict,
    ShipmentState,
    event_verdict,
    is_forward,
)
from connector.seller_hooks import events as seller_events

log = logging.getLogger(__name__)
S = ShipmentState
# States in which carrier events may move the shipment (no worker holds it, the
# service has it, or ops are looking at it).
TRACKED = (*AT_SERVICE, S.NEEDS_ATTENTION)


def dedup_key(status: str, occurred_at: datetime | None) -> str:
    stamp = occurred_at.isoformat() if occurred_at else ""
    return hashlib.sha256(f"{status}|{stamp}".encode()).hexdigest()[:40]


def add_event(
    shipment_id: int,
    *,
    source: str,
    code: str,
    state: str | None = None,
    description: str | None = None,
    actor: str | None = None,
    occurred_at: datetime | None = None,
    key: str | None = None,
) -> bool:
    """Insert one event unless its key is already there; True when it was new."""
    now = utcnow()
    values = {
        "shipment_id": shipment_id,
        "source": source,
        "code": code[:64],
        "state": state,
        "description": (description or "")[:300] or None,
        "actor": actor,
        "occurred_at": occurred_at or now,
        "recorded_at": now,
        "dedup_key": key or dedup_key(f"{source}:{code}", now),
    }
    statement = (
        conflict_insert(ShipmentEvent)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["shipment_id", "dedup_key"])
        # A row back means it was inserted: an ORM insert's rowcount is not
        # reliable on PostgreSQL (it reported new events as duplicates).
        .returning(ShipmentEvent.id)
    )
    new = db.session.execute(statement).first() is not None
    if new and state and source in ("dispatch", "ops"):
        # Our own moves of the shipment; a service's events move it in apply_events.
        seller_events.shipment_updated(shipment_id, state, code)
    return new


def record(shipment: Shipment, events: list[TrackingEvent], source: str) -> int:
    """Store the service's events (deduplicated) and move the state on; returns how many
    were new. The caller commits."""
    new = 0
    for event in events:
        if add_event(
            shipment.id,
            source=source,
            code=event.status,
            state=event.state,
            description=event.description or None,
            occurred_at=event.occurred_at,
            key=dedup_key(event.status, event.occurred_at),
        ):
            new += 1
        if event.data.get("receipt"):
            store_receipt(shipment, event.data["receipt"])
    if shipment.state in TRACKED:
        for event in events:
            if event.external_ref and not shipment.external_ref:
                shipment.external_ref = event.external_ref
            if event.tracking_number and not shipment.tracking_number:
                shipment.tracking_number = event.tracking_number
    db.session.flush()
    apply_events(shipment)
    return new


def is_held(shipment: Shipment) -> bool:
    """Whether the service confirmed it holds the shipment (we know its reference)."""
    return shipment.external_ref is not None or shipment.submitted_at is not None


def verdict(shipment: Shipment, event: TrackingEvent) -> EventVerdict:
    """What a (webhook) event from the shipment's service may do to it: see
    :func:`connector.orders.states.event_verdict`."""
    return event_verdict(
        shipment.state,
        event.state,
        held=is_held(shipment),
        attempted=bool(shipment.attempt_count),
    )


def apply_events(shipment: Shipment) -> None:
    """Move the shipment to the forward-most state its recorded service events imply."""
    if shipment.state not in TRACKED or not is_held(shipment):
        # Events about a shipment the service never confirmed wait for the dispatch.
        return
    events = db.session.execute(
        select(ShipmentEvent)
        .where(
            ShipmentEvent.shipment_id == shipment.id,
            ShipmentEvent.source.in_(("webhook", "poll", "dispatch")),
        )
        .order_by(ShipmentEvent.occurred_at, ShipmentEvent.id)
    ).scalars()
    now = utcnow()
    latest_status = None
    before = shipment.state
    for event in events:
        if event.source != "dispatch":
            latest_status = event.code
        if (
            not event.state
            or event.source == "dispatch"
            or not is_forward(shipment.state, event.state)
        ):
            continue
        shipment.state = event.state
        shipment.updated_at = now
        if event.state == S.DELIVERED:
            shipment.delivered_at = event.occurred_at
        elif event.state == S.NEEDS_ATTENTION:
            shipment.last_error_code = reason_for(shipment.adapter, event.code)
            shipment.last_error_message = f"the service reports {event.code}"
            shipment.last_error_field = None
            shipment.last_error_at = event.occurred_at
        elif event.state == S.CANCELLED:
            shipment.cancel_requested = False
            stock.release_shipment(shipment.id)
    if latest_status:
        shipment.carrier_status = latest_status
    if shipment.state != before:
        seller_events.shipment_updated(shipment.id, shipment.state, latest_status or "")


def booking_of(shipment: Shipment) -> Booking:
    return Booking(
        external_ref=shipment.external_ref or "",
        tracking_number=shipment.tracking_number,
        status=shipment.carrier_status,
        details={"client_order_code": shipment.idempotency_key, "number": shipment.idempotency_key},
    )


def find_shipment(adapter: str, event: TrackingEvent) -> Shipment | None:
    """The shipment of ``adapter`` an event is about: by our key, else the service's
    references. Another service's shipment is never found, and neither is one whose
    reference at the service differs from the event's (a key that was guessed)."""
    for column, value in (
        (Shipment.idempotency_key, event.key),
        (Shipment.external_ref, event.external_ref),
        (Shipment.tracking_number, event.tracking_number),
    ):
        if value:
            found = db.session.execute(
                select(Shipment).where(column == value, Shipment.adapter == adapter)
            ).scalar_one_or_none()
            if found is not None:
                return found if _agrees(found, event) else None
    return None


def _agrees(shipment: Shipment, event: TrackingEvent) -> bool:
    return not (
        event.external_ref
        and shipment.external_ref
        and str(event.external_ref) != shipment.external_ref
    )


# -- documents -----------------------------------------------------------------------


def store_documents(shipment: Shipment, documents: list[Document]) -> None:
    """Keep the newest document of each kind (labels printed again replace the old ones)."""
    for document in documents:
        _store(shipment.id, document.kind, document.content_type, document.filename, document.data)
    shipment.documents_ready = True


def store_receipt(shipment: Shipment, receipt: dict) -> None:
    import orjson

    _store(
        shipment.id,
        "receipt",
        "application/json",
        f"{shipment.tracking_number or shipment.id}-receipt.json",
        orjson.dumps(receipt, option=orjson.OPT_INDENT_2),
    )


def _store(shipment_id: int, kind: str, content_type: str, filename: str, data: bytes) -> None:
    existing = db.session.execute(
        select(ShipmentDocument).where(
            ShipmentDocument.shipment_id == shipment_id, ShipmentDocument.kind == kind
        )
    ).scalar_one_or_none()
    digest = hashlib.sha256(data).hexdigest()
    if existing is None:
        existing = ShipmentDocument(shipment_id=shipment_id, kind=kind)
        db.session.add(existing)
    elif existing.sha256 == digest:
        return
    existing.content_type = content_type[:80]
    existing.filename = filename[:120]
    existing.data = data
    existing.sha256 = digest
    existing.size_bytes = len(data)
    existing.created_at = utcnow()

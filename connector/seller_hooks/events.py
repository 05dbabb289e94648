"""Events for sellers: what happened, to whom it matters, and a delivery row per endpoint.

Each emitter is one call from the code where the thing happens, and writes its
deliveries in that code's transaction (the caller commits): the event and its
cause are stored together or not at all, so a crash loses no webhook. Once that
transaction commits, the deliveries are enqueued (``after_commit``); a delivery
whose job is lost (Redis down) is found by the sweep.

Only the seller an event concerns hears of it: an order's and a shipment's own
seller, and for offers the active sellers whose markets include the offer's.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import event as sa_event
from sqlalchemy import select
from sqlalchemy.orm import Session

from adapters.webhooks.signing import new_message_id
from connector.enqueue import enqueue
from connector.extensions import db
from connector.markets.registry import markets
from connector.models import Offer, Role, SalesOrder, Shipment, User, WebhookDelivery
from connector.models import WebhookEndpoint as Endpoint
from connector.models.offer import OfferStatus
from connector.models.types import utcnow
from connector.urls import public_base

log = logging.getLogger(__name__)

OFFER_CHANGED = "offer.changed"
OFFER_WITHDRAWN = "offer.withdrawn"
ORDER_ACCEPTED = "order.accepted"
ORDER_REFUSED = "order.refused"
SHIPMENT_UPDATED = "shipment.updated"
EVENT_TYPES = (OFFER_CHANGED, OFFER_WITHDRAWN, ORDER_ACCEPTED, ORDER_REFUSED, SHIPMENT_UPDATED)
DELIVER_JOB = "jobs.webhooks.deliver"
# Offers per offer event: the scheme recommends bodies under about 20 kB.
OFFERS_PER_EVENT = 100
_PENDING = "seller_hooks.deliveries"


# -- writing deliveries ---------------------------------------------------------------


def _subscribed(event_types: Iterable[str], seller_ids: Iterable[int] | None = None):
    """Enabled endpoints of active sellers wanting any of these events, with the
    seller's markets: ``[(endpoint_id, seller_id, events, markets)]``."""
    query = (
        select(Endpoint.id, Endpoint.seller_id, Endpoint.events, User.markets)
        .join(User, User.id == Endpoint.seller_id)
        .where(
            Endpoint.enabled.is_(True),
            User.is_active_account.is_(True),
            User.role == Role.SELLER,
        )
        .order_by(Endpoint.id)
    )
    if seller_ids is not None:
        query = query.where(Endpoint.seller_id.in_(list(seller_ids)))
    wanted = set(event_types)
    return [row for row in db.session.execute(query) if wanted & set(row.events or [])]


def body(event_type: str, data: dict[str, Any], when: datetime) -> str:
    """The payload, serialized once: ``{"type", "timestamp", "data"}``."""
    stamp = when.isoformat().replace("+00:00", "Z")
    return orjson.dumps({"type": event_type, "timestamp": stamp, "data": data}).decode()


def _write(endpoints: Iterable[int], seller_id: int, event_type: str, payload: str) -> None:
    """One delivery per endpoint, all with one webhook id; enqueued after the commit."""
    now = utcnow()
    message_id = new_message_id()
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            seller_id=seller_id,
            message_id=message_id,
            event_type=event_type,
            payload=payload,
            status="pending",
            attempt_count=0,
            attempt_base=0,
            next_attempt_at=now,
            created_at=now,
        )
        for endpoint_id in endpoints
    ]
    if not rows:
        return
    db.session.add_all(rows)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).extend(row.id for row in rows)


def _emit(seller_id: int, event_type: str, data: dict[str, Any], when: datetime | None = None):
    endpoints = [
        row.id for row in _subscribed([event_type], [seller_id]) if event_type in row.events
    ]
    if endpoints:
        _write(endpoints, seller_id, event_type, body(event_type, data, when or utcnow()))


# -- offers ---------------------------------------------------------------------------


def offers_written(first_seq: int, count: int) -> None:
    """After the offer writer numbered and wrote ``count`` offers from ``first_seq``:
    ``offer.changed`` / ``offer.withdrawn`` to the sellers of each offer's market."""
    if count <= 0:
        return
    endpoints = _subscribed([OFFER_CHANGED, OFFER_WITHDRAWN])
    if not endpoints:
        return
    codes = sorted({code for row in endpoints for code in (row.markets or [])} & set(markets()))
    if not codes:
        return
    rows = db.session.execute(
        select(
            Offer.id,
            Offer.listing_id,
            Offer.market_code,
            Offer.status,
            Offer.version,
            Offer.hold_reasons,
        )
        .where(
            Offer.market_code.in_(codes),
            Offer.feed_seq.between(first_seq, first_seq + count - 1),
        )
        .order_by(Offer.market_code, Offer.id)
    ).all()
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        kind = OFFER_WITHDRAWN if row.status == OfferStatus.WITHDRAWN.value else OFFER_CHANGED
        grouped[(row.market_code, kind)].append(_offer_item(row))
    now = utcnow()
    for (market, kind), items in grouped.items():
        for start in range(0, len(items), OFFERS_PER_EVENT):
            data = {"market": market, "offers": items[start : start + OFFERS_PER_EVENT]}
            payload = None
            by_seller: dict[int, list[int]] = defaultdict(list)
            for row in endpoints:
                if market in (row.markets or []) and kind in row.events:
                    by_seller[row.seller_id].append(row.id)
            for seller_id, endpoint_ids in by_seller.items():
                payload = payload or body(kind, data, now)
                _write(endpoint_ids, seller_id, kind, payload)


def _offer_item(row) -> dict:
    return {
        "offer_id": row.id,
        "listing_id": row.listing_id,
        "status": row.status,
        "version": row.version,
        "hold_reasons": [reason.get("code") for reason in row.hold_reasons or []],
        "url": f"{public_base()}/api/v1/offers/{row.id}",
    }


# -- orders ---------------------------------------------------------------------------


def order_accepted(order: SalesOrder) -> None:
    """``order.accepted`` to the seller who placed the order (in the order's transaction)."""
    data = {
        "order_id": order.id,
        "reference": order.reference,
        "market": order.market_code,
        "mode": order.mode,
        "currency": order.currency,
        "total": str(order.total),
        "lines": [
            {
                "offer_id": line.offer_id,
                "offer_version": line.offer_version,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": str(line.unit_price),
                "line_total": str(line.line_total),
            }
            for line in order.lines
        ],
        "shipments": [
            {"shipment_id": shipment.id, "state": shipment.state, "adapter": shipment.adapter}
            for shipment in order.shipments
        ],
        "url": f"{public_base()}/api/v1/orders/{order.id}",
    }
    _emit(order.seller_id, ORDER_ACCEPTED, data, order.created_at)


def order_refused(
    seller_id: int,
    *,
    stage: str,
    code: str,
    message: str,
    fields: dict | None = None,
    order_id: int | None = None,
    market: str | None = None,
    reference: str | None = None,
    idempotency_key: str | None = None,
) -> None:
    """``order.refused``: at intake (nothing was written: the refusal is committed on its
    own) or, with ``stage="factory"``, by the factory in its own transaction."""
    if stage == "intake":
        db.session.rollback()
    data = {
        "order_id": order_id,
        "stage": stage,
        "market": market,
        "reference": reference,
        "idempotency_key": idempotency_key,
        "reason": {"code": code, "message": message, "fields": fields or {}},
    }
    _emit(seller_id, ORDER_REFUSED, data)
    if stage == "intake":
        db.session.commit()


# -- shipments ------------------------------------------------------------------------


def shipment_updated(shipment_id: int, state: str, code: str) -> None:
    """``shipment.updated`` to the order's seller: the shipment moved to ``state``.

    Read with Core in the caller's transaction: callers move shipments with Core
    updates, so an ORM copy in the session may be older than the row."""
    s, o = Shipment.__table__.c, SalesOrder.__table__.c
    row = db.session.execute(
        select(
            s.id,
            s.order_id,
            s.leg,
            s.mode,
            s.adapter,
            s.tracking_number,
            s.carrier_status,
            s.last_error_code,
            s.last_error_message,
            o.seller_id,
            o.reference,
            o.market_code,
        )
        .join_from(Shipment.__table__, SalesOrder.__table__, s.order_id == o.id)
        .where(s.id == shipment_id)
    ).first()
    if row is None:
        return
    data = {
        "shipment_id": row.id,
        "order_id": row.order_id,
        "order_reference": row.reference,
        "market": row.market_code,
        "leg": row.leg,
        "mode": row.mode,
        "adapter": row.adapter,
        "state": str(state),
        "event": code,
        "tracking_number": row.tracking_number,
        "carrier_status": row.carrier_status,
        "last_error": (
            {"code": row.last_error_code, "message": row.last_error_message}
            if row.last_error_code
            else None
        ),
        "url": f"{public_base()}/api/v1/shipments/{row.id}",
    }
    _emit(row.seller_id, SHIPMENT_UPDATED, data)


# -- enqueueing after the commit ------------------------------------------------------


def _after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING, None)
    for delivery_id in ids or ():
        enqueue_delivery(delivery_id, 0)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def enqueue_delivery(delivery_id: int, attempt: int, delay: float | None = None) -> str | None:
    """The job for a delivery's next attempt; its id folds repeats of the same attempt."""
    return enqueue(
        DELIVER_JOB,
        delivery_id,
        job_id=f"webhook-{delivery_id}-{attempt}",
        delay=delay,
        result_ttl=3600,
        failure_ttl=7 * 86400,
        description=f"deliver({delivery_id})",
    )


_listening = False


def listen() -> None:
    """Enqueue deliveries when the transaction that wrote them commits (once per process)."""
    global _listening
    if _listening:
        return
    sa_event.listen(Session, "after_commit", _after_commit)
    sa_event.listen(Session, "after_rollback", _after_rollback)
    _listening = True

"""Orders and shipments as the API shows them (money as decimal strings, PII masked or not)."""

from __future__ import annotations

from flask import url_for

from connector.extensions import db
from connector.factory import steps
from connector.markets.registry import markets
from connector.models import Offer, SalesOrder, Shipment
from connector.offers.visibility import order_pricing_for_seller
from connector.orders import documents, pii
from connector.orders.states import ShipmentState

S = ShipmentState


def order_status(order: SalesOrder) -> str:
    """One word for the whole order, from its shipments."""
    states = {shipment.state for shipment in order.shipments}
    if not states:
        return "accepted"
    if S.NEEDS_ATTENTION in states:
        return "needs_attention"
    if states == {S.CANCELLED}:
        return "cancelled"
    if states <= {S.DELIVERED, S.CANCELLED}:
        return "completed"
    if states <= {S.SUBMITTED, S.IN_TRANSIT, S.DELIVERED, S.CANCELLED}:
        return "shipped"
    return "processing"


def ship_to(order: SalesOrder, reveal: bool) -> dict:
    try:
        data = pii.decrypt(order.ship_to_encrypted)
    except pii.PiiUnreadable:
        return {"country": order.ship_to_country, "unreadable": True}
    return data if reveal else pii.masked(data)


def _documents(shipment: Shipment) -> list[dict]:
    rows = documents.listed(shipment.id)
    return [
        {
            "kind": row.kind,
            "content_type": row.content_type,
            "size_bytes": row.size_bytes,
            "created_at": row.created_at,
            "url": url_for(
                "shipments_api.shipment_document", shipment_id=shipment.id, kind=row.kind
            ),
        }
        for row in rows
    ]


def last_error(shipment: Shipment) -> dict | None:
    if not shipment.last_error_code:
        return None
    return {
        "code": shipment.last_error_code,
        "message": shipment.last_error_message,
        "at": shipment.last_error_at,
    }


def shipment_summary(shipment: Shipment) -> dict:
    progress, refused = steps.progress(shipment.id)
    return {
        "id": shipment.id,
        "order_id": shipment.order_id,
        "leg": shipment.leg,
        "mode": shipment.mode,
        "adapter": shipment.adapter,
        "sandbox": shipment.sandbox,
        "state": shipment.state,
        "idempotency_key": shipment.idempotency_key,
        "external_ref": shipment.external_ref,
        "tracking_number": shipment.tracking_number,
        "carrier_status": shipment.carrier_status,
        "attempts": shipment.attempt_count,
        "next_attempt_at": shipment.next_attempt_at,
        "cancel_requested": shipment.cancel_requested,
        "confirm_by": shipment.confirm_by,
        "factory_progress": progress,
        "factory_refusal": refused,
        "last_error": last_error(shipment),
        "documents": _documents(shipment),
        "url": url_for("shipments_api.get_shipment", shipment_id=shipment.id),
        "created_at": shipment.created_at,
        "updated_at": shipment.updated_at,
        "submitted_at": shipment.submitted_at,
        "delivered_at": shipment.delivered_at,
    }


def shipment_detail(shipment: Shipment, reveal: bool, factory: bool = False) -> dict:
    """A shipment with its lines, attempts and events (for the seller, ops or the factory).

    ``factory``: the reader may see what the factory is paid (the factory itself, ops).
    """
    return {
        **shipment_summary(shipment),
        "market": shipment.order.market_code,
        "ship_to": ship_to(shipment.order, reveal),
        "lines": [_line(line, factory) for line in shipment.lines],
        "attempts": shipment.attempt_count,
        "attempt_log": [
            {
                "number": attempt.number,
                "reconciled": attempt.reconciled,
                "started_at": attempt.started_at,
                "finished_at": attempt.finished_at,
                "outcome": attempt.outcome,
                "error": {"code": attempt.error_code, "message": attempt.error_message}
                if attempt.error_code
                else None,
            }
            for attempt in shipment.attempts
        ],
        "events": [
            {
                "source": event.source,
                "code": event.code,
                "state": event.state,
                "description": event.description,
                "actor": event.actor,
                "occurred_at": event.occurred_at,
                "recorded_at": event.recorded_at,
            }
            for event in shipment.events
        ],
    }


def line_fields(line) -> dict:
    """What every reader of an order line sees: what, how many, from which offer."""
    return {
        "position": line.position,
        "offer_id": line.offer_id,
        "offer_version": line.offer_version,
        "sku": line.sku,
        "options": line.options,
        "title": line.title,
        "quantity": line.quantity,
        "tier_min_qty": line.tier_min_qty,
        "parcels": line.parcels,
        "shipment_id": line.shipment_id,
    }


def factory_amounts(line) -> dict:
    """What the factory is paid for the line, in CNY (the factory and ops read it)."""
    return {
        "factory_unit_cost_cny": _text(line.factory_unit_cost_cny),
        "factory_amount_cny": _text(line.factory_amount_cny),
    }


def _line(line, factory: bool = False) -> dict:
    out = {
        **line_fields(line),
        "unit_price": str(line.unit_price),
        "line_total": str(line.line_total),
    }
    if factory:
        out.update(factory_amounts(line))
    else:
        out["options"] = sold_options(line)
    return out


def sold_options(line) -> dict:
    """The line's option names and values in the language its offer was sold in, as the
    seller's feed showed them; the factory and ops read them as the factory listed them."""
    options = line.options or {}
    offer = db.session.get(Offer, line.offer_id) if options else None
    market = markets().get(line.order.market_code) if offer is not None else None
    if market is None:
        return options
    texts = offer.document.get("texts") or {}
    terms = next(
        (texts[locale].get("terms") or {} for locale in market.locales if locale in texts), {}
    )
    return {terms.get(name, name): terms.get(value, value) for name, value in options.items()}


def _text(value) -> str | None:
    return None if value is None else str(value)


def order_output(order: SalesOrder, reveal: bool, factory: bool = False) -> dict:
    return {
        "id": order.id,
        "reference": order.reference,
        "market": order.market_code,
        "mode": order.mode,
        "currency": order.currency,
        "status": order_status(order),
        "total": str(order.total),
        "quote_id": order.quote_id,
        "pricing": order.pricing if factory else order_pricing_for_seller(order.pricing),
        "ship_to": ship_to(order, reveal),
        "lines": [_line(line, factory) for line in order.lines],
        "shipments": [shipment_summary(shipment) for shipment in order.shipments],
        "url": url_for("orders_api.get_order", order_id=order.id),
        "created_at": order.created_at,
    }

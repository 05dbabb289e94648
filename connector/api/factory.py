"""The factory's actions and work lists over the API (exporter tokens only).

``POST /orders/<id>/confirm`` confirms the caller's part of an order, ``/refuse`` refuses
it with a reason (cancelled, stock given back, the seller reads why);
``POST /shipments/<id>/packed`` and ``/handed-over`` record those steps; the production
list, pack lists and pay are the pages' data as JSON. Another factory's order or
shipment is a 404: whether it exists is not the caller's to know.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from marshmallow import RAISE, Schema, fields, pre_load, validate

from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.api.orders import OrderOutSchema
from connector.auth.principal import requires_api_role
from connector.extensions import db
from connector.factory import orders as factory_orders
from connector.factory import refusal, steps
from connector.models import Role, User
from connector.orders.errors import NotVisible

blp = Blueprint("factory_api", __name__, description="The factory's side of orders")


class StepSchema(Schema):
    at = fields.AwareDateTime()
    by = fields.String(allow_none=True, metadata={"description": "The user's display name."})
    reason = fields.String(metadata={"description": "A refusal's reason."})


class RefuseSchema(Schema):
    """Why the factory will not make the order (the seller reads it)."""

    class Meta:
        unknown = RAISE

    reason = fields.String(
        required=True,
        validate=validate.Length(
            3, refusal.REASON_MAX, error=_l("Say why in 3 to 300 characters.")
        ),
        metadata={"description": "Why, e.g. out of this fabric until next month."},
    )

    @pre_load
    def _strip(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("reason"), str):
            data = {**data, "reason": data["reason"].strip()}
        return data


class ShipmentStepsSchema(Schema):
    shipment_id = fields.Integer()
    state = fields.String()
    factory_steps = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(StepSchema),
        metadata={"description": "confirmed, packed, handed_over: when and by whom."},
    )


class ProductionQueryArgsSchema(Schema):
    day = fields.Date(metadata={"description": "Orders placed on this UTC day only."})


class ProductionRowSchema(Schema):
    sku = fields.String()
    title = fields.String()
    options = fields.Dict()
    quantity = fields.Integer()
    orders = fields.List(fields.Integer())
    customization = fields.Dict(allow_none=True)


class ProductionDaySchema(Schema):
    day = fields.Date()
    units = fields.Integer()
    rows = fields.List(fields.Nested(ProductionRowSchema))


class PaySchema(Schema):
    open_cny = fields.String(metadata={"description": "For shipments not yet delivered."})
    delivered_cny = fields.String()
    total_cny = fields.String()
    unpriced_lines = fields.Integer(
        metadata={"description": "Lines from offers priced before factory costs were kept."}
    )


def _shipment(user: User, shipment_id: int):
    try:
        return factory_orders.get_shipment(user, shipment_id)
    except NotVisible:
        abort(404, message=_("No such shipment."))


def _take(user: User, shipment, step: str) -> dict:
    try:
        steps.take(shipment, step, user)
    except steps.StepRefused as exc:
        abort(409, message=exc.message, code=exc.code)
    return {
        "shipment_id": shipment.id,
        "state": shipment.state,
        "factory_steps": steps.of(shipment.id),
    }


@blp.post("/orders/<int:order_id>/confirm")
@requires_api_role(Role.EXPORTER)
@blp.response(200, OrderOutSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def confirm_order(order_id: int, user: User):
    """Confirm the caller's factory will make its part of the order (recorded with time
    and user; confirming again changes nothing)."""
    try:
        order = factory_orders.get_order(user, order_id)
    except NotVisible:
        abort(404, message=_("No such order."))
    mine = [s for s in order.shipments if s.supplier_id == factory_orders.supplier_of(user)]
    open_ones = [s for s in mine if s.state not in factory_orders.CLOSED]
    if not open_ones:
        abort(409, message=_("This order was cancelled."), code="shipment_cancelled")
    for shipment in open_ones:
        _take(user, shipment, steps.CONFIRMED)
    return factory_orders.order_output(order, user)


@blp.post("/orders/<int:order_id>/refuse")
@requires_api_role(Role.EXPORTER)
@blp.arguments(RefuseSchema)
@blp.response(200, OrderOutSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def refuse_order(args, order_id: int, user: User):
    """Refuse the caller's part of an order, with a reason, instead of confirming it: its
    shipments are cancelled (at the carrier first if it has them), their stock comes
    back, and the seller reads the reason on each shipment (``factory_refusal``)."""
    try:
        order = factory_orders.get_order(user, order_id)
    except NotVisible:
        abort(404, message=_("No such order."))
    mine = [s for s in order.shipments if s.supplier_id == factory_orders.supplier_of(user)]
    open_ones = [s for s in mine if s.state not in factory_orders.CLOSED]
    if not open_ones:
        abort(409, message=_("This order was cancelled."), code="shipment_cancelled")
    for shipment in open_ones:
        try:
            refusal.refuse(shipment, args["reason"], user)
        except steps.StepRefused as exc:
            abort(409, message=exc.message, code=exc.code)
    db.session.expire_all()
    return factory_orders.order_output(factory_orders.get_order(user, order_id), user)


@blp.post("/shipments/<int:shipment_id>/packed")
@requires_api_role(Role.EXPORTER)
@blp.response(200, ShipmentStepsSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def mark_packed(shipment_id: int, user: User):
    """Record that the shipment is packed (after it was confirmed)."""
    return _take(user, _shipment(user, shipment_id), steps.PACKED)


@blp.post("/shipments/<int:shipment_id>/handed-over")
@requires_api_role(Role.EXPORTER)
@blp.response(200, ShipmentStepsSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def mark_handed_over(shipment_id: int, user: User):
    """Record that the shipment was handed to the carrier or warehouse (after packing)."""
    return _take(user, _shipment(user, shipment_id), steps.HANDED_OVER)


@blp.get("/factory/production")
@requires_api_role(Role.EXPORTER)
@blp.arguments(ProductionQueryArgsSchema, location="query")
@blp.response(200, ProductionDaySchema(many=True))
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def production(args, user: User):
    """What to make per order day: SKU x quantity, same customization grouped, for the
    factory's shipments not cancelled and not yet handed over."""
    return [
        {
            "day": day.day,
            "units": day.units,
            "rows": [
                {
                    "sku": row.sku,
                    "title": row.title,
                    "options": row.options,
                    "quantity": row.quantity,
                    "orders": row.orders,
                    "customization": factory_orders.spec_output(row.spec) if row.spec else None,
                }
                for row in day.rows
            ],
        }
        for day in factory_orders.production(user, args.get("day"))
    ]


@blp.get("/factory/pay")
@requires_api_role(Role.EXPORTER)
@blp.response(200, PaySchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def pay(user: User):
    """What the factory will be paid, in CNY, over its shipments not cancelled."""
    amounts = factory_orders.pay(user)
    return {
        "open_cny": str(amounts.open),
        "delivered_cny": str(amounts.delivered),
        "total_cny": str(amounts.total),
        "unpriced_lines": amounts.unpriced_lines,
    }

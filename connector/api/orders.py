"""``/api/v1/orders``: sellers place orders; each becomes one shipment per fulfilment leg."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy.exc import IntegrityError

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema, json_body
from connector.api.order_errors import abort_out_of_stock, abort_rejected
from connector.auth.principal import requires_api_role
from connector.extensions import db
from connector.factory import orders as factory_orders
from connector.factory.stock import OutOfStock
from connector.models import Role, User
from connector.orders import idempotency, output, service
from connector.orders.queueing import enqueue_dispatch
from connector.orders.schemas import OrderInSchema
from connector.seller_hooks import events as seller_events

blp = Blueprint(
    "orders_api", __name__, url_prefix="/orders", description="Orders and their shipments"
)

IDEMPOTENCY_PARAMETER = {
    "in": "header",
    "name": idempotency.HEADER,
    "required": True,
    "schema": {"type": "string", "maxLength": idempotency.MAX_LENGTH},
    "description": "Any unique string per order (a UUID). A replay with the same key and "
    "body returns the first answer; the same key with another body is a 409.",
}


class ShipToOutSchema(Schema):
    name = fields.String()
    phone = fields.String()
    email = fields.String(allow_none=True)
    line1 = fields.String()
    line2 = fields.String(allow_none=True)
    ward = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    province = fields.String(allow_none=True)
    postal_code = fields.String(allow_none=True)
    country = fields.String()


class OrderLineOutSchema(Schema):
    position = fields.Integer()
    offer_id = fields.Integer()
    offer_version = fields.Integer(metadata={"description": "The offer version priced."})
    sku = fields.String()
    options = fields.Dict()
    title = fields.String()
    quantity = fields.Integer()
    tier_min_qty = fields.Integer(metadata={"description": "The price tier applied."})
    unit_price = fields.String(metadata={"description": "Decimal, in the order's currency."})
    line_total = fields.String(
        metadata={"description": "What the line costs: never above quantity x unit_price."}
    )
    parcels = fields.Integer(
        allow_none=True, metadata={"description": "Parcels the line packs into."}
    )
    factory_unit_cost_cny = fields.String(
        allow_none=True, metadata={"description": "Ops and the factory only."}
    )
    factory_amount_cny = fields.String(
        allow_none=True,
        metadata={"description": "What the factory is paid for the line (ops and the factory)."},
    )
    shipment_id = fields.Integer(allow_none=True)
    customization = fields.Dict(
        allow_none=True,
        metadata={
            "description": "The factory's view of a customized line: option, text, artwork "
            "(sha256 and URL), placement, colours and its CNY amounts (exporters only)."
        },
    )


class ErrorInfoSchema(Schema):
    code = fields.String(metadata={"description": "Stable reason code, e.g. address_rejected."})
    message = fields.String(allow_none=True)
    at = fields.AwareDateTime(allow_none=True)


class DocumentRefSchema(Schema):
    kind = fields.String(metadata={"description": "label, box_labels, sku_labels or receipt"})
    content_type = fields.String()
    size_bytes = fields.Integer()
    created_at = fields.AwareDateTime()
    url = fields.String()


class FactoryRefusalSchema(Schema):
    reason = fields.String(metadata={"description": "Why, in the factory's words."})
    at = fields.AwareDateTime()


class ShipmentSummarySchema(Schema):
    id = fields.Integer()
    order_id = fields.Integer()
    leg = fields.Integer()
    mode = fields.String()
    adapter = fields.String(metadata={"description": "The carrier or warehouse adapter's name."})
    sandbox = fields.Boolean(metadata={"description": "Sent to a local simulator, not real."})
    state = fields.String(
        metadata={
            "description": "pending, submitting, submitted, in_transit, delivered, retrying, "
            "needs_attention or cancelled"
        }
    )
    idempotency_key = fields.String()
    external_ref = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    carrier_status = fields.String(allow_none=True)
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    cancel_requested = fields.Boolean()
    confirm_by = fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "When the factory must confirm or refuse the shipment."},
    )
    factory_progress = fields.Dict(
        keys=fields.String(),
        values=fields.AwareDateTime(),
        metadata={
            "description": "When the factory confirmed, packed and handed over the shipment."
        },
    )
    factory_refusal = fields.Nested(
        FactoryRefusalSchema,
        allow_none=True,
        metadata={"description": "The factory refused the shipment (it is then cancelled)."},
    )
    last_error = fields.Nested(ErrorInfoSchema, allow_none=True)
    documents = fields.List(fields.Nested(DocumentRefSchema))
    factory_steps = fields.Dict(
        metadata={
            "description": "Exporters: the factory's steps (confirmed, packed, handed_over), "
            "each with when and by whom."
        }
    )
    url = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)


class OrderOutSchema(Schema):
    id = fields.Integer()
    reference = fields.String(allow_none=True)
    market = fields.String()
    mode = fields.String()
    currency = fields.String()
    status = fields.String(
        metadata={"description": "processing, shipped, completed, needs_attention, cancelled"}
    )
    total = fields.String(metadata={"description": "Decimal, in the order's currency."})
    quote_id = fields.String(allow_none=True)
    pricing = fields.Dict(
        allow_none=True,
        metadata={
            "description": "How the total was reached: per line its tier, parcels (weight, "
            "shipping, duty and VAT each), components, and the FX rates with source and time."
        },
    )
    ship_to = fields.Nested(
        ShipToOutSchema,
        metadata={"description": "In clear for the seller who placed it, masked for others."},
    )
    lines = fields.List(fields.Nested(OrderLineOutSchema))
    shipments = fields.List(fields.Nested(ShipmentSummarySchema))
    factory_amount_cny = fields.String(
        allow_none=True,
        metadata={
            "description": "Exporters: what the factory is paid for its lines, in CNY. "
            "Exporters see only their own lines and shipments, no seller price and only "
            "the destination's country, province and city."
        },
    )
    url = fields.String()
    created_at = fields.AwareDateTime()


class OrderPageSchema(Schema):
    items = fields.List(fields.Nested(OrderOutSchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class OrderQueryArgsSchema(Schema):
    market = fields.String(validate=validate.Length(equal=2))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = f.page_offset()


class ShippingModeSchema(Schema):
    mode = fields.String(metadata={"description": "semi_managed or fully_managed"})
    adapter = fields.String(allow_none=True, metadata={"description": "The adapter's name."})
    kind = fields.String(allow_none=True, metadata={"description": "carrier or warehouse"})
    available = fields.Boolean(metadata={"description": "Orders in this mode are accepted."})
    sandbox = fields.Boolean(metadata={"description": "Goes to a local simulator, not real."})
    required_ship_to = fields.List(
        fields.String(), metadata={"description": "ship_to fields this mode needs."}
    )


class ShippingOptionsSchema(Schema):
    market = fields.String()
    country = fields.String()
    currency = fields.String()
    default_mode = fields.String()
    modes = fields.List(fields.Nested(ShippingModeSchema))


def _replay(record, request_hash: str):
    if record.request_hash != request_hash:
        abort(
            409,
            message="This Idempotency-Key was already used with a different request.",
            code="idempotency_key_reused",
        )
    body, status = idempotency.replay(record)
    response = jsonify(body)
    response.status_code = status
    response.headers["Idempotent-Replayed"] = "true"
    if record.resource_id:
        response.headers["Location"] = url_for("orders_api.get_order", order_id=record.resource_id)
    return response


def _idempotency_key() -> str:
    key = request.headers.get(idempotency.HEADER, "").strip()
    if not key:
        abort(
            400,
            message=f"Send an {idempotency.HEADER} header: any unique string per order.",
            errors={idempotency.HEADER: ["Required."]},
            code="idempotency_key_missing",
        )
    if len(key) > idempotency.MAX_LENGTH:
        abort(
            400,
            message=f"The {idempotency.HEADER} is too long.",
            errors={idempotency.HEADER: [f"At most {idempotency.MAX_LENGTH} characters."]},
            code="idempotency_key_invalid",
        )
    return key


@blp.post("/")
@requires_api_role(Role.SELLER)
@blp.doc(
    requestBody={"required": True, "content": {"application/json": {"schema": OrderInSchema}}},
    parameters=[IDEMPOTENCY_PARAMETER],
)
@blp.response(202, OrderOutSchema)
@blp.alt_response(400, schema=ErrorEnvelopeSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
@blp.alt_response(415, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def create_order(user: User):
    """Place an order; its shipments are sent in the background (watch their state)."""
    key = _idempotency_key()
    payload = json_body()
    request_hash = idempotency.fingerprint("POST", request.path, payload)
    record = idempotency.find(user.id, key)
    if record is not None:
        return _replay(record, request_hash)
    if not isinstance(payload, dict):
        abort(422, errors={"_schema": ["Send the order as a JSON object."]})
    try:
        data = OrderInSchema().load(payload)
    except ValidationError as exc:
        abort(422, errors=exc.messages)
    try:
        order = service.place_order(user, data)
    except service.OrderRejected as exc:
        seller_events.order_refused(
            user.id,
            stage="intake",
            code=exc.code,
            message=exc.message,
            fields=exc.fields,
            market=data.get("market"),
            reference=data.get("reference"),
            idempotency_key=key,
        )
        abort_rejected(exc)
    except OutOfStock as exc:
        abort_out_of_stock(exc)
    body = OrderOutSchema().dump(output.order_output(order, reveal=True))
    idempotency.remember(user.id, key, request_hash, 202, body, order.id)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request with this key committed first: answer as a replay of it.
        db.session.rollback()
        record = idempotency.find(user.id, key)
        if record is None:
            raise
        return _replay(record, request_hash)
    for shipment in order.shipments:
        enqueue_dispatch(shipment)
    response = jsonify(body)
    response.status_code = 202
    response.headers["Location"] = body["url"]
    return response


@blp.get("/shipping-options")
@requires_api_role(Role.SELLER, Role.OPS)
@blp.response(200, ShippingOptionsSchema(many=True))
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
def shipping_options(user: User):
    """Per market the caller may order in: the fulfilment modes, the service behind each,
    and the ship-to fields it needs."""
    return service.shipping_options(user)


@blp.get("/")
@requires_api_role(Role.SELLER, Role.OPS, Role.EXPORTER)
@blp.arguments(OrderQueryArgsSchema, location="query")
@blp.response(200, OrderPageSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def list_orders(args, user: User):
    """The caller's orders (ops: everyone's, with the buyer's data masked; exporters: the
    orders for their factory's goods, their own lines only), newest first."""
    if user.role == Role.EXPORTER:
        return factory_orders.order_page(user, args)
    items, total = service.page_of_orders(user, args.get("market"), args["limit"], args["offset"])
    return {
        "items": [
            output.order_output(
                order, reveal=service.reveals_pii(user, order), factory=user.role == Role.OPS
            )
            for order in items
        ],
        "total": total,
        "limit": args["limit"],
        "offset": args["offset"],
    }


@blp.get("/<int:order_id>")
@requires_api_role(Role.SELLER, Role.OPS, Role.EXPORTER)
@blp.response(200, OrderOutSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_order(order_id: int, user: User):
    """One order with its lines and shipments (exporters: their factory's part of it)."""
    try:
        if user.role == Role.EXPORTER:
            return factory_orders.order_output(factory_orders.get_order(user, order_id), user)
        order = service.get_order(user, order_id)
    except service.NotVisible:
        abort(404, message="No such order.")
    return output.order_output(
        order, reveal=service.reveals_pii(user, order), factory=user.role == Role.OPS
    )

"""``/api/v1/shipments``: state, attempts, events and documents; ops retry and cancel."""

from __future__ import annotations

import orjson
from flask import Response
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.api.orders import (
    ErrorInfoSchema,
    OrderLineOutSchema,
    ShipmentSummarySchema,
    ShipToOutSchema,
)
from connector.auth.principal import requires_api_role
from connector.downloads import document_response
from connector.factory import orders as factory_orders
from connector.models import Role, User
from connector.ops import actions as ops_actions
from connector.ops import bulk
from connector.ops.audit import Actor
from connector.orders import documents, output, service, shipment_actions
from connector.orders.adapters import document_kinds, label_kinds
from connector.orders.shipment_filter import BadFilter, ShipmentFilter
from connector.orders.states import ShipmentState

blp = Blueprint(
    "shipments_api", __name__, url_prefix="/shipments", description="Shipments of orders"
)

MAX_ID = 2**63 - 1


class AttemptSchema(Schema):
    number = fields.Integer()
    reconciled = fields.Boolean(
        metadata={"description": "Looked the key up at the service before sending."}
    )
    started_at = fields.AwareDateTime()
    finished_at = fields.AwareDateTime(allow_none=True)
    outcome = fields.String(
        allow_none=True,
        metadata={
            "description": "submitted, found, transient, permanent, abandoned (its worker "
            "died; the next attempt reconciled) or lease_lost"
        },
    )
    error = fields.Nested(ErrorInfoSchema, allow_none=True)


class EventSchema(Schema):
    source = fields.String(metadata={"description": "dispatch, webhook, poll or ops"})
    code = fields.String()
    state = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    occurred_at = fields.AwareDateTime()
    recorded_at = fields.AwareDateTime()


class ShipmentDetailSchema(ShipmentSummarySchema):
    market = fields.String()
    ship_to = fields.Nested(ShipToOutSchema)
    lines = fields.List(fields.Nested(OrderLineOutSchema))
    attempt_log = fields.List(fields.Nested(AttemptSchema))
    events = fields.List(fields.Nested(EventSchema))


class ShipmentPageSchema(Schema):
    items = fields.List(fields.Nested(ShipmentSummarySchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class ShipmentQueryArgsSchema(Schema):
    state = f.List(
        fields.String(validate=validate.OneOf([s.value for s in ShipmentState])),
        metadata={"description": "Repeat to ask for several states."},
    )
    adapter = fields.String()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = f.page_offset()


class ShipmentFilterSchema(Schema):
    state = f.List(fields.String(), load_default=list)
    market = fields.String(load_default=None)
    adapter = fields.String(load_default=None)
    reason = fields.String(load_default=None)
    q = fields.String(load_default=None, metadata={"description": "Order id, SKU or tracking"})


class RetryManySchema(Schema):
    ids = f.List(
        f.Integer(strict=True, validate=validate.Range(1, MAX_ID)),
        validate=validate.Length(1, 500),
        metadata={"description": "Retry these now; each answers on its own."},
    )
    filter = fields.Nested(
        ShipmentFilterSchema,
        metadata={
            "description": "Retry every match in a background job; follow it at "
            "/api/v1/jobs/<job_id>."
        },
    )

    @validates_schema
    def _one_of(self, data, **kwargs):
        if ("ids" in data) == ("filter" in data):
            raise ValidationError(_l("Give either ids or a filter."), "_schema")


class RetryJobSchema(Schema):
    job_id = fields.String(allow_none=True)
    count = fields.Integer(metadata={"description": "Shipments matched and queued for retry"})


class RetryResultSchema(Schema):
    id = fields.Integer()
    ok = fields.Boolean()
    state = fields.String()
    message = fields.String(allow_none=True)


class RetryManyResultSchema(Schema):
    results = fields.List(fields.Nested(RetryResultSchema))


def _visible(user: User, shipment_id: int):
    try:
        return service.get_shipment(user, shipment_id)
    except service.NotVisible:
        abort(404, message="No such shipment.")


def _detail(user: User, shipment) -> dict:
    reveal = service.reveals_pii(user, shipment.order)
    factory = user.role in (Role.OPS, Role.EXPORTER)
    detail = output.shipment_detail(shipment, reveal, factory)
    if user.role == Role.EXPORTER:
        # Not even masked: the factory prints the carrier's label and needs no more.
        detail["ship_to"] = factory_orders.destination(shipment.order)
    return detail


@blp.get("/")
@requires_api_role(Role.OPS, Role.SELLER, Role.EXPORTER)
@blp.arguments(ShipmentQueryArgsSchema, location="query")
@blp.response(200, ShipmentPageSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
def list_shipments(args, user: User):
    """Shipments the caller may see (ops: all; sellers: their orders'; factories: theirs)."""
    items, total = service.page_of_shipments(
        user, args.get("state") or [], args.get("adapter"), args["limit"], args["offset"]
    )
    return {
        "items": [output.shipment_summary(shipment) for shipment in items],
        "total": total,
        "limit": args["limit"],
        "offset": args["offset"],
    }


@blp.get("/<int:shipment_id>")
@requires_api_role(Role.OPS, Role.SELLER, Role.EXPORTER)
@blp.response(200, ShipmentDetailSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_shipment(shipment_id: int, user: User):
    """One shipment: state, attempts with their errors, events, documents."""
    return _detail(user, _visible(user, shipment_id))


@blp.get("/<int:shipment_id>/documents/<kind>")
@requires_api_role(Role.OPS, Role.SELLER, Role.EXPORTER)
@blp.doc(
    responses={
        "200": {
            "description": "The document as the service gave it (PDF, HTML or JSON).",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "text/html": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
            },
        }
    }
)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def shipment_document(shipment_id: int, kind: str, user: User):
    """A label, the box or SKU labels, or the warehouse receipt."""
    shipment = _visible(user, shipment_id)
    known = document_kinds()
    if kind == "label":
        # What the service calls its label (a warehouse leg's are its box labels).
        kinds = tuple(dict.fromkeys(("label", *label_kinds(shipment.adapter))))
    elif kind in known:
        kinds = (kind,)
    else:
        abort(404, message=f"Documents are {', '.join(known)}.")
    document = documents.first_of(shipment.id, kinds)
    if document is None:
        abort(404, message="No such document yet.")
    return document_response(document)


@blp.post("/<int:shipment_id>/retry")
@requires_api_role(Role.OPS)
@blp.response(202, ShipmentDetailSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def retry_shipment(shipment_id: int, user: User):
    """Send again a shipment that needs attention; never a second parcel (the key is
    looked up at the service first)."""
    _visible(user, shipment_id)
    try:
        shipment = ops_actions.retry(shipment_id, Actor.of(user, "api"))
    except shipment_actions.NotAllowed as exc:
        abort(409, message=str(exc), code="not_retryable")
    return _detail(user, shipment)


@blp.post("/retry")
@requires_api_role(Role.OPS)
@blp.arguments(RetryManySchema)
@blp.response(200, RetryManyResultSchema)
@blp.alt_response(202, schema=RetryJobSchema, description="A filter's retry job started")
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.alt_response(503, schema=ErrorEnvelopeSchema)
def retry_many(args, user: User):
    """Retry the given shipments now, or every match of a filter in a background job."""
    if "filter" in args:
        return _retry_matching(args["filter"], user)
    results = []
    for shipment_id in dict.fromkeys(args["ids"]):
        try:
            shipment = ops_actions.retry(shipment_id, Actor.of(user, "api"))
        except shipment_actions.NotAllowed as exc:
            results.append(
                {"id": shipment_id, "ok": False, "state": exc.state, "message": str(exc)}
            )
            continue
        results.append({"id": shipment_id, "ok": True, "state": shipment.state, "message": None})
    return {"results": results}


def _retry_matching(spec: dict, user: User):
    try:
        flt = ShipmentFilter.build(
            states=spec["state"],
            market=spec["market"],
            adapter=spec["adapter"],
            reason=spec["reason"],
            q=spec["q"],
        )
    except BadFilter as exc:
        abort(422, errors={"filter": [str(exc)]})
    try:
        started = bulk.start_retry(flt, Actor.of(user, "api"))
    except bulk.QueueUnavailable:
        abort(
            503, message=_("The job queue is unavailable; nothing was retried. Try again shortly.")
        )
    return Response(
        orjson.dumps({"job_id": started.job_id, "count": started.count}),
        status=202,
        mimetype="application/json",
    )


@blp.post("/<int:shipment_id>/cancel")
@requires_api_role(Role.OPS, Role.SELLER)
@blp.response(202, ShipmentDetailSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def cancel_shipment(shipment_id: int, user: User):
    """Cancel a shipment; one a service already holds is cancelled there first."""
    _visible(user, shipment_id)
    try:
        shipment = ops_actions.cancel(shipment_id, Actor.of(user, "api"))
    except shipment_actions.NotAllowed as exc:
        abort(409, message=str(exc), code="not_cancellable")
    return _detail(user, shipment)

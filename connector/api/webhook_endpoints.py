"""``/api/v1/webhook-endpoints`` and ``/api/v1/webhook-deliveries``: a seller's webhooks.

A seller registers receivers (https URL, the events wanted), gets each one's
signing secret once, rotates it (the old one keeps signing for a while), sees
every delivery with its attempts and resends one. Another seller's endpoint or
delivery is a 404.
"""

from __future__ import annotations

import orjson
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.models import Role, User, WebhookDelivery, WebhookEndpoint
from connector.models.types import utcnow
from connector.ops.audit import Actor
from connector.seller_hooks import delivery as deliveries
from connector.seller_hooks import endpoints, messages
from connector.seller_hooks.events import EVENT_TYPES
from connector.urls import public_base

blp = Blueprint("webhooks_api", __name__, url_prefix="", description="Webhooks to sellers")

EVENTS_DESCRIPTION = "Any of: " + ", ".join(EVENT_TYPES) + "."


class WebhookEndpointInSchema(Schema):
    url = f.String(
        required=True,
        validate=validate.Length(1, 2000),
        metadata={"description": "https:// and public (no private or internal address)."},
    )
    events = f.List(f.String(), required=True, metadata={"description": EVENTS_DESCRIPTION})
    description = f.String(load_default=None, allow_none=True, validate=validate.Length(0, 200))


class WebhookEndpointPatchSchema(Schema):
    url = f.String(validate=validate.Length(1, 2000))
    events = f.List(f.String(), metadata={"description": EVENTS_DESCRIPTION})
    description = f.String(allow_none=True, validate=validate.Length(0, 200))
    enabled = f.Boolean(
        metadata={"description": "true enables a disabled endpoint again (clears the notice)."}
    )


class WebhookRotateInSchema(Schema):
    keep_old_hours = f.Integer(
        load_default=None,
        validate=validate.Range(0, 168),
        metadata={"description": "How long the old secret keeps signing (default 24; 0: not)."},
    )


class WebhookEndpointSchema(Schema):
    id = fields.Integer()
    url = fields.String()
    description = fields.String(allow_none=True)
    events = fields.List(fields.String())
    enabled = fields.Boolean()
    secret_hint = fields.String(metadata={"description": "The secret's last 4 characters."})
    previous_secret_valid_until = fields.AwareDateTime(
        allow_none=True,
        metadata={"description": "After a rotation: until when the old secret signs too."},
    )
    failing_since = fields.AwareDateTime(allow_none=True)
    disabled_at = fields.AwareDateTime(allow_none=True)
    disabled_reason = fields.String(
        allow_none=True, metadata={"description": "failing (a day of failures) or gone (410)."}
    )
    notice = fields.String(allow_none=True, metadata={"description": "Why it was disabled."})
    deliveries_url = fields.String()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class NewWebhookEndpointSchema(WebhookEndpointSchema):
    secret = fields.String(
        metadata={"description": "whsec_ + base64: the signing secret, shown only in this answer."}
    )


class WebhookAttemptSchema(Schema):
    number = fields.Integer()
    started_at = fields.AwareDateTime()
    duration_ms = fields.Integer()
    status_code = fields.Integer(allow_none=True)
    error_code = fields.String(allow_none=True)
    error_message = fields.String(allow_none=True)
    response_excerpt = fields.String(allow_none=True)
    resend = fields.Boolean()


class WebhookDeliverySchema(Schema):
    id = fields.Integer()
    endpoint_id = fields.Integer()
    webhook_id = fields.String(
        attribute="message_id",
        metadata={"description": "The webhook-id header: the same on every attempt."},
    )
    event_type = fields.String()
    status = fields.String(metadata={"description": "pending, delivered or failed"})
    attempt_count = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    delivered_at = fields.AwareDateTime(allow_none=True)
    url = fields.Function(lambda d: f"{public_base()}/api/v1/webhook-deliveries/{d.id}")


class WebhookDeliveryDetailSchema(WebhookDeliverySchema):
    payload = fields.Function(
        lambda d: orjson.loads(d.payload), metadata={"description": "The body as sent."}
    )
    attempts = fields.List(fields.Nested(WebhookAttemptSchema))


class WebhookDeliveryPageSchema(Schema):
    items = fields.List(fields.Nested(WebhookDeliverySchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class WebhookDeliveryQuerySchema(Schema):
    status = f.String(validate=validate.OneOf(["pending", "delivered", "failed"]))
    limit = f.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = f.page_offset()


def endpoint_view(endpoint: WebhookEndpoint, secret: str | None = None) -> dict:
    now = utcnow()
    view = {
        **{
            name: getattr(endpoint, name)
            for name in (
                "id",
                "url",
                "description",
                "events",
                "enabled",
                "secret_hint",
                "failing_since",
                "disabled_at",
                "disabled_reason",
                "created_at",
                "updated_at",
            )
        },
        "previous_secret_valid_until": endpoints.previous_secret_valid_until(endpoint, now),
        "notice": messages.notice(endpoint.disabled_reason, endpoint.disabled_at),
        "deliveries_url": f"{public_base()}/api/v1/webhook-endpoints/{endpoint.id}/deliveries",
    }
    if secret is not None:
        view["secret"] = secret
    return view


def _endpoint(user: User, endpoint_id: int) -> WebhookEndpoint:
    endpoint = endpoints.endpoint_of(user, endpoint_id)
    if endpoint is None:
        abort(404, message=_("No such webhook endpoint."))
    return endpoint


def _delivery(user: User, delivery_id: int) -> WebhookDelivery:
    found = deliveries.delivery_of(user.id, delivery_id)
    if found is None:
        abort(404, message=_("No such delivery."))
    return found


def _refused(exc: endpoints.EndpointRefused):
    abort(422, errors={exc.field: [messages.refusal(exc.code)]})


@blp.get("/webhook-endpoints/")
@requires_api_role(Role.SELLER)
@blp.response(200, WebhookEndpointSchema(many=True))
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def list_endpoints(user: User):
    """Your webhook endpoints, with why any was disabled."""
    return [endpoint_view(endpoint) for endpoint in endpoints.endpoints_of(user)]


@blp.post("/webhook-endpoints/")
@requires_api_role(Role.SELLER)
@blp.arguments(WebhookEndpointInSchema)
@blp.response(201, NewWebhookEndpointSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def create_endpoint(args: dict, user: User):
    """Register a receiver; the answer holds its signing secret, shown only this once."""
    try:
        made = endpoints.create(
            Actor.of(user, "api"), user, args["url"], args["events"], args.get("description")
        )
    except endpoints.EndpointRefused as exc:
        _refused(exc)
    return endpoint_view(made.endpoint, made.secret)


@blp.get("/webhook-endpoints/<int:endpoint_id>")
@requires_api_role(Role.SELLER)
@blp.response(200, WebhookEndpointSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_endpoint(endpoint_id: int, user: User):
    """One of your endpoints."""
    return endpoint_view(_endpoint(user, endpoint_id))


@blp.patch("/webhook-endpoints/<int:endpoint_id>")
@requires_api_role(Role.SELLER)
@blp.arguments(WebhookEndpointPatchSchema)
@blp.response(200, WebhookEndpointSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def update_endpoint(args: dict, endpoint_id: int, user: User):
    """Change the URL, events or description; enable or disable the endpoint."""
    endpoint = _endpoint(user, endpoint_id)
    try:
        endpoints.update(Actor.of(user, "api"), endpoint, args)
    except endpoints.EndpointRefused as exc:
        _refused(exc)
    return endpoint_view(endpoint)


@blp.delete("/webhook-endpoints/<int:endpoint_id>")
@requires_api_role(Role.SELLER)
@blp.response(204)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def delete_endpoint(endpoint_id: int, user: User):
    """Remove the endpoint and its delivery log."""
    endpoints.delete(Actor.of(user, "api"), _endpoint(user, endpoint_id))


@blp.post("/webhook-endpoints/<int:endpoint_id>/rotate-secret")
@requires_api_role(Role.SELLER)
@blp.arguments(WebhookRotateInSchema)
@blp.response(200, NewWebhookEndpointSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def rotate_secret(args: dict, endpoint_id: int, user: User):
    """A new signing secret (shown once); the old one keeps signing beside it for a while,
    so both verify until you switch."""
    made = endpoints.rotate_secret(
        Actor.of(user, "api"), _endpoint(user, endpoint_id), args.get("keep_old_hours")
    )
    return endpoint_view(made.endpoint, made.secret)


@blp.get("/webhook-endpoints/<int:endpoint_id>/deliveries")
@requires_api_role(Role.SELLER)
@blp.arguments(WebhookDeliveryQuerySchema, location="query")
@blp.response(200, WebhookDeliveryPageSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def list_deliveries(args: dict, endpoint_id: int, user: User):
    """The endpoint's deliveries, newest first."""
    items, total = deliveries.deliveries_of(
        _endpoint(user, endpoint_id), args.get("status"), args["limit"], args["offset"]
    )
    return {"items": items, "total": total, "limit": args["limit"], "offset": args["offset"]}


@blp.get("/webhook-deliveries/<int:delivery_id>")
@requires_api_role(Role.SELLER)
@blp.response(200, WebhookDeliveryDetailSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_delivery(delivery_id: int, user: User):
    """One delivery: the body as sent and every attempt (status, duration, error, answer)."""
    return _delivery(user, delivery_id)


@blp.post("/webhook-deliveries/<int:delivery_id>/resend")
@requires_api_role(Role.SELLER)
@blp.response(202, WebhookDeliverySchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def resend_delivery(delivery_id: int, user: User):
    """Send the delivery again now, with the same webhook-id and a fresh retry schedule."""
    try:
        return deliveries.resend(Actor.of(user, "api"), _delivery(user, delivery_id))
    except deliveries.CannotResend as exc:
        abort(409, message=messages.refusal(exc.code), code=exc.code)

"""``/api/v1/channel-connections``: a seller's shops on marketplaces and each product's sync.

A seller connects a shop per channel and market with the shop id and its
credentials; we keep the credentials encrypted and never send them back. Our
offers are pushed there by jobs; each SKU's status and the channel's refusal
reasons are read here.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.channels import connections, push
from connector.channels.reason_messages import (
    CONNECTION_ERRORS,
    STATUS_LABELS,
    error_text,
    reason_text,
)
from connector.extensions import db
from connector.models import ChannelConnection, ChannelListing, Role, SyncStatus, User
from connector.ops.audit import Actor

blp = Blueprint(
    "channel_connections_api",
    __name__,
    url_prefix="/channel-connections",
    description="Seller shops on marketplaces",
)


class ConnectionInSchema(Schema):
    channel = f.String(
        required=True,
        validate=validate.OneOf(
            list(connections.CHANNELS), error=_l("Choose one of the channels.")
        ),
    )
    market = f.String(required=True, validate=validate.Length(2, 2))
    shop_id = f.String(
        required=True,
        metadata={"description": "Shopee: the shop_id; Ozon: your Client-Id."},
    )
    credentials = f.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={
            "description": 'Shopee: {"access_token": ...}; Ozon: {"api_key": ...}; '
            'Wildberries: {"api_token": ...}; TikTok Shop: {"access_token": ...}. '
            "Stored encrypted; never sent back."
        },
    )
    options = f.Dict(
        keys=fields.String(),
        values=fields.String(),
        load_default=dict,
        metadata={"description": 'Ozon: {"warehouse_id": ...} for stock updates.'},
    )
    enabled = fields.Boolean(load_default=True)


class ConnectionChangeSchema(Schema):
    shop_id = f.String()
    credentials = f.Dict(keys=fields.String(), values=fields.String())
    options = f.Dict(keys=fields.String(), values=fields.String())
    enabled = fields.Boolean()


class ConnectionOutSchema(Schema):
    id = fields.Integer()
    channel = fields.String()
    market = fields.String(attribute="market_code")
    shop_id = fields.String()
    options = fields.Dict()
    enabled = fields.Boolean()
    credentials_set = fields.Boolean(
        metadata={"description": "Whether credentials are stored (they are never shown)."}
    )
    error = fields.String(allow_none=True)
    last_run_at = fields.AwareDateTime(allow_none=True)
    counts = fields.Dict(metadata={"description": "Products per sync status."})


class ProductQuerySchema(Schema):
    status = f.String(validate=validate.OneOf([s.value for s in SyncStatus]))


class ProductOutSchema(Schema):
    sku = fields.String()
    offer_id = fields.Integer()
    channel_product_id = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    reasons = fields.List(fields.Dict())
    messages = fields.List(fields.String())
    error_code = fields.String(allow_none=True)
    attempts = fields.Integer()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    pushed_at = fields.AwareDateTime(allow_none=True)


def counts_of(connection_id: int) -> dict[str, int]:
    rows = db.session.execute(
        select(ChannelListing.status, db.func.count())
        .where(ChannelListing.connection_id == connection_id)
        .group_by(ChannelListing.status)
    ).all()
    return {status: count for status, count in rows}


def connection_view(row: ChannelConnection) -> dict:
    return {
        "id": row.id,
        "channel": row.channel,
        "market_code": row.market_code,
        "shop_id": row.shop_id,
        "options": row.options or {},
        "enabled": row.enabled,
        "credentials_set": bool(row.credentials),
        "error": error_text(row.last_error_code, transient=False),
        "last_run_at": row.last_run_at,
        "counts": counts_of(row.id),
    }


def product_view(row: ChannelListing) -> dict:
    messages = [reason_text(reason) for reason in row.reasons or []]
    if not messages and row.status in (SyncStatus.RETRYING, SyncStatus.FAILED):
        text = error_text(row.error_code, transient=row.status == SyncStatus.RETRYING)
        messages = [text] if text else []
    return {
        "sku": row.sku,
        "offer_id": row.offer_id,
        "channel_product_id": row.channel_product_id,
        "status": row.status,
        "status_label": str(STATUS_LABELS.get(row.status, row.status)),
        "reasons": row.reasons or [],
        "messages": messages,
        "error_code": row.error_code,
        "attempts": row.attempts,
        "next_attempt_at": row.next_attempt_at,
        "pushed_at": row.pushed_at,
    }


def products_of(row: ChannelConnection, status: str | None = None) -> list[ChannelListing]:
    query = select(ChannelListing).where(ChannelListing.connection_id == row.id)
    if status:
        query = query.where(ChannelListing.status == status)
    return list(db.session.execute(query.order_by(ChannelListing.sku)).scalars())


def _refused(error: connections.ConnectionRefused):
    status = 409 if error.code == "already_connected" else 422
    abort(status, errors={error.field: [str(CONNECTION_ERRORS[error.code])]})


def _own(user: User, connection_id: int) -> ChannelConnection:
    row = connections.connection_of(user, connection_id)
    if row is None:
        abort(404, message=str(_l("No such connection.")))
    return row


@blp.get("/")
@requires_api_role(Role.SELLER)
@blp.response(200, ConnectionOutSchema(many=True))
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def list_connections(user: User):
    """Your shops on marketplaces, with how many products are in each sync status."""
    return [connection_view(row) for row in connections.connections_of(user)]


@blp.post("/")
@requires_api_role(Role.SELLER)
@blp.arguments(ConnectionInSchema)
@blp.response(201, ConnectionOutSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def connect(args: dict, user: User):
    """Connect a shop; the first sync of the market's offers starts at once."""
    try:
        row = connections.connect(
            Actor.of(user, "api"),
            user,
            args["channel"],
            args["market"].upper(),
            args["shop_id"],
            args["credentials"],
            args["options"],
            args["enabled"],
        )
    except connections.ConnectionRefused as error:
        _refused(error)
    return connection_view(row)


@blp.get("/<int:connection_id>")
@requires_api_role(Role.SELLER)
@blp.response(200, ConnectionOutSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_connection(connection_id: int, user: User):
    """One shop (its credentials are never shown)."""
    return connection_view(_own(user, connection_id))


@blp.patch("/<int:connection_id>")
@requires_api_role(Role.SELLER)
@blp.arguments(ConnectionChangeSchema)
@blp.response(200, ConnectionOutSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def change_connection(args: dict, connection_id: int, user: User):
    """Pause or resume pushing, replace the credentials, or change the shop id."""
    row = _own(user, connection_id)
    try:
        row = connections.change(
            Actor.of(user, "api"),
            row,
            shop_id=args.get("shop_id"),
            secrets=args.get("credentials"),
            options=args.get("options"),
            enabled=args.get("enabled"),
        )
    except connections.ConnectionRefused as error:
        _refused(error)
    return connection_view(row)


@blp.delete("/<int:connection_id>")
@requires_api_role(Role.SELLER)
@blp.response(204)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def disconnect(connection_id: int, user: User):
    """Forget the shop; products already on the channel stay as they are."""
    connections.disconnect(Actor.of(user, "api"), _own(user, connection_id))


@blp.post("/<int:connection_id>/sync")
@requires_api_role(Role.SELLER)
@blp.response(202, ConnectionOutSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def sync_now(connection_id: int, user: User):
    """Push again now; refused and failed products are tried once more."""
    row = _own(user, connection_id)
    push.resync(row)
    return connection_view(row)


@blp.get("/<int:connection_id>/products")
@requires_api_role(Role.SELLER)
@blp.arguments(ProductQuerySchema, location="query")
@blp.response(200, ProductOutSchema(many=True))
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def list_products(args: dict, connection_id: int, user: User):
    """Each pushed SKU: the channel's id, its sync status, and why it was refused or failed."""
    row = _own(user, connection_id)
    return [product_view(item) for item in products_of(row, args.get("status"))]

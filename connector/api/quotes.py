"""``/api/v1/quotes``: the exact price of an order before it is placed, held for a while."""

from __future__ import annotations

from flask import url_for
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields

from connector.api.common import Blueprint, ErrorEnvelopeSchema, json_body
from connector.api.order_errors import abort_rejected
from connector.auth.principal import requires_api_role
from connector.extensions import db
from connector.models import Quote, Role, User
from connector.offers.visibility import order_pricing_for_seller
from connector.orders import quotes, service
from connector.orders.schemas import QuoteInSchema

blp = Blueprint("quotes_api", __name__, url_prefix="/quotes", description="Exact quotes")


class QuoteLineOutSchema(Schema):
    offer_id = fields.Integer()
    offer_version = fields.Integer()
    sku = fields.String()
    quantity = fields.Integer()
    total = fields.String(metadata={"description": "Decimal, in the quote's currency."})


class QuoteOutSchema(Schema):
    id = fields.String(metadata={"description": "Send it as quote_id when ordering."})
    market = fields.String()
    mode = fields.String()
    currency = fields.String()
    total = fields.String(metadata={"description": "Decimal: what the order will cost."})
    lines = fields.List(fields.Nested(QuoteLineOutSchema))
    pricing = fields.Dict(
        metadata={
            "description": "Per line: parcels with their weight, shipping, duty and VAT, the "
            "components, rounding; and the FX rates used with source and time."
        }
    )
    created_at = fields.AwareDateTime()
    valid_until = fields.AwareDateTime(
        metadata={"description": "When the oldest rate passes its age limit, or 24 h at most."}
    )
    url = fields.String()


def _output(quote: Quote) -> dict:
    return {
        "id": quote.id,
        "market": quote.market_code,
        "mode": quote.mode,
        "currency": quote.currency,
        "total": str(quote.total),
        "lines": quote.lines,
        "pricing": order_pricing_for_seller(quote.pricing),
        "created_at": quote.created_at,
        "valid_until": quote.valid_until,
        "url": url_for("quotes_api.get_quote", quote_id=quote.id),
    }


@blp.post("/")
@requires_api_role(Role.SELLER)
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": QuoteInSchema}}})
@blp.response(201, QuoteOutSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def create_quote(user: User):
    """Price lines exactly (parcels, shipping, duty and VAT per parcel, fees, rounding)."""
    payload = json_body()
    if not isinstance(payload, dict):
        abort(422, errors={"_schema": ["Send the quote request as a JSON object."]})
    try:
        data = QuoteInSchema().load(payload)
    except ValidationError as exc:
        abort(422, errors=exc.messages)
    try:
        quote = service.create_quote(user, data)
    except service.OrderRejected as exc:
        abort_rejected(exc)
    db.session.commit()
    return _output(quote)


@blp.get("/<string:quote_id>")
@requires_api_role(Role.SELLER)
@blp.response(200, QuoteOutSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_quote(quote_id: str, user: User):
    """One of the caller's quotes."""
    quote = quotes.get_quote(user, quote_id[:40])
    if quote is None:
        abort(404, message="No such quote.")
    return _output(quote)

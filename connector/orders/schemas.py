"""What a seller sends to place an order, validated before anything is looked up."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, pre_load, validate

from connector import fields as f
from connector.factory.customization import customization_field
from connector.markets.model import MODES


def _strip(data):
    if isinstance(data, dict):
        return {
            key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()
        }
    return data


class ShipToSchema(Schema):
    """Where the buyer receives the goods; which fields are required depends on the carrier."""

    class Meta:
        unknown = RAISE

    name = f.String(required=True, validate=validate.Length(1, 120))
    phone = f.String(
        required=True,
        validate=validate.Length(5, 32),
        metadata={"description": "As the buyer writes it; checked for the market's country."},
    )
    email = f.Email(load_default=None, allow_none=True)
    line1 = f.String(required=True, validate=validate.Length(1, 200))
    line2 = f.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    ward = f.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    district = f.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    city = f.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    province = f.String(load_default=None, allow_none=True, validate=validate.Length(max=120))
    postal_code = f.String(load_default=None, allow_none=True, validate=validate.Length(max=16))
    country = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(equal=2),
        metadata={"description": "Optional; must be the market's country."},
    )

    @pre_load
    def _normalise(self, data, **kwargs):
        data = _strip(data)
        if isinstance(data, dict):
            # An empty optional field is the same as an absent one.
            data = {key: value for key, value in data.items() if value != ""}
            if isinstance(data.get("country"), str):
                data["country"] = data["country"].upper()
        return data


class OrderLineInSchema(Schema):
    class Meta:
        unknown = RAISE

    offer_id = f.Integer(required=True, strict=True, validate=validate.Range(1, 2**63 - 1))
    sku = f.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "The variant's SKU, as in the offer document."},
    )
    quantity = f.Integer(required=True, strict=True, validate=validate.Range(min=1, max=1_000_000))
    customization = customization_field

    @pre_load
    def _normalise(self, data, **kwargs):
        return _strip(data)


class QuoteInSchema(Schema):
    """Lines, mode and destination market: what a quote prices and an order asks for."""

    class Meta:
        unknown = RAISE

    market = f.String(required=True, validate=validate.Length(equal=2))
    mode = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(MODES),
        metadata={"description": "semi_managed or fully_managed; the market's default if absent."},
    )
    carrier = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 32),
        metadata={
            "description": "Semi-managed only: one of the market's carriers for the mode "
            "(e.g. ghtk in VN); the market's default carrier if absent."
        },
    )
    lines = f.List(
        fields.Nested(OrderLineInSchema), required=True, validate=validate.Length(1, 100)
    )

    @pre_load
    def _normalise(self, data, **kwargs):
        data = _strip(data)
        if isinstance(data, dict) and isinstance(data.get("market"), str):
            data["market"] = data["market"].upper()
        return data


class OrderInSchema(QuoteInSchema):
    reference = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "Your own order number, shown back to you."},
    )
    ship_to = fields.Nested(ShipToSchema, required=True)
    quote_id = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 40),
        metadata={"description": "A quote from POST /api/v1/quotes: charged exactly."},
    )

"""``/api/v1/listings/<id>/offers``: the exporter's view of a listing's offers per market."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields

from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.listings import service as listings
from connector.models import Role, User
from connector.offers.service import offers_of

blp = Blueprint("offers_api", __name__, url_prefix="/listings", description="Offers per market")


class ReasonSchema(Schema):
    code = fields.String()
    params = fields.Dict()


class OfferSchema(Schema):
    id = fields.Integer()
    listing_id = fields.Integer()
    market = fields.String(attribute="market_code")
    status = fields.String(metadata={"description": "ready, held or withdrawn"})
    hold_reasons = fields.List(fields.Nested(ReasonSchema))
    version = fields.Integer()
    listing_revision = fields.Integer()
    priced_at = fields.AwareDateTime(allow_none=True)
    updated_at = fields.AwareDateTime()
    document = fields.Dict(metadata={"description": "Prices per variant and tier, with breakdown"})


@blp.get("/<int:listing_id>/offers")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.response(200, OfferSchema(many=True))
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def listing_offers(listing_id: int, user: User):
    """The listing's offer in each market: status, why it is held, prices and breakdowns."""
    try:
        listings.get_visible(user, listing_id)
    except listings.NotVisible:
        abort(404, message=_("No such listing."))
    return offers_of(listing_id)

"""``/api/v1/listings``: exporters create and change their listings."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields

from connector.api.common import Blueprint, ErrorEnvelopeSchema, json_body
from connector.auth.principal import requires_api_role
from connector.listings import service
from connector.listings.schemas import (
    ListingInSchema,
    ListingOutSchema,
    ListingPatchSchema,
    ListingQueryArgsSchema,
)
from connector.models import Role, User
from connector.params import whole_number

blp = Blueprint(
    "listings_api", __name__, url_prefix="/listings", description="Domestic listings (CNY)"
)


class ListingPageSchema(Schema):
    items = fields.List(fields.Nested(ListingOutSchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


def _load_or_422(loader, *args) -> dict:
    try:
        return loader(*args)
    except ValidationError as exc:
        abort(422, errors=exc.messages)


def _visible_or_404(user: User, listing_id: int):
    try:
        return service.get_visible(user, listing_id)
    except service.NotVisible:
        abort(404, message=_("No such listing."))


def _supplier_of(user: User, payload: dict) -> int:
    """Exporters create for their own supplier; ops name one with ``supplier_id``."""
    if user.role == Role.EXPORTER:
        if user.supplier_id is None:
            abort(403, message=_("This exporter account belongs to no supplier."))
        return user.supplier_id
    supplier_id = payload.pop("supplier_id", None)
    if not isinstance(supplier_id, int) or isinstance(supplier_id, bool):
        abort(
            422, errors={"supplier_id": [_("Ops must name the supplier this listing belongs to.")]}
        )
    from connector.extensions import db
    from connector.models import Supplier

    if db.session.get(Supplier, supplier_id) is None:
        abort(422, errors={"supplier_id": [_("No such supplier.")]})
    return supplier_id


@blp.get("/")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.arguments(ListingQueryArgsSchema, location="query")
@blp.response(200, ListingPageSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def list_listings(args, user: User):
    """Listings the caller may see, newest first."""
    items, total = service.page_of_listings(user, args.get("status"), args["limit"], args["offset"])
    return {
        "items": [service.listing_output(item) for item in items],
        "total": total,
        "limit": args["limit"],
        "offset": args["offset"],
    }


@blp.post("/")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.doc(
    requestBody={"required": True, "content": {"application/json": {"schema": ListingInSchema}}}
)
@blp.response(201, ListingOutSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(415, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def create_listing(user: User):
    """Create a listing; `status: submitted` requires it to be complete."""
    payload = json_body()
    if not isinstance(payload, dict):
        abort(422, errors={"_schema": [_("Send the listing as a JSON object.")]})
    supplier_id = _supplier_of(user, payload)
    data = _load_or_422(service.validate_listing, payload)
    listing = _load_or_422(service.create_listing, user, supplier_id, data)
    location = url_for("listings_api.get_listing", listing_id=listing.id)
    return service.listing_output(listing), 201, {"Location": location}


@blp.get("/<int:listing_id>")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.response(200, ListingOutSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def get_listing(listing_id: int, user: User):
    """One listing, as stored; its ETag is the revision (for If-Match on PATCH)."""
    listing = _visible_or_404(user, listing_id)
    return service.listing_output(listing), 200, {"ETag": f'"{listing.revision}"'}


@blp.patch("/<int:listing_id>")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.doc(
    requestBody={"required": True, "content": {"application/json": {"schema": ListingPatchSchema}}}
)
@blp.response(200, ListingOutSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(412, schema=ErrorEnvelopeSchema)
@blp.alt_response(415, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def patch_listing(listing_id: int, user: User):
    """Change some fields; a list given replaces the stored list. The whole result is validated."""
    listing = _visible_or_404(user, listing_id)
    expected = _if_match_revision()
    data = _load_or_422(service.merge_patch, listing, json_body())
    try:
        listing = _load_or_422(service.replace_listing, listing, data, expected)
    except service.StaleRevision as exc:
        abort(
            412,
            message=_(
                "The listing is at revision %(revision)s; read it again first.",
                revision=exc.current,
            ),
            code="stale_revision",
        )
    return service.listing_output(listing), 200, {"ETag": f'"{listing.revision}"'}


def _if_match_revision() -> int | None:
    """``If-Match: "<revision>"`` makes a PATCH apply only to the revision the caller read."""
    header = request.headers.get("If-Match")
    if not header or header.strip() == "*":
        return None
    revision = whole_number(header.strip().removeprefix("W/").strip('"'))
    if revision is None:
        abort(400, message='If-Match must be a listing revision such as "3".')
    return revision

"""``/api/v1/images``: upload a product image, then reference it from a listing."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields

from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.extensions import db
from connector.listings.images import ImageRejected, enqueue_thumbnail, store_image
from connector.models import Role, User
from connector.urls import public_url_for

blp = Blueprint("images_api", __name__, url_prefix="/images", description="Product images")


class StoredImageSchema(Schema):
    sha256 = fields.String()
    url = fields.String()
    content_type = fields.String()
    size_bytes = fields.Integer()
    width = fields.Integer()
    height = fields.Integer()


@blp.post("/")
@requires_api_role(Role.EXPORTER, Role.OPS, Role.SELLER)
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
)
@blp.response(201, StoredImageSchema)
@blp.alt_response(413, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def upload_image(user: User):
    """Upload a JPEG, PNG, WebP or GIF; reference it in a listing by `sha256` (sellers:
    as the artwork of an order line's customization)."""
    upload = request.files.get("file")
    if upload is None:
        abort(422, errors={"file": [_("Attach the image as the multipart field 'file'.")]})
    try:
        stored = store_image(upload.stream, user.supplier_id)
    except ImageRejected as exc:
        db.session.rollback()
        abort(422, errors={"file": [str(exc.message)]}, code=exc.code)
    db.session.commit()
    if not stored.has_thumbnail:
        enqueue_thumbnail(stored.sha256)
    body = StoredImageSchema().dump(stored)
    body["url"] = public_url_for("images.original", sha256=stored.sha256)
    return body, 201

"""``/api/v1/translations``: the missing texts of all of a factory's listings (all, for
ops) as one PO or XLIFF 2.0 file per language, and the translated file read back."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.listings import translation_batch as batch
from connector.listings.batch_views import file_response
from connector.models import Role, User

blp = Blueprint(
    "translations_api",
    __name__,
    url_prefix="/translations",
    description="Translation files for many listings",
)


class MissingQueryArgsSchema(Schema):
    locale = fields.String(required=True, metadata={"description": "A market locale: vi_VN…"})
    format = fields.String(load_default="xliff", validate=validate.OneOf(batch.FORMATS))
    supplier_id = fields.Integer(
        load_default=None, metadata={"description": "Ops only: one factory's listings."}
    )


class AppliedSchema(Schema):
    listing_id = fields.Integer()
    unit = fields.String()


class ConflictSchema(Schema):
    listing_id = fields.Integer()
    unit = fields.String()
    source = fields.String()
    own = fields.String(metadata={"description": "The exporter's own text, kept."})
    theirs = fields.String(metadata={"description": "The file's text, not applied."})


class SkippedSchema(Schema):
    unit = fields.String()
    reason = fields.String(metadata={"description": "no_listing or source_changed"})


class ImportResultSchema(Schema):
    locale = fields.String()
    applied = fields.List(fields.Nested(AppliedSchema))
    conflicts = fields.List(
        fields.Nested(ConflictSchema),
        metadata={"description": "Not applied: send the chosen ones to /translations/resolve."},
    )
    skipped = fields.List(fields.Nested(SkippedSchema))


class ChoiceSchema(Schema):
    unit = fields.String(required=True, validate=validate.Length(1, 80))
    own = fields.String(
        load_default="",
        metadata={"description": "The own text as the conflict showed it (checked unchanged)."},
    )
    text = fields.String(required=True, validate=validate.Length(1, 5000))


class ResolveSchema(Schema):
    locale = fields.String(required=True)
    choices = fields.List(
        fields.Nested(ChoiceSchema), required=True, validate=validate.Length(1, 5000)
    )


def _check_locale(locale: str, where: str) -> None:
    if locale not in batch.known_locales():
        abort(
            422,
            errors={
                where: [_("Use one of %(locales)s.", locales=", ".join(batch.known_locales()))]
            },
        )


@blp.get("/missing")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.arguments(MissingQueryArgsSchema, location="query")
@blp.response(200, description="A PO or XLIFF 2.0 file.")
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def missing(args, user: User):
    """Every text still missing in ``locale``, for all your listings (ops: all, or one
    factory's with ``supplier_id``)."""
    _check_locale(args["locale"], "locale")
    supplier_id = args["supplier_id"] if user.role == Role.OPS else None
    texts = batch.missing_texts(user, args["locale"], supplier_id)
    body = (batch.export_po if args["format"] == "po" else batch.export_xliff)(
        texts, args["locale"]
    )
    return file_response(body, args["format"], args["locale"])


@blp.post("/import")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.doc(
    requestBody={
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "locale": {"type": "string"},
                    },
                    "required": ["file", "locale"],
                }
            }
        },
    }
)
@blp.response(200, ImportResultSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def import_file(user: User):
    """Read a translated PO or XLIFF 2.0 file back: new texts are applied, texts that
    differ from the exporter's own are listed as conflicts and not applied."""
    locale = request.form.get("locale", "")
    _check_locale(locale, "locale")
    upload = request.files.get("file")
    if upload is None:
        abort(422, errors={"file": [_("Attach the file as the multipart field 'file'.")]})
    try:
        entries = batch.read_file(upload.read(batch.MAX_BYTES + 1), locale)
        return batch.import_entries(user, locale, entries)
    except batch.BatchFileError as exc:
        abort(422, errors={"file": [batch.problem_text(exc)]}, code=f"translation_file_{exc.code}")


@blp.post("/resolve")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.arguments(ResolveSchema)
@blp.response(200, ImportResultSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def resolve(args, user: User):
    """Replace the exporter's own texts by the chosen ones, each only if the own text is
    still the one the conflict showed; otherwise it comes back as a conflict."""
    _check_locale(args["locale"], "locale")
    try:
        return batch.resolve(user, args["locale"], args["choices"])
    except batch.BatchFileError as exc:
        abort(422, errors={"choices": [batch.problem_text(exc)]}, code=f"translation_{exc.code}")

"""``/api/v1/glossary``: terms exporters translated, waiting for ops review; approved terms."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from adapters.han import has_han
from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.models import Role, User
from connector.offers import glossary_review
from connector.ops.audit import Actor

blp = Blueprint(
    "glossary_api", __name__, url_prefix="/glossary", description="Glossary review (ops)"
)


class SuggestionQueryArgsSchema(Schema):
    status = fields.String(
        load_default="pending", validate=validate.OneOf(glossary_review.STATUSES)
    )


class SuggestionSchema(Schema):
    id = fields.Integer()
    term = fields.String(metadata={"description": "The Chinese source term."})
    language = fields.String(metadata={"description": "Glossary language: vi, ru, kk…"})
    proposed = fields.String(metadata={"description": "The exporter's own translation."})
    glossary_value = fields.String(
        allow_none=True, metadata={"description": "What the glossary said then; null: nothing."}
    )
    status = fields.String(metadata={"description": "pending, approved or rejected"})
    listing_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    reviewed_at = fields.AwareDateTime(allow_none=True)
    reviewed_by = fields.String(allow_none=True)


class SuggestionListSchema(Schema):
    items = fields.List(fields.Nested(SuggestionSchema))


class ApproveSchema(Schema):
    value = f.String(
        load_default=None,
        validate=validate.Length(1, glossary_review.MAX_VALUE),
        metadata={"description": "The translation to approve, if not the proposed one."},
    )


class EntrySchema(Schema):
    term = fields.String()
    language = fields.String()
    value = fields.String()
    group = fields.String()
    approved_by = fields.String()
    approved_at = fields.AwareDateTime()


class EntryListSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))


class DecisionSchema(Schema):
    suggestion = fields.Nested(SuggestionSchema)
    entry = fields.Nested(EntrySchema, allow_none=True)


@blp.get("/suggestions")
@requires_api_role(Role.OPS)
@blp.arguments(SuggestionQueryArgsSchema, location="query")
@blp.response(200, SuggestionListSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def list_suggestions(args, user: User):
    """Exporters' translations of terms the glossary lacks or renders otherwise."""
    items = glossary_review.suggestions(args["status"])
    return {"items": [glossary_review.as_dict(s) for s in items]}


@blp.get("/entries")
@requires_api_role(Role.OPS, Role.EXPORTER)
@blp.response(200, EntryListSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
def list_entries(user: User):
    """Terms ops approved: every localization uses them beside the glossary files."""
    return {"items": list(glossary_review.entries())}


def _decide(suggestion_id: int, user: User, approve: bool, value: str | None = None) -> dict:
    actor = Actor.of(user, "api")
    try:
        if approve:
            done = glossary_review.approve(suggestion_id, actor, value, han=has_han)
        else:
            done = glossary_review.reject(suggestion_id, actor)
    except LookupError:
        abort(404, message=_("No such glossary suggestion."))
    except glossary_review.NotPending as exc:
        abort(
            409,
            message=_(
                "This suggestion is not waiting for a decision: it is %(status)s.",
                status=exc.suggestion.status,
            ),
        )
    except glossary_review.BadValue:
        abort(
            422,
            errors={
                "value": [
                    _("Give the translation in the market's language, at most 500 characters.")
                ]
            },
        )
    return {"suggestion": glossary_review.as_dict(done.suggestion), "entry": done.entry}


@blp.post("/suggestions/<int:suggestion_id>/approve")
@requires_api_role(Role.OPS)
@blp.arguments(ApproveSchema)
@blp.response(200, DecisionSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def approve_suggestion(args, suggestion_id: int, user: User):
    """Approve (ops), as proposed or with ``value``: used from now on; audited."""
    return _decide(suggestion_id, user, True, args.get("value"))


@blp.post("/suggestions/<int:suggestion_id>/reject")
@requires_api_role(Role.OPS)
@blp.response(200, DecisionSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def reject_suggestion(suggestion_id: int, user: User):
    """Reject (ops): the glossary stays as it is; audited."""
    return _decide(suggestion_id, user, False)

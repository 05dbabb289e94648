"""``/api/v1/audit``: the log of ops actions (ops only), newest first."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.models import Role, User
from connector.ops import audit

blp = Blueprint("audit_api", __name__, url_prefix="/audit", description="Audit log of ops actions")


class AuditQueryArgsSchema(Schema):
    action = fields.String(
        validate=validate.Length(1, 64),
        metadata={"description": "`shipment.retry`, or `shipment` for every shipment action."},
    )
    actor = fields.String(
        validate=validate.Length(1, 254), metadata={"description": "E-mail or `cli:<login>`."}
    )
    target_type = fields.String(
        validate=validate.Length(1, 32),
        metadata={"description": "shipment, job, fx_rate, queue, seller"},
    )
    target_id = fields.String(validate=validate.Length(1, 64))
    result = fields.String(validate=validate.OneOf(audit.RESULTS))
    since = f.AwareDateTime(metadata={"description": "Entries at or after this time."})
    until = f.AwareDateTime(metadata={"description": "Entries before this time."})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = f.page_offset()


class AuditEntrySchema(Schema):
    id = fields.Integer()
    at = fields.AwareDateTime()
    actor = fields.String()
    actor_id = fields.Integer(allow_none=True)
    role = fields.String()
    source = fields.String(metadata={"description": "web, api, cli or job"})
    action = fields.String()
    target_type = fields.String()
    target_id = fields.String(allow_none=True)
    details = fields.Dict()
    result = fields.String(metadata={"description": "ok, refused, failed or queued"})


class AuditPageSchema(Schema):
    items = fields.List(fields.Nested(AuditEntrySchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


@blp.get("/")
@requires_api_role(Role.OPS)
@blp.arguments(AuditQueryArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def list_audit(args, user: User):
    """Who did what to which shipment, rate or job, when, and how it ended."""
    query = audit.AuditQuery(
        action=args.get("action"),
        actor=args.get("actor"),
        target_type=args.get("target_type"),
        target_id=args.get("target_id"),
        result=args.get("result"),
        since=args.get("since"),
        until=args.get("until"),
    )
    entries, total = audit.page_of_entries(query, args["limit"], args["offset"])
    return {
        "items": [audit.entry_output(entry) for entry in entries],
        "total": total,
        "limit": args["limit"],
        "offset": args["offset"],
    }

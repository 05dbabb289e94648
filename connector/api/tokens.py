"""``/api/v1/tokens``: a user's own API tokens (the secret is shown once)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, validate

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.auth.tokens import issue_token, revoke_token, token_view, tokens_of
from connector.models import User

blp = Blueprint("tokens_api", __name__, url_prefix="/tokens", description="API tokens")


class TokenInSchema(Schema):
    name = f.String(required=True, validate=validate.Length(1, 80))


class TokenOutSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    hint = fields.String(metadata={"description": "Last four characters of the secret."})
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class NewTokenSchema(TokenOutSchema):
    token = fields.String(metadata={"description": "The secret. Shown only in this answer."})


@blp.get("/")
@requires_api_role()
@blp.response(200, TokenOutSchema(many=True))
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
def list_tokens(user: User):
    """The caller's tokens, without their secrets."""
    return tokens_of(user)


@blp.post("/")
@requires_api_role()
@blp.arguments(TokenInSchema)
@blp.response(201, NewTokenSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def create_token(args, user: User):
    """Create a token; store the secret now, it cannot be shown again."""
    token, secret = issue_token(user, args["name"])
    return {**token_view(token), "token": secret}


@blp.delete("/<int:token_id>")
@requires_api_role()
@blp.response(204)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def delete_token(token_id: int, user: User):
    """Revoke one of the caller's tokens; it stops working at once."""
    if not revoke_token(user, token_id):
        abort(404, message=_("No such token."))

"""``/api/v1/sellers``: ops create seller accounts, scope them to markets, and manage their keys."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import select

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.auth.tokens import issue_token, revoke_token, token_view, tokens_of
from connector.extensions import db
from connector.markets.registry import markets
from connector.models import Role, User
from connector.ops import audit
from connector.ops.audit import Actor

blp = Blueprint("sellers_api", __name__, url_prefix="/sellers", description="Seller accounts")


def _check_markets(values: list[str]) -> None:
    unknown = sorted(set(values) - set(markets()))
    if unknown:
        raise ValidationError(f"Unknown markets: {', '.join(unknown)}.")


class SellerInSchema(Schema):
    name = f.String(required=True, validate=validate.Length(1, 120))
    email = f.Email(required=True)
    markets = f.List(fields.String(), required=True, validate=validate.Length(min=1))

    @validates("markets")
    def _known(self, value, **kwargs):
        _check_markets(value)


class SellerPatchSchema(Schema):
    markets = f.List(fields.String(), validate=validate.Length(min=1))
    active = fields.Boolean()

    @validates("markets")
    def _known(self, value, **kwargs):
        _check_markets(value)


class KeyInSchema(Schema):
    name = f.String(load_default="api", validate=validate.Length(1, 80))


class KeySchema(Schema):
    id = fields.Integer()
    name = fields.String()
    hint = fields.String()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class NewKeySchema(KeySchema):
    key = fields.String(metadata={"description": "The secret; shown only in this answer."})


class SellerSchema(Schema):
    id = fields.Integer()
    name = fields.String(attribute="display_name")
    email = fields.String()
    markets = fields.List(fields.String())
    active = fields.Boolean(attribute="is_active_account")
    created_at = fields.AwareDateTime()


class NewSellerSchema(SellerSchema):
    key = fields.Nested(NewKeySchema)


def _seller(seller_id: int) -> User:
    seller = db.session.get(User, seller_id)
    if seller is None or seller.role != Role.SELLER:
        abort(404, message=_("No such seller."))
    return seller


def _new_key(seller: User, name: str) -> dict:
    token, secret = issue_token(seller, name)
    return {**token_view(token), "key": secret}


@blp.get("/")
@requires_api_role(Role.OPS)
@blp.response(200, SellerSchema(many=True))
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def list_sellers(user: User):
    """Every seller account with its markets."""
    return (
        db.session.execute(select(User).where(User.role == Role.SELLER).order_by(User.id))
        .scalars()
        .all()
    )


@blp.post("/")
@requires_api_role(Role.OPS)
@blp.arguments(SellerInSchema)
@blp.response(201, NewSellerSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def create_seller(args: dict, user: User):
    """Create a seller scoped to some markets, with a first API key (shown once)."""
    if db.session.execute(select(User.id).where(User.email == args["email"])).first():
        abort(
            409, message=_("A user with this email exists."), errors={"email": [_("Already used.")]}
        )
    seller = User(
        email=args["email"],
        display_name=args["name"],
        role=Role.SELLER,
        markets=sorted(set(args["markets"])),
    )
    # Sellers use keys, not the web pages: the password is random and never shown.
    seller.set_password(secrets.token_urlsafe(32))
    db.session.add(seller)
    db.session.commit()
    key = _new_key(seller, "first key")
    details = {"email": seller.email, "name": seller.display_name, "markets": seller.markets}
    audit.record(
        Actor.of(user, "api"),
        "seller.create",
        "seller",
        seller.id,
        details={**details, "key_id": key["id"], "key_hint": key["hint"]},
    )
    shown = ("id", "display_name", "email", "markets", "is_active_account", "created_at")
    return {**{field: getattr(seller, field) for field in shown}, "key": key}


@blp.patch("/<int:seller_id>")
@requires_api_role(Role.OPS)
@blp.arguments(SellerPatchSchema)
@blp.response(200, SellerSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def update_seller(args: dict, seller_id: int, user: User):
    """Change a seller's markets, or switch the account off (its keys stop at once)."""
    seller = _seller(seller_id)
    before = {"markets": list(seller.markets or []), "active": seller.is_active_account}
    if "markets" in args:
        seller.markets = sorted(set(args["markets"]))
    if "active" in args:
        if seller.is_active_account and not args["active"]:
            # Switched off: its web sessions end too (its keys stop by the active check).
            seller.end_sessions()
        seller.is_active_account = args["active"]
    db.session.commit()
    after = {"markets": list(seller.markets or []), "active": seller.is_active_account}
    audit.record(
        Actor.of(user, "api"),
        "seller.update",
        "seller",
        seller.id,
        details={"email": seller.email, "before": before, "after": after},
    )
    return seller


@blp.get("/<int:seller_id>/keys")
@requires_api_role(Role.OPS)
@blp.response(200, KeySchema(many=True))
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def list_keys(seller_id: int, user: User):
    """A seller's keys, without their secrets."""
    return tokens_of(_seller(seller_id))


@blp.post("/<int:seller_id>/keys")
@requires_api_role(Role.OPS)
@blp.arguments(KeyInSchema)
@blp.response(201, NewKeySchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def create_key(args: dict, seller_id: int, user: User):
    """Issue another key for a seller (for rotation); shown once."""
    seller = _seller(seller_id)
    key = _new_key(seller, args["name"])
    audit.record(
        Actor.of(user, "api"),
        "seller.key_issue",
        "seller",
        seller.id,
        details={"email": seller.email, "key_id": key["id"], "key_hint": key["hint"]},
    )
    return key


@blp.delete("/<int:seller_id>/keys/<int:key_id>")
@requires_api_role(Role.OPS)
@blp.response(204)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def revoke_key(seller_id: int, key_id: int, user: User):
    """Revoke a seller's key; it stops working at once."""
    seller = _seller(seller_id)
    if not revoke_token(seller, key_id):
        abort(404, message=_("No such key."))
    audit.record(
        Actor.of(user, "api"),
        "seller.key_revoke",
        "seller",
        seller.id,
        details={"email": seller.email, "key_id": key_id},
    )

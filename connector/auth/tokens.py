"""Issuing and revoking API tokens."""

from __future__ import annotations

from sqlalchemy import select

from connector.extensions import db
from connector.models import ApiToken, User
from connector.models.types import utcnow


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    token, secret = ApiToken.issue(user, name)
    db.session.add(token)
    db.session.commit()
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        ).scalars()
    )


def revoke_token(user: User, token_id: int) -> bool:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        return False
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return True


def token_view(token: ApiToken) -> dict:
    """A token as the API shows it: never its secret (that is shown once, by the caller)."""
    fields = ("id", "name", "hint", "created_at", "last_used_at", "revoked_at")
    return {name: getattr(token, name) for name in fields}

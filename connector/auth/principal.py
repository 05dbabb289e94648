"""Who is calling: a bearer token for the API, a session for the web pages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort

from connector.extensions import db, login_manager
from connector.models import ApiToken, Role, User
from connector.models.account import hash_token
from connector.models.types import utcnow
from connector.params import whole_number


@login_manager.user_loader
def _load_user(session_id: str) -> User | None:
    """The user of a session cookie (``"<id>:<epoch>"``, see ``User.get_id``), if the
    user is active and has not ended its sessions since (sign-out, new password)."""
    user_id, _sep, epoch = (session_id or "").partition(":")
    number, issued_epoch = whole_number(user_id, 1), whole_number(epoch)
    if number is None or issued_epoch is None:
        return None
    user = db.session.get(User, number)
    if user is None or not user.is_active or user.session_epoch != issued_epoch:
        return None
    return user


LAST_USED_GRANULARITY = timedelta(minutes=1)


def rate_limit_key() -> str:
    secret = bearer_secret(request)
    if secret:
        return token_rate_key(secret)
    return "ip:" + (request.remote_addr or "unknown")


def token_rate_key(secret: str) -> str:
    """The rate limiter's key for an API token (the feed page cache counts under it too)."""
    return "key:" + hash_token(secret)[:24]


def bearer_secret(req) -> str | None:
    """The token of an ``Authorization: Bearer`` header of ``req`` (Flask's or werkzeug's)."""
    header = req.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def token_user() -> User | None:
    """The active user behind the request's bearer token, if any."""
    if "token_user" in g:
        return g.token_user
    user = None
    secret = bearer_secret(request)
    if secret:
        # One query for the token and its user: this runs on every API call.
        row = db.session.execute(
            db.select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == hash_token(secret))
        ).first()
        token, owner = row if row is not None else (None, None)
        if token is not None and token.active and owner.is_active:
            user = owner
            now = utcnow()
            # Recorded at most once a minute: a write per feed page would cost more
            # than the page itself.
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
                token.last_used_at = now
                db.session.commit()
    g.token_user = user
    return user


def api_user(*roles: Role) -> User:
    """The API caller; 401 without a valid token, 403 when its role may not act here."""
    user = token_user()
    if user is None:
        abort(
            401,
            message=_("Send a valid API token as 'Authorization: Bearer <token>'."),
            headers={"WWW-Authenticate": 'Bearer realm="connector"'},
        )
    if roles and user.role not in roles:
        abort(403, message=_("This token's role may not use this endpoint."))
    return user


def requires_api_role(*roles: Role) -> Callable:
    """Decorator form of :func:`api_user`; the view receives ``user=``."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            return view(*args, user=api_user(*roles), **kwargs)

        return wrapper

    return decorate


def web_user() -> User | None:
    return current_user if current_user.is_authenticated else None

"""The ``ops`` blueprint and its gate: ops only; exporters and sellers get 403."""

from __future__ import annotations

from flask import Blueprint, abort, current_app
from flask_login import current_user

from connector.models import Role
from connector.ops.audit import Actor

bp = Blueprint("ops", __name__, url_prefix="/ops")


def require_ops():
    """Anonymous visitors go to the sign-in page; any role but ops gets a 403."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role != Role.OPS:
        abort(403)
    return None


bp.before_request(require_ops)


def web_actor() -> Actor:
    return Actor.of(current_user, "web")

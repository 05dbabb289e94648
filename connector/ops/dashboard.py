"""rq-dashboard, mounted at ``/ops/rq`` behind the ops sign-in.

rq-dashboard is a Flask blueprint without authentication of its own. Its
``before_request`` functions are wrapped here, per app: the ops gate runs
first (anonymous: sign-in page; other roles: 403), then the Redis connection
is made on first use (never when the app is built), then the dashboard's own.

Its buttons post with jQuery and send the ``_csrf_token`` cookie back as
``X-CSRFToken``; the cookie carries a Flask-WTF token tied to the session, so
our CSRF protection stays on for the dashboard too. Each of its actions is
written to the audit log.
"""

from __future__ import annotations

import rq_dashboard
from flask import abort, current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from rq_dashboard.web import setup_rq_connection

from connector.models import Role
from connector.ops import audit
from connector.ops.blueprint import require_ops, web_actor

URL_PREFIX = "/ops/rq"
BLUEPRINT = rq_dashboard.blueprint.name
CSRF_COOKIE = "_csrf_token"
# The dashboard's endpoints that change something, and how the audit log names them.
ACTIONS = {
    "delete_job_view": "rq.delete_job",
    "requeue_job_view": "rq.requeue_job",
    "requeue_all": "rq.requeue_all",
    "empty_queue": "rq.empty_queue",
    "compact_queue": "rq.compact_queue",
}


def _connect_once():
    app = current_app._get_current_object()
    if getattr(app, "redis_conn", None) is None:
        setup_rq_connection(app)


def _no_changes_by_get():
    # requeue_all also answers GET; a link on another site must not requeue anything.
    if request.method != "POST" and (request.endpoint or "").rsplit(".", 1)[-1] in ACTIONS:
        abort(405)


def _is_ops() -> bool:
    return current_user.is_authenticated and current_user.role == Role.OPS


def _after(response):
    endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
    # Refused before the dashboard acted (CSRF, the gate, a bad method): nothing to log.
    reached = response.status_code not in (400, 403, 404, 405)
    if request.method == "POST" and endpoint in ACTIONS and reached and _is_ops():
        args = request.view_args or {}
        target = args.get("job_id") or args.get("queue_name")
        details = {key: value for key, value in args.items() if key != "instance_number"}
        audit.record(
            web_actor(),
            ACTIONS[endpoint],
            "job" if "job_id" in args else "queue",
            target,
            result="ok" if response.status_code < 400 else "failed",
            details={**details, "status": response.status_code},
        )
    if response.mimetype == "text/html" and _is_ops():
        response.set_cookie(
            CSRF_COOKIE,
            generate_csrf(),
            path=URL_PREFIX,
            samesite="Strict",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=False,  # the dashboard's script reads it
        )
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def mount(app) -> None:
    app.config.setdefault("RQ_DASHBOARD_REDIS_URL", app.config["REDIS_URL"])
    app.config.setdefault("RQ_DASHBOARD_POLL_INTERVAL", 5000)
    app.register_blueprint(rq_dashboard.blueprint, url_prefix=URL_PREFIX)
    theirs = app.before_request_funcs.get(BLUEPRINT, [])
    app.before_request_funcs[BLUEPRINT] = [require_ops, _no_changes_by_get, _connect_once, *theirs]
    app.after_request_funcs.setdefault(BLUEPRINT, []).append(_after)

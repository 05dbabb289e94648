"""rq-dashboard, mounted at ``/ops/rq`` behind the ops sign-in.

rq-dashboard is a Flask blueprint without authentication of its own. Its
``before_request`` functions are wrapped here, per app: the ops gate runs
first (anonymous: sign-in page; other roles: 403), then the Redis connection
is made on first use (never when the app is built), then the dashboard's own.

Its buttons post with jQuery and send the ``_csrf_token`` cookie back as
``X-CSRFToken``; the cookie carries a Flask-WTF token tied to the session, so
our CSRF protection stays on for the dashboard too. Each of its actions is
written to the audit log.

The dashboard assumes what it is asked about exists: an unknown job id or a
queue with nothing in it would reach rq and fail there (a 500). A guard
answers those first: 404 for a job or queue that is not there, 409 for
compacting a queue with nothing to compact.
"""

from __future__ import annotations

import rq_dashboard
from flask import abort, current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq_dashboard.web import setup_rq_connection
from werkzeug.exceptions import NotFound

from connector.errors import handle_http_exception
from connector.models import Role
from connector.ops import audit
from connector.ops.blueprint import require_ops, web_actor
from connector.security_headers import allow_trusted_inline_scripts

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


def _only_what_exists():
    """404 for an unknown job or queue, 409 for compacting an empty queue (not a 500)."""
    args = request.view_args or {}
    connection = current_app.redis_conn
    if "job_id" in args and not Job.exists(args["job_id"], connection=connection):
        abort(404)
    if (request.endpoint or "").rsplit(".", 1)[-1] == "compact_queue":
        queue = Queue(args["queue_name"], connection=connection)
        if queue.key.encode() not in connection.smembers(Queue.redis_queues_keys):
            abort(404)
        if queue.count == 0:
            # rq renames the queue's list to compact it, and Redis has no empty lists.
            abort(409)


def _job_gone(_error: NoSuchJobError):
    # A job that expired between the guard and the dashboard's own read.
    return handle_http_exception(NotFound())


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
    # Its pages start with inline scripts and build rows with Underscore templates.
    return allow_trusted_inline_scripts(response, allow_eval=True)


def mount(app) -> None:
    app.config.setdefault("RQ_DASHBOARD_REDIS_URL", app.config["REDIS_URL"])
    app.config.setdefault("RQ_DASHBOARD_POLL_INTERVAL", 5000)
    app.register_blueprint(rq_dashboard.blueprint, url_prefix=URL_PREFIX)
    theirs = app.before_request_funcs.get(BLUEPRINT, [])
    app.before_request_funcs[BLUEPRINT] = [
        require_ops,
        _no_changes_by_get,
        _connect_once,
        _only_what_exists,
        *theirs,
    ]
    app.register_error_handler(NoSuchJobError, _job_gone)
    app.after_request_funcs.setdefault(BLUEPRINT, []).append(_after)

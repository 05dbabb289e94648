"""One JSON error envelope for every API 4xx/5xx, and HTML error pages for people.

Envelope::

    {"error": {"code": "validation_failed", "status": 422,
               "message": "...", "fields": {"price_tiers.1.unit_price": ["..."]}}}
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Response, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

CODES = {
    400: ("bad_request", _l("The request could not be read.")),
    401: ("unauthorized", _l("Sign in or send a valid API token.")),
    403: ("forbidden", _l("You are not allowed to do this.")),
    404: ("not_found", _l("Not found.")),
    405: ("method_not_allowed", _l("This method is not allowed here.")),
    409: ("conflict", _l("This conflicts with the current state.")),
    412: ("precondition_failed", _l("The resource changed since you read it.")),
    413: ("payload_too_large", _l("The request or file is too large.")),
    415: ("unsupported_media_type", _l("This content type is not accepted.")),
    422: ("validation_failed", _l("Some fields are not valid.")),
    429: ("rate_limited", _l("Too many requests; slow down.")),
    500: ("internal_error", _l("Something went wrong on our side; it has been logged.")),
    503: ("unavailable", _l("A service we depend on is down.")),
}


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested errors into ``{"a.0.b": ["msg"]}``, rendered as text."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                path = prefix or "_schema"
            for sub_key, sub_value in flatten_errors(value, path).items():
                flat.setdefault(sub_key, []).extend(sub_value)
    elif isinstance(messages, list | tuple):
        if all(not isinstance(m, Mapping | list | tuple) for m in messages):
            flat[prefix or "_schema"] = [str(m) for m in messages]
        else:
            for item in messages:
                for sub_key, sub_value in flatten_errors(item, prefix).items():
                    flat.setdefault(sub_key, []).extend(sub_value)
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def envelope(status: int, message: str | None = None, fields=None, code: str | None = None) -> dict:
    default_code, default_message = CODES.get(status, ("error", _l("Request failed.")))
    body = {
        "code": code or default_code,
        "status": status,
        "message": str(message or default_message),
    }
    if fields:
        body["fields"] = flatten_errors(fields)
    return {"error": body}


def error_response(status: int, message=None, fields=None, code=None, headers=None) -> Response:
    response = jsonify(envelope(status, message, fields, code))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.path == "/healthz":
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = data.get("errors") or data.get("messages")
    if isinstance(fields, Mapping) and set(fields) <= {
        "json",
        "query",
        "form",
        "files",
        "headers",
        "view_args",
    }:
        # webargs nests errors by location; the field names are what a client needs.
        merged: dict = {}
        for value in fields.values():
            if isinstance(value, Mapping):
                merged.update(value)
        fields = merged
    message = data.get("message")
    if status == 422 and fields and not message:
        message = _("Some fields are not valid.")
    if wants_json():
        headers = dict(data.get("headers") or {})
        if status == 429 and "Retry-After" not in headers:
            headers["Retry-After"] = str(_retry_after(error))
        valid_methods = getattr(error, "valid_methods", None)
        if status == 405 and valid_methods:
            headers["Allow"] = ", ".join(valid_methods)
        return error_response(status, message, fields, data.get("code"), headers)
    _code, default_message = CODES.get(status, ("error", _l("Request failed.")))
    text = str(message or default_message)
    try:
        return render_template("error.html", status=status, message=text), status
    except Exception:
        # An error page must never fail in turn (a broken template, a DB outage).
        log.exception("error page for %s failed to render", status)
        return Response(f"{status}: {text}", status=status, mimetype="text/plain")


def _retry_after(error: HTTPException) -> int:
    """Seconds until a rate-limit window surely has room again: its length, at most."""
    limit = getattr(error, "limit", None)
    try:
        return max(1, int(limit.limit.get_expiry()))
    except AttributeError:
        return 60


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError())


def init_app(app) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)

"""Absolute URLs, always from the configured public URL.

The request's Host header is whatever the client sent; links built from it in
feeds and API answers could point sellers (and their caches) anywhere.
"""

from __future__ import annotations

from flask import current_app, has_request_context, request, url_for


def public_base() -> str:
    """``PUBLIC_URL`` without a trailing slash: the base of every absolute link."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    """``url_for`` made absolute against ``PUBLIC_URL`` instead of the request's host.

    Works outside a request too (commands, jobs), where ``url_for`` would want
    ``SERVER_NAME``. Either way the app's root is the public URL itself: a path prefix
    the app is served under belongs in ``PUBLIC_URL``, so the script root a request
    came in with (a proxy's mount point) is not added twice.
    """
    if has_request_context():
        path = url_for(endpoint, **values)
        root = request.script_root
        if root and path.startswith(root + "/"):
            path = path[len(root) :]
        return public_base() + path
    return public_base() + _path_for(endpoint, values)


def _path_for(endpoint: str, values: dict) -> str:
    """The path (and query) of ``endpoint`` from the app's root, with no request."""
    app = current_app._get_current_object()
    app.inject_url_defaults(endpoint, values)
    # Only the path is built, never the host: any server name does.
    return app.url_map.bind("localhost", script_name="/").build(endpoint, values)

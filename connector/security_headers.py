"""Security headers on every answer: what a browser may load, run and frame.

Our own pages run only our own files (``script-src 'self'``); the one inline script
we serve (Swagger UI's start-up, from ``templates/swagger_ui.html``) carries a nonce
made per response. Style *attributes* are allowed (bar widths and colour swatches
are data), ``<style>`` elements are not. No page may be framed (clickjacking of the
ops console). Third-party pages that need more ask for it per response:
:func:`allow_trusted_inline_scripts`.
"""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, g

# ``<script`` tags with no ``src``: the inline ones, to be given the response's nonce.
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)(?=[^>]*>)")


def csp_nonce() -> str:
    """This response's nonce (made on first use), for an inline ``<script nonce=…>``."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def allow_trusted_inline_scripts(response: Response, allow_eval: bool = False) -> Response:
    """Let a third-party page we serve as-is run its inline scripts (rq-dashboard).

    Only for templates we do not control and whose values are escaped server-side:
    each inline ``<script>`` gets this response's nonce. ``allow_eval`` admits
    ``new Function`` (Underscore's templates, which rq-dashboard uses).
    """
    if response.mimetype == "text/html" and not response.direct_passthrough:
        nonce = csp_nonce().encode()
        response.set_data(
            _INLINE_SCRIPT.sub(b'<script nonce="' + nonce + b'"', response.get_data())
        )
    g.csp_allow_eval = allow_eval
    return response


def content_security_policy() -> str:
    scripts = ["'self'"]
    if "csp_nonce" in g:
        scripts.append(f"'nonce-{g.csp_nonce}'")
    if g.get("csp_allow_eval"):
        scripts.append("'unsafe-eval'")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src " + " ".join(scripts),
            "style-src 'self'",
            "style-src-attr 'unsafe-inline'",
            # Swagger UI draws its icons from data: URLs.
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def _add_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    # For browsers that predate frame-ancestors; every answer, pages or not.
    headers.setdefault("X-Frame-Options", "DENY")
    if response.mimetype == "text/html":
        headers.setdefault("Content-Security-Policy", content_security_policy())
    return response


def init_app(app: Flask) -> None:
    # Cookies travel over HTTPS only when the public address is HTTPS, whatever
    # CONNECTOR_SECURE_COOKIES says (the session and the dashboard's CSRF cookie).
    if str(app.config.get("PUBLIC_URL", "")).lower().startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.after_request(_add_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

"""Trust the ``X-Forwarded-*`` headers of a known number of proxies in front of the app.

Behind a load balancer every request comes from the balancer's address, over plain
HTTP, to the backend's host: rate limits per address would count everyone as one
client, and anything built from the request (scheme, host, client address) would be
the balancer's view. With ``CONNECTOR_TRUSTED_PROXIES=n`` the app takes the client's
address, scheme, host and port from the last ``n`` hops of those headers; with 0 (the
default, for an app reached directly) it trusts none, since a client could send any.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    """Wrap the WSGI app in ``ProxyFix`` for the configured number of hops."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if not hops:
        return
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

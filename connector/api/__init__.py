"""The versioned JSON API under ``/api/v1``, described by a generated OpenAPI document."""

from __future__ import annotations

from flask_limiter import Limiter
from flask_smorest import Api

from connector.api.common import ErrorEnvelopeSchema
from connector.api.links import LinksPlugin
from connector.extensions import csrf


class ConnectorApi(Api):
    # Document our error envelope, not flask-smorest's default error body.
    ERROR_SCHEMA = ErrorEnvelopeSchema


api = ConnectorApi()


def init_app(app) -> None:
    from connector.api import (
        audit,
        channel_connections,
        channels,
        factory,
        feeds,
        fx,
        glossary,
        images,
        jobs,
        listings,
        offers,
        orders,
        quotes,
        sellers,
        shipments,
        tokens,
        translations,
        webhook_endpoints,
    )

    api.init_app(app, spec_kwargs={"servers": [{"url": "/"}]})
    # Before the blueprints: it adds each path's links as the path is registered.
    links_plugin = LinksPlugin()
    links_plugin.init_spec(api.spec)
    api.spec.plugins.append(links_plugin)
    # Money and sizes travel as decimal strings ("18.50"), never as JSON floats.
    from marshmallow import fields as ma_fields

    from connector import fields as our_fields

    api.register_field(ma_fields.Decimal, "string", "decimal")
    api.register_field(our_fields.Decimal, "string", "decimal")
    app.add_url_rule("/api/v1/docs/assets/<path:filename>", "docs_assets", docs_assets)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token."}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"])
    # One limiter per app: Flask-Limiter keeps its limits on the instance, and the
    # blueprints are module-level, so a shared instance would pile up every app's limits.
    limiter = Limiter(key_func=_rate_limit_key)
    limiter.init_app(app)
    # Feed pages already made are served before the limiter runs; it counts them itself.
    from connector.feeds import page_cache

    page_cache.init_app(app, limiter)
    for module in (
        listings,
        offers,
        tokens,
        images,
        fx,
        glossary,
        feeds,
        channels,
        channel_connections,
        sellers,
        orders,
        quotes,
        shipments,
        audit,
        jobs,
        factory,
        webhook_endpoints,
        translations,
    ):
        # Bearer tokens are not ambient credentials, so the API needs no CSRF token.
        csrf.exempt(module.blp)
        limiter.limit(app.config["API_RATE_LIMIT"])(module.blp)
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.blp.url_prefix or ''}")


def _rate_limit_key() -> str:
    # Per API key when there is one, so sellers behind one NAT get their own budget.
    from connector.auth.principal import rate_limit_key

    return rate_limit_key()


def docs_assets(filename: str):
    """Swagger UI's files, from the swagger-ui-bundle package."""
    from flask import send_from_directory
    from swagger_ui_bundle import swagger_ui_path

    return send_from_directory(swagger_ui_path, filename, max_age=86400)

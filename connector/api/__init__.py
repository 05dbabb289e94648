"""The versioned JSON API under ``/api/v1``, described by a generated OpenAPI document."""

from __future__ import annotations

from flask_smorest import Api

from connector.api.common import ErrorEnvelopeSchema
from connector.extensions import csrf


class ConnectorApi(Api):
    # Document our error envelope, not flask-smorest's default error body.
    ERROR_SCHEMA = ErrorEnvelopeSchema


api = ConnectorApi()


def init_app(app) -> None:
    from connector.api import fx, images, listings, offers, tokens

    api.init_app(app, spec_kwargs={"servers": [{"url": "/"}]})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token."}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    for module in (listings, offers, tokens, images, fx):
        # Bearer tokens are not ambient credentials, so the API needs no CSRF token.
        csrf.exempt(module.blp)
        api.register_blueprint(module.blp, url_prefix=f"/api/v1{module.blp.url_prefix or ''}")

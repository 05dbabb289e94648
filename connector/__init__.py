"""The connector's Flask application factory."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from werkzeug.routing import IntegerConverter

from connector import config, json_input, security_headers


class IdConverter(IntegerConverter):
    """``<int:...>`` ids fit a database BIGINT; a longer number is a 404, not an overflow."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


class DecimalJSONProvider(DefaultJSONProvider):
    """Parse JSON numbers with a fraction as ``Decimal``: money never passes through float.

    Nesting and Unicode are checked too (``connector.json_input``).
    """

    def loads(self, s, **kwargs):
        return json_input.loads(s, **kwargs)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app. Nothing here connects to Redis or the database."""
    # The test config first: it names the instance folder the keys are kept in.
    settings = config.from_environ(overrides=test_config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter
    app.config.from_mapping(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.json = DecimalJSONProvider(app)

    _init_extensions(app)
    _check_deployment(app)
    _load_markets(app)
    _register_blueprints(app)
    security_headers.init_app(app)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    return app


def _check_deployment(app: Flask) -> None:
    """What several hosts must agree on: the proxies in front, the buyer-data keys."""
    from connector import pii_canary, proxies

    proxies.init_app(app)
    pii_canary.check_pii_keys(app)


def _favicon():
    """Browsers ask for /favicon.ico on every site; answer it rather than log a 404."""
    from flask import current_app

    return current_app.send_static_file("favicon.ico")


def _load_markets(app: Flask) -> None:
    """Markets are data: read and validated at start, so a bad file stops the app loudly."""
    from connector.markets.registry import load_markets

    app.extensions["markets"] = load_markets(
        Path(app.config["MARKETS_DIR"]), app.config["ENABLED_MARKETS"] or None
    )


def _init_extensions(app: Flask) -> None:
    from connector import i18n
    from connector.extensions import csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config.PROJECT_ROOT / "migrations"))
    i18n.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    import connector.models  # noqa: F401  (registers the tables)


def _register_blueprints(app: Flask) -> None:
    from connector import api, cli, errors, health, product_page, webhooks
    from connector.auth import views as auth_views
    from connector.channels import views as shop_views
    from connector.factory import views as factory_views
    from connector.listings import image_views
    from connector.listings import views as listing_views
    from connector.ops import init_app as init_ops
    from connector.orders import cli as orders_cli
    from connector.seller_hooks import init_app as init_seller_hooks

    api.init_app(app)
    # After flask-smorest, which installs its own handler: ours gives one envelope.
    errors.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(product_page.bp)
    app.register_blueprint(image_views.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(listing_views.bp)
    app.register_blueprint(factory_views.bp)
    app.register_blueprint(shop_views.bp)
    init_ops(app)
    cli.init_app(app)
    webhooks.init_app(app)
    orders_cli.init_app(app)
    init_seller_hooks(app)

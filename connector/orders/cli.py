"""``flask --app wsgi shipments ...``: the sweep and the CDEK webhook, by hand.

The ops console adds its list, retry and cancel commands (audited) to this group.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

shipments_cli = AppGroup("shipments", help="Shipments: sweep, carrier webhooks, ops actions.")


@shipments_cli.command("sweep")
def sweep() -> None:
    """Enqueue what lost jobs left behind (what `flask cron` does periodically)."""
    from connector.orders.sweep import sweep_shipments

    click.echo(sweep_shipments())


@shipments_cli.command("subscribe-cdek")
def subscribe_cdek() -> None:
    """Ask CDEK to post ORDER_STATUS webhooks to this app (PUBLIC_URL and the secret)."""
    from connector.orders.adapters import build_adapter

    secret = current_app.config["SHIPPING_ADAPTERS"]["cdek"].get("webhook_secret")
    if not secret:
        raise click.ClickException("set CONNECTOR_CDEK_WEBHOOK_SECRET first")
    url = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/webhooks/cdek?token={secret}"
    subscription = build_adapter("cdek").subscribe_webhook(url)
    click.echo(f"subscribed: {subscription}")


def init_app(app) -> None:
    app.cli.add_command(shipments_cli)

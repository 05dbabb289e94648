"""``flask --app wsgi shipments ...``: the sweep and webhook subscriptions, by hand.

The ops console adds its list, retry and cancel commands (audited) to this group.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from connector.orders.adapters import adapter_class, adapter_names

shipments_cli = AppGroup("shipments", help="Shipments: sweep, carrier webhooks, ops actions.")


@shipments_cli.command("sweep")
def sweep() -> None:
    """Enqueue what lost jobs left behind (what `flask cron` does periodically)."""
    from connector.orders.sweep import sweep_shipments

    click.echo(sweep_shipments())


def _subscribe(name: str) -> None:
    from connector.orders.adapters import build_adapter

    settings = current_app.config["SHIPPING_ADAPTERS"].get(name) or {}
    secret = settings.get("webhook_secret")
    if not secret:
        raise click.ClickException(f"set CONNECTOR_{name.upper()}_WEBHOOK_SECRET first")
    url = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/webhooks/{name}?token={secret}"
    subscription = build_adapter(name).subscribe_webhook(url)
    click.echo(f"subscribed: {subscription}")


def _add_subscribe_command(name: str) -> None:
    label = getattr(adapter_class(name), "label", name)

    @shipments_cli.command(
        f"subscribe-{name}",
        help=f"Ask {label} to post status webhooks to this app (PUBLIC_URL and the secret).",
    )
    def subscribe() -> None:
        _subscribe(name)


# Services that are subscribed to by API (not in their own console) get a command each.
for _name in adapter_names():
    if hasattr(adapter_class(_name), "subscribe_webhook"):
        _add_subscribe_command(_name)


def init_app(app) -> None:
    app.cli.add_command(shipments_cli)

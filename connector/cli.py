"""Command-line tools: ``flask --app wsgi demo|users ...``."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from connector.auth.passwords import WeakPassword, check_rules
from connector.auth.tokens import issue_token
from connector.extensions import db
from connector.models import Role, Supplier, User

demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="Accounts and API tokens.")


@demo_cli.command("load")
def demo_load() -> None:
    """Load the demo supplier, accounts, tokens and listing (idempotent)."""
    from connector.demo import load_demo, map_demo_categories

    info = load_demo()
    map_demo_categories()
    click.echo(f"demo accounts (password {info['password']}):")
    for email, role in info["accounts"]:
        click.echo(f"  {role:9} {email}")
    for role, secret in info["tokens"].items():
        click.echo(f"  API token ({role}): {secret}")


@demo_cli.command("shops")
def demo_shops() -> None:
    """The demo seller and its shops on the sandbox marketplaces (idempotent)."""
    from connector.channels.demo import load_demo_shops
    from connector.demo import DEMO_PASSWORD

    info = load_demo_shops(DEMO_PASSWORD)
    for email, role in info["accounts"]:
        click.echo(f"  {role:9} {email}")
    for role, secret in info["tokens"].items():
        click.echo(f"  API token ({role}): {secret}")


@demo_cli.command("info")
def demo_info() -> None:
    """Print what `make run` ends with: URLs, demo accounts, tokens, what to try."""
    from connector.demo_info import banner

    click.echo(banner(), nl=False)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--supplier", "supplier_name", help="Factory name (exporters); created if new.")
@click.password_option()
def users_create(
    email: str, display_name: str, role: str, supplier_name: str | None, password: str
):
    """Create a user; exporters belong to a supplier."""
    if db.session.execute(select(User).where(User.email == email)).first():
        raise click.ClickException(f"{email} already exists")
    _check_password(password, email)
    supplier = None
    if role == Role.EXPORTER:
        if not supplier_name:
            raise click.ClickException("an exporter needs --supplier")
        supplier = db.session.execute(
            select(Supplier).where(Supplier.name == supplier_name)
        ).scalar_one_or_none() or Supplier(name=supplier_name)
    user = User(email=email, display_name=display_name, role=role, supplier=supplier)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {role} {email} (id {user.id})")


@users_cli.command("password")
@click.option("--email", required=True)
@click.password_option()
def users_password(email: str, password: str) -> None:
    """Set a user's password; every session the user has open ends."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user {email}")
    _check_password(password, email)
    user.set_password(password)
    db.session.commit()
    click.echo(f"password changed for {email}; its sessions are signed out")


def _check_password(password: str, email: str) -> None:
    try:
        check_rules(password, email)
    except WeakPassword as weak:
        # The command line speaks English, like the rest of its messages.
        with force_locale("en"):
            message = str(weak.message)
        raise click.BadParameter(message, param_hint="'--password'") from weak


@users_cli.command("token")
@click.option("--email", required=True)
@click.option("--name", default="cli", show_default=True)
def users_token(email: str, name: str) -> None:
    """Issue an API token for a user and print it once."""
    user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
    if user is None:
        raise click.ClickException(f"no user {email}")
    _token, secret = issue_token(user, name)
    click.echo(secret)


fx_cli = AppGroup("fx", help="FX rates.")
offers_cli = AppGroup("offers", help="Offers per market.")


@fx_cli.command("refresh")
def fx_refresh() -> None:
    """Fetch rates from the configured providers now (and enqueue the reprices)."""
    from connector.fx.refresh import refresh_rates

    for name, outcome in refresh_rates().items():
        click.echo(f"{name}: {outcome}")


@offers_cli.command("refresh")
def offers_refresh() -> None:
    """Localize and price every submitted listing now (what the worker does on each change)."""
    from sqlalchemy import select as select_

    from connector.models import Listing, ListingStatus
    from connector.offers.service import refresh_listing_offers

    ids = (
        db.session.execute(select_(Listing.id).where(Listing.status == ListingStatus.SUBMITTED))
        .scalars()
        .all()
    )
    for listing_id in ids:
        result = refresh_listing_offers(listing_id)
        click.echo(
            f"listing {listing_id}: {result.offers} offers, {result.changed} changed, "
            f"{result.created} new"
        )


@offers_cli.command("reprice")
@click.option("--market", "codes", multiple=True, help="Market code; default every market.")
def offers_reprice(codes: tuple[str, ...]) -> None:
    """Reprice offers now, in this process (the worker does the same on a schedule)."""
    from connector.markets.registry import markets
    from connector.offers.service import reprice_market

    for code in codes or tuple(markets()):
        result = reprice_market(code)
        click.echo(
            f"{code}: {result.offers} offers, {result.changed} changed, {result.created} new"
        )


def init_app(app) -> None:
    for group in (demo_cli, users_cli, fx_cli, offers_cli):
        app.cli.add_command(group)
    from connector.ops import cli as ops_cli

    ops_cli.init_app(app)

"""The banner ``make run`` ends with, and ``flask --app wsgi demo info`` repeats.

One text, built here from the demo's accounts and the configuration, so the two
never drift apart: where the app is, who to sign in as, the tokens, the sandbox
and a few things to try. The command line speaks English.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from connector.demo import (
    ACCOUNTS,
    DEMO_LOGO_PRINT,
    DEMO_PASSWORD,
    DEMO_SELLER_EMAIL,
    DEMO_SELLER_TOKEN,
)
from connector.extensions import db
from connector.feeds import settings as channel_settings
from connector.models import User
from connector.urls import public_url_for

SANDBOX_NAMES = {"ghn": "GHN", "cdek": "CDEK", "consolidation": "warehouse", "ghtk": "GHTK"}


def _demo_loaded() -> bool:
    emails = [email for email, *_rest in ACCOUNTS]
    found = db.session.execute(select(User.email).where(User.email.in_(emails))).scalars()
    return set(found) == set(emails)


def _sandbox_line(adapters: dict) -> str | None:
    simulated = [
        f"{label} {adapters[name]['url']}"
        for name, label in SANDBOX_NAMES.items()
        if name in adapters and adapters[name].get("sandbox")
    ]
    return ", ".join(simulated) if simulated else None


def _shops_line(channels: dict) -> str | None:
    simulated = [f"{name} {conf['url']}" for name, conf in channels.items() if conf.get("sandbox")]
    return ", ".join(simulated) if simulated else None


def _kaspi_url() -> str | None:
    """The demo seller's polled Kaspi URL, once `demo shops` has set it up."""
    seller = db.session.execute(
        select(User).where(User.email == DEMO_SELLER_EMAIL)
    ).scalar_one_or_none()
    if seller is None:
        return None
    feeds = channel_settings.polled_feeds(seller, channel_settings.settings_of(seller))
    if "KZ/kaspi" not in feeds:
        return None
    row = channel_settings.settings_row(seller)
    return public_url_for("channels_api.channel_feed", key=row.feed_key, code="KZ", fmt="kaspi")


def banner() -> str:
    """The text, one line per fact, indented two spaces."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    lines = [
        f"Connector running at {base}/",
        f"API docs: {base}/api/v1/docs   OpenAPI: {base}/api/v1/openapi.json   "
        f"health: {base}/healthz",
        "",
        f"Demo accounts (sign in at {base}/login, password {DEMO_PASSWORD}):",
    ]
    lines += [f"  {role.value:9} {email}" for email, _name, role, _secret in ACCOUNTS]
    lines.append("API tokens (Authorization: Bearer ...):")
    lines += [f"  {role.value:9} {secret}" for _email, _name, role, secret in ACCOUNTS]
    sandbox = _sandbox_line(current_app.config.get("SHIPPING_ADAPTERS") or {})
    if sandbox:
        lines += ["", f"Sandbox carriers (simulators): {sandbox}"]
    shops = _shops_line(current_app.config.get("CHANNELS") or {})
    if shops:
        lines.append(f"Sandbox marketplaces (the demo seller's shops): {shops}")
    lines += [
        "",
        "Try:",
        f"  - as the exporter: {base}/listings - the demo T-shirt, its VN and KZ offers ready",
        f"  - the seller's VN feed: curl -H 'Authorization: Bearer {DEMO_SELLER_TOKEN}' "
        f"'{base}/api/v1/markets/VN/offers?format=csv'",
        f"  - order 200 T-shirts with the logo print ({DEMO_LOGO_PRINT}, setup fee) in VN: "
        f"POST {base}/api/v1/orders/ as the seller",
        f"  - as the seller: {base}/shops - its products on the sandbox marketplaces;"
        f" {base}/account/webhooks/ - webhooks (watch them with"
        " .venv/bin/python scripts/webhook_receiver.py --port 8799 --secret whsec_...)",
        f"  - as ops: the shipments board {base}/ops/shipments",
    ]
    kaspi = _kaspi_url()
    if kaspi:
        lines.insert(lines.index("Try:") + 3, f"  - the seller's Kaspi.kz price list: {kaspi}")
    if sandbox:
        lines.append(
            f"  - make a carrier time out, refuse an address or go down: {base}/ops/sandbox"
        )
    if not _demo_loaded():
        lines += ["", "The demo data is not loaded here: flask --app wsgi demo load"]
    lines += ["", "Ctrl-C stops everything (under make run)."]
    return "\n".join(f"  {line}" if line else "" for line in lines) + "\n"

"""Connecting a seller's shop on a channel: one write path for the API and the page.

Credentials are encrypted with the buyer-data keys (``connector.orders.pii``) and
never leave the server again: views show only that they are set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from adapters.channels.base import ChannelClient
from adapters.channels.ozon import OzonClient, OzonSettings
from adapters.channels.shopee import ShopeeClient, ShopeeSettings
from adapters.channels.tiktok import TiktokClient, TiktokSettings
from adapters.channels.wildberries import WildberriesClient, WildberriesSettings
from adapters.errors import ProviderNotConfigured
from adapters.settings import settings_from
from connector.enqueue import enqueue
from connector.extensions import db
from connector.markets.registry import markets
from connector.models import ChannelConnection, ChannelListing, User
from connector.models.types import utcnow
from connector.ops import audit
from connector.ops.audit import Actor
from connector.orders import pii

PUSH_JOB = "jobs.channels.push_connection"


@dataclass(frozen=True)
class ChannelSpec:
    """What a seller gives to connect a shop: the markets it sells in, the shop id, secrets."""

    markets: tuple[str, ...]
    shop_id: re.Pattern
    secrets: tuple[str, ...]
    options: tuple[str, ...] = ()


CHANNELS = {
    # Shopee Vietnam: the listing rules (price bounds in VND) are Shopee VN's; other
    # sites need their own bounds before they are offered here.
    "shopee": ChannelSpec(
        ("VN",),
        re.compile(r"^[0-9]{1,20}$"),
        ("access_token",),
        options=("logistic_id",),
    ),
    # Ozon sells in Kazakhstan and Uzbekistan; the shop id is the seller's Client-Id.
    "ozon": ChannelSpec(
        ("KZ", "UZ"), re.compile(r"^[0-9]{1,20}$"), ("api_key",), options=("warehouse_id",)
    ),
    # Wildberries in Kazakhstan and Uzbekistan; the shop id is the seller's supplier id.
    "wildberries": ChannelSpec(("KZ", "UZ"), re.compile(r"^[0-9]{1,20}$"), ("api_token",)),
    # TikTok Shop Vietnam; the shop id is the shop_cipher TikTok gives the authorized shop.
    "tiktok": ChannelSpec(
        ("VN",),
        re.compile(r"^[A-Za-z0-9_-]{1,64}$"),
        ("access_token",),
        options=("warehouse_id",),
    ),
}
_SECRET = re.compile(r"^[\x21-\x7e]{8,2000}$")
_OPTION = re.compile(r"^[0-9]{1,20}$")


class ConnectionRefused(ValueError):
    """Input a connection cannot take: ``field`` names it, ``code`` says why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(field, code)
        self.field = field
        self.code = code


def connections_of(seller: User) -> list[ChannelConnection]:
    return list(
        db.session.execute(
            select(ChannelConnection)
            .where(ChannelConnection.seller_id == seller.id)
            .order_by(ChannelConnection.channel, ChannelConnection.market_code)
        ).scalars()
    )


def connection_of(seller: User, connection_id: int) -> ChannelConnection | None:
    row = db.session.get(ChannelConnection, connection_id)
    return row if row is not None and row.seller_id == seller.id else None


def _check(seller: User, channel: str, market: str, shop_id: str, secrets: dict, options: dict):
    spec = CHANNELS.get(channel)
    if spec is None:
        raise ConnectionRefused("channel", "channel_unknown")
    if market not in spec.markets or market not in markets():
        raise ConnectionRefused("market", "market_not_served")
    if market not in (seller.markets or []):
        raise ConnectionRefused("market", "market_not_allowed")
    if not spec.shop_id.match(shop_id or ""):
        raise ConnectionRefused("shop_id", "shop_id_invalid")
    for name in spec.secrets:
        if not _SECRET.match(secrets.get(name) or ""):
            raise ConnectionRefused(f"credentials.{name}", "secret_invalid")
    for name, value in options.items():
        if name not in spec.options or not _OPTION.match(str(value)):
            raise ConnectionRefused(f"options.{name}", "option_invalid")


def connect(
    actor: Actor,
    seller: User,
    channel: str,
    market: str,
    shop_id: str,
    secrets: dict,
    options: dict | None = None,
    enabled: bool = True,
) -> ChannelConnection:
    """Connect a shop (one per channel and market) and start its first sync."""
    options = {key: str(value) for key, value in (options or {}).items() if value}
    _check(seller, channel, market, shop_id, secrets, options)
    taken = db.session.execute(
        select(ChannelConnection.id).where(
            ChannelConnection.seller_id == seller.id,
            ChannelConnection.channel == channel,
            ChannelConnection.market_code == market,
        )
    ).scalar()
    if taken is not None:
        raise ConnectionRefused("channel", "already_connected")
    spec = CHANNELS[channel]
    row = ChannelConnection(
        seller_id=seller.id,
        channel=channel,
        market_code=market,
        shop_id=shop_id,
        credentials=pii.encrypt({name: secrets[name] for name in spec.secrets}),
        options=options,
        enabled=enabled,
        synced_seq=0,
    )
    db.session.add(row)
    db.session.flush()
    _audit(actor, "channel.connect", row)
    db.session.commit()
    if enabled:
        enqueue_push(row.id)
    return row


def change(
    actor: Actor,
    row: ChannelConnection,
    *,
    shop_id: str | None = None,
    secrets: dict | None = None,
    options: dict | None = None,
    enabled: bool | None = None,
) -> ChannelConnection:
    """Change the shop id, replace the credentials, or pause and resume pushing."""
    seller = db.session.get(User, row.seller_id)
    spec = CHANNELS[row.channel]
    new_options = (
        row.options
        if options is None
        else {key: str(value) for key, value in options.items() if value}
    )
    new_secrets = secrets if secrets is not None else {name: "x" * 8 for name in spec.secrets}
    _check(seller, row.channel, row.market_code, shop_id or row.shop_id, new_secrets, new_options)
    if shop_id is not None and shop_id != row.shop_id:
        # Another shop: nothing we know of the old one's products holds there.
        row.shop_id = shop_id
        row.synced_seq = 0
        db.session.execute(
            ChannelListing.__table__.delete().where(ChannelListing.connection_id == row.id)
        )
    if secrets is not None:
        row.credentials = pii.encrypt({name: secrets[name] for name in spec.secrets})
        row.last_error_code = None
    row.options = new_options
    resumed = enabled is True and not row.enabled
    if enabled is not None:
        row.enabled = enabled
    row.updated_at = utcnow()
    _audit(actor, "channel.change", row)
    db.session.commit()
    if row.enabled and (resumed or secrets is not None or shop_id is not None):
        enqueue_push(row.id)
    return row


def disconnect(actor: Actor, row: ChannelConnection) -> None:
    """Forget the shop and its sync state (products stay on the channel as they are)."""
    _audit(actor, "channel.disconnect", row)
    db.session.delete(row)
    db.session.commit()


def _audit(actor: Actor, action: str, row: ChannelConnection) -> None:
    # Never the credentials: only what identifies the shop.
    audit.record(
        actor,
        action,
        "channel_connection",
        row.id,
        details={
            "channel": row.channel,
            "market": row.market_code,
            "shop_id": row.shop_id,
            "enabled": row.enabled,
        },
    )


def enqueue_push(connection_id: int, delay: float | None = None) -> str | None:
    return enqueue(PUSH_JOB, connection_id, delay=delay)


def client_for(row: ChannelConnection) -> ChannelClient:
    """The adapter for this shop, with its decrypted credentials (never logged)."""
    config = current_app.config["CHANNELS"][row.channel]
    secrets = pii.decrypt(row.credentials)
    if row.channel == "shopee":
        settings = settings_from(ShopeeSettings, config, "shopee")
        return ShopeeClient(
            settings, row.shop_id, secrets["access_token"], (row.options or {}).get("logistic_id")
        )
    if row.channel == "ozon":
        settings = settings_from(OzonSettings, config, "ozon")
        return OzonClient(
            settings, row.shop_id, secrets["api_key"], (row.options or {}).get("warehouse_id")
        )
    if row.channel == "wildberries":
        settings = settings_from(WildberriesSettings, config, "wildberries")
        return WildberriesClient(settings, secrets["api_token"])
    if row.channel == "tiktok":
        settings = settings_from(TiktokSettings, config, "tiktok")
        return TiktokClient(
            settings, row.shop_id, secrets["access_token"], (row.options or {}).get("warehouse_id")
        )
    raise ProviderNotConfigured(f"no adapter for {row.channel}", provider=row.channel)

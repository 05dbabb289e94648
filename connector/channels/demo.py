"""``make run``'s demo seller: its shops on the sandbox Shopee (VN) and Ozon (KZ).

Loaded by ``flask demo shops`` after the demo data (idempotent; ``make run``
does). Shops are connected only to channels running as the local sandbox: a
configured real channel is never connected to with made-up credentials.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from connector.channels import connections
from connector.config import SANDBOX_SHOPS
from connector.demo import DEMO_SELLER_EMAIL, DEMO_SELLER_TOKEN
from connector.extensions import db
from connector.feeds import categories
from connector.feeds import settings as channel_settings
from connector.models import ApiToken, ChannelCategory, ChannelConnection, Role, User
from connector.models.account import hash_token
from connector.ops.audit import Actor

# The demo listing's category on each sandbox channel.
DEMO_CATEGORY = "服装 > T恤"
SANDBOX_CATEGORIES = {
    "shopee": "100017",
    "ozon": "17028922:91565",
    "wildberries": "192",
    "tiktok": "601226",
}
DEMO_KASPI_SETTINGS = {
    "brand": "Demo Shop",
    "kaspi": {"company": "Demo Shop KZ", "merchant_id": "DEMO001", "store_id": "PP1"},
    "markets": {"KZ": {"json": {}, "csv": {}, "xml": {}, "kaspi": {}}},
}
SANDBOX_SHOP_MARKETS = {"shopee": "VN", "ozon": "KZ", "wildberries": "KZ", "tiktok": "VN"}
SANDBOX_OPTIONS = {
    "shopee": {"logistic_id": "50018"},
    "ozon": {"warehouse_id": "22142605386000"},
    "wildberries": {},
    "tiktok": {"warehouse_id": "7068517275539719942"},
}


def load_demo_shops(password: str) -> dict:
    """The demo seller (VN, KZ), its token, and its sandbox shops; what ``demo shops`` prints."""
    seller = db.session.execute(
        select(User).where(User.email == DEMO_SELLER_EMAIL)
    ).scalar_one_or_none()
    if seller is None:
        seller = User(
            email=DEMO_SELLER_EMAIL,
            display_name="Demo Shop · VN KZ",
            role=Role.SELLER,
            markets=["VN", "KZ"],
        )
        seller.set_password(password)
        db.session.add(seller)
        db.session.flush()
    if not db.session.execute(
        select(ApiToken.id).where(ApiToken.token_hash == hash_token(DEMO_SELLER_TOKEN))
    ).first():
        token, _secret = ApiToken.issue(seller, "demo", raw=DEMO_SELLER_TOKEN)
        db.session.add(token)
    db.session.commit()
    if channel_settings.settings_row(seller) is None and "KZ" in _enabled_markets():
        # Kaspi polls a price list instead of taking pushes: the demo seller sells
        # there too, so make run shows its polled URL (`demo info`).
        channel_settings.save_settings(seller, DEMO_KASPI_SETTINGS)
        db.session.commit()
    actor = Actor.cli("demo")
    for channel, market in SANDBOX_SHOP_MARKETS.items():
        if not current_app.config["CHANNELS"][channel]["sandbox"]:
            continue
        if market not in (seller.markets or []) or market not in _enabled_markets():
            continue
        _map_category(actor, channel)
        connected = db.session.execute(
            select(ChannelConnection.id).where(
                ChannelConnection.seller_id == seller.id, ChannelConnection.channel == channel
            )
        ).first()
        if connected is None:
            shop = SANDBOX_SHOPS[channel]
            connections.connect(
                actor,
                seller,
                channel,
                market,
                shop["shop_id"],
                shop["credentials"],
                SANDBOX_OPTIONS[channel],
            )
    return {"accounts": [(DEMO_SELLER_EMAIL, "seller")], "tokens": {"seller": DEMO_SELLER_TOKEN}}


def _enabled_markets() -> set[str]:
    from connector.markets.registry import markets

    return set(markets())


def _map_category(actor: Actor, channel: str) -> None:
    mapped = db.session.execute(
        select(ChannelCategory.id).where(
            ChannelCategory.channel == channel, ChannelCategory.category == DEMO_CATEGORY
        )
    ).first()
    if mapped is None:
        categories.put_mapping(actor, channel, DEMO_CATEGORY, SANDBOX_CATEGORIES[channel])

"""An offer as each channel sells it: one ``ChannelProduct`` per variant, in the seller's look."""

from __future__ import annotations

from decimal import Decimal

from flask import current_app

from adapters.channels.base import ChannelProduct, unlimited_stock
from connector.extensions import db
from connector.feeds import settings as channel_settings
from connector.feeds.presentation import Presentation
from connector.feeds.service import presented_item
from connector.markets.registry import markets
from connector.models import ChannelConnection, Offer, User
from connector.urls import public_base


def locale_of(market_code: str) -> str:
    """The language a channel shows in the market (Russian in Kazakhstan, as Kaspi reads)."""
    market = markets().get(market_code)
    if market is None:
        return "en"
    return next((loc for loc in market.locales if loc.startswith("ru")), market.locales[0])


def presentation_for(connection: ChannelConnection) -> Presentation:
    seller = db.session.get(User, connection.seller_id)
    settings = channel_settings.settings_of(seller) if seller is not None else {}
    return channel_settings.presentation_from(
        settings,
        connection.market_code,
        connection.channel,
        channel_settings.category_map(connection.channel),
    )


def _title(item: dict, variant: dict) -> str:
    title = item.get("title") or ""
    if variant.get("options"):
        title = f"{title}, {', '.join(variant['options'].values())}"
    return title


def products_of(
    offer: Offer, connection: ChannelConnection, presentation: Presentation
) -> list[tuple[str, ChannelProduct | None]]:
    """(sku, product) per variant; product None when the offer is not for sale (withdraw)."""
    item = presented_item(offer, locale_of(connection.market_code), presentation, public_base())
    on_sale = item["status"] == "ready"
    made_to_order = current_app.config["CHANNEL_PUSH"]["made_to_order_stock"]
    out: list[tuple[str, ChannelProduct | None]] = []
    for variant in item["variants"]:
        if not on_sale or not variant["prices"]:
            out.append((variant["sku"], None))
            continue
        size = item.get("size_cm")
        out.append(
            (
                variant["sku"],
                ChannelProduct(
                    sku=variant["sku"],
                    group=str(offer.id),
                    title=_title(item, variant),
                    description=item.get("description") or "",
                    price=Decimal(variant["prices"][0]["price"]),
                    currency=item["currency"],
                    stock=unlimited_stock(variant.get("stock"), made_to_order),
                    brand=item.get("brand") or "",
                    category_id=presentation.category_id(item.get("category_key")),
                    images=tuple(item.get("images") or ()),
                    weight_g=int(item.get("weight_g") or 0),
                    size_cm=tuple(Decimal(str(side)) for side in size) if size else None,
                ),
            )
        )
    return out

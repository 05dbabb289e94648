"""Sellers' channel settings: stored as one validated document, read as a ``Presentation``.

The document (validated by ``connector.api.channels``)::

    {"brand": "Hanoi Basics" | null,
     "link_template": "https://shop.example/p/{sku}" | null,
     "kaspi": {"company": "...", "merchant_id": "...", "store_id": "PP1"},
     "ozon": {"warehouse_id": "22142605386000"},
     "markets": {"KZ": {"kaspi": {"margin_pct": "5", "rounding_step": "10"}, "json": {}}}}

A market listed under ``markets`` names the channels (feed formats) the seller
sells on there; a market not listed keeps every format open, as before any
settings. ``presentation_from`` is pure, so a cache can key on its result.
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal

from sqlalchemy import select

from connector.extensions import db
from connector.feeds.formats import FORMATS
from connector.feeds.presentation import DEFAULT, Presentation
from connector.models import ChannelCategory, SellerChannelSettings, User
from connector.models.types import utcnow

# Our own JSON feed is the API itself: always open.
ALWAYS_OPEN = ("json",)


def settings_row(seller: User) -> SellerChannelSettings | None:
    return db.session.get(SellerChannelSettings, seller.id)


def settings_of(seller: User) -> dict:
    row = settings_row(seller)
    return dict(row.settings or {}) if row is not None else {}


def save_settings(seller: User, document: dict) -> SellerChannelSettings:
    """Replace the seller's settings; the feed key stays (rotate it on its own)."""
    row = settings_row(seller)
    if row is None:
        row = SellerChannelSettings(seller_id=seller.id, feed_key=new_feed_key())
        db.session.add(row)
    row.settings = document
    row.updated_at = utcnow()
    db.session.commit()
    return row


def new_feed_key() -> str:
    return secrets.token_urlsafe(24)


def rotate_feed_key(seller: User) -> SellerChannelSettings:
    """A new pull URL for the seller; the old one stops answering at once."""
    row = settings_row(seller)
    if row is None:
        row = SellerChannelSettings(seller_id=seller.id, settings={}, feed_key=new_feed_key())
        db.session.add(row)
    else:
        row.feed_key = new_feed_key()
        row.updated_at = utcnow()
    db.session.commit()
    return row


def feed_key_digest(key: str) -> str:
    """What a feed key is known by outside the database (caches, rate counters)."""
    return hashlib.sha256(key.encode()).hexdigest()


def polled_feeds(seller: User, settings: dict) -> list[str]:
    """``MARKET/format`` of every whole-catalogue feed this seller's key URL serves: the
    seller's markets where it chose a channel that is polled (Kaspi)."""
    return sorted(
        f"{market}/{fmt}"
        for market in seller.markets or []
        for fmt, entry in FORMATS.items()
        if entry.whole_catalogue and channel_chosen(settings, market, fmt)
    )


def seller_by_feed_key(key: str) -> tuple[User, dict] | None:
    row = db.session.execute(
        select(SellerChannelSettings).where(SellerChannelSettings.feed_key == key)
    ).scalar_one_or_none()
    if row is None:
        return None
    seller = db.session.get(User, row.seller_id)
    if seller is None or not seller.is_active_account:
        return None
    return seller, dict(row.settings or {})


def channel_open(settings: dict, market: str, fmt: str) -> bool:
    """Whether the seller sells on ``fmt`` in ``market`` (or has not chosen there yet)."""
    chosen = (settings.get("markets") or {}).get(market)
    return fmt in ALWAYS_OPEN or chosen is None or fmt in chosen


def channel_chosen(settings: dict, market: str, fmt: str) -> bool:
    """Whether the seller explicitly chose ``fmt`` in ``market`` (for URLs polled without a key)."""
    return fmt in ((settings.get("markets") or {}).get(market) or {})


def presentation_from(
    settings: dict, market: str, fmt: str, categories: dict[str, str] | None = None
) -> Presentation:
    """The seller's look for one market and channel: pure, from the settings document."""
    if not settings and not categories:
        return DEFAULT
    channel = ((settings.get("markets") or {}).get(market) or {}).get(fmt) or {}
    kaspi = (settings.get("kaspi") or {}) if fmt == "kaspi" else {}
    ozon = (settings.get("ozon") or {}) if fmt.startswith("ozon") else {}
    step = channel.get("rounding_step")
    return Presentation(
        brand=settings.get("brand") or None,
        link_template=settings.get("link_template") or None,
        margin_pct=Decimal(str(channel.get("margin_pct") or 0)),
        rounding_step=Decimal(str(step)) if step else None,
        company=kaspi.get("company") or None,
        merchant_id=kaspi.get("merchant_id") or None,
        store_id=kaspi.get("store_id") or None,
        warehouse_id=ozon.get("warehouse_id") or None,
        categories=tuple(sorted((categories or {}).items())),
    )


def category_map(channel: str) -> dict[str, str]:
    """Ops' mapping of our categories to ``channel``'s category ids."""
    rows = db.session.execute(
        select(ChannelCategory.category, ChannelCategory.channel_category_id).where(
            ChannelCategory.channel == channel
        )
    ).all()
    return {row.category: row.channel_category_id for row in rows}


def all_category_maps() -> list[tuple[str, str, str]]:
    """Every channel's mapping, in a stable order (part of what a feed page is made of)."""
    rows = db.session.execute(
        select(
            ChannelCategory.channel, ChannelCategory.category, ChannelCategory.channel_category_id
        ).order_by(ChannelCategory.channel, ChannelCategory.category)
    ).all()
    return [tuple(row) for row in rows]

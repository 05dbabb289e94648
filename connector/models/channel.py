"""What sellers choose for the channels they sell on, and ops' category mappings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db
from connector.models.types import UTCDateTime, utcnow


class SellerChannelSettings(db.Model):
    """One seller's presentation: brand, link template, channels per market and their margins.

    ``settings`` is the validated document (see ``connector.feeds.settings``);
    ``feed_key`` names the seller's pull URLs that a channel polls without our
    API key (Kaspi's price list), so it is random and can be rotated.
    """

    __tablename__ = "seller_channel_settings"

    seller_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    feed_key: Mapped[str] = mapped_column(String(64), unique=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ChannelCategory(db.Model):
    """Our category path (as the factory wrote it) -> a channel's category id; ops edit it."""

    __tablename__ = "channel_category"
    __table_args__ = (UniqueConstraint("channel", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(120))
    channel_category_id: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

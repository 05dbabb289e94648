"""Sellers' shops on marketplaces (connections) and what we pushed there (one row per SKU)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db
from connector.models.types import UTCDateTime, utcnow


class ChannelConnection(db.Model):
    """One seller's shop on one channel for one market.

    ``credentials`` is a Fernet token (the buyer-data keys): the seller's API key
    or access token is stored encrypted and never read back out through the API.
    ``synced_seq`` is the market's change number pushed up to: the next run reads
    the offers changed after it. A job owns the connection while it pushes
    (``lease_token`` until ``lease_until``), so two runs never push at once.
    """

    __tablename__ = "channel_connection"
    __table_args__ = (UniqueConstraint("seller_id", "channel", "market_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    market_code: Mapped[str] = mapped_column(String(2))
    shop_id: Mapped[str] = mapped_column(String(64))
    credentials: Mapped[str] = mapped_column(Text)
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    synced_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A failure of the whole shop (credentials refused): every product waits on it.
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SyncStatus(StrEnum):
    PENDING = "pending"  # not pushed yet
    SYNCED = "synced"  # the channel has what we last sent
    RETRYING = "retrying"  # a transient failure; tried again at next_attempt_at
    REFUSED = "refused"  # the channel refuses it: reasons say why (a person must act)
    FAILED = "failed"  # retries ran out, or a permanent error
    DELISTED = "delisted"  # withdrawn here, taken off sale there


class ChannelListing(db.Model):
    """One of our SKUs on one connection: the channel's id for it and what we last sent.

    ``channel_product_id`` is stored as soon as the channel gives it (or a
    look-up by our SKU finds it), so a re-push updates, never creates twice.
    ``desired_hash`` is the product we last tried to send, ``pushed_hash`` the
    one the channel confirmed.
    """

    __tablename__ = "channel_listing"
    __table_args__ = (
        UniqueConstraint("connection_id", "sku"),
        Index("ix_channel_listing_due", "connection_id", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("channel_connection.id", ondelete="CASCADE")
    )
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(64))
    channel_product_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=SyncStatus.PENDING)
    desired_hash: Mapped[str | None] = mapped_column(String(64))
    pushed_hash: Mapped[str | None] = mapped_column(String(64))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pushed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

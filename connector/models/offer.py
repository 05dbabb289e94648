"""An offer: one listing localized and priced for one market."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from connector.extensions import db
from connector.models.types import JSONDocument, UTCDateTime, utcnow


class OfferStatus(StrEnum):
    READY = "ready"  # sellable
    HELD = "held"  # priced or not, but something must be fixed first; reasons say what
    WITHDRAWN = "withdrawn"  # the listing went back to draft


class Offer(db.Model):
    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("listing_id", "market_code"),
        Index("ix_offer_market_updated", "market_code", "updated_at", "id"),
        Index("ix_offer_market_feed_seq", "market_code", "feed_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    market_code: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    hold_reasons: Mapped[list] = mapped_column(JSON, default=list)
    # Changes exactly when something a seller sees changes (the document's hash).
    version: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Hash of what the document is built from (listing content, market file, rates
    # used, builder code): equal inputs, equal document, so a reprice skips the offer.
    input_hash: Mapped[str | None] = mapped_column(String(64))
    listing_revision: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict] = mapped_column(JSONDocument)
    # Position in the market's change log: taken under a row lock on FeedCounter,
    # so numbers become visible in commit order and a sync by sequence has no gaps.
    feed_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    priced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    listing = relationship("Listing")


class FeedCounter(db.Model):
    """The last change number handed out; one row, locked by each writer of offers."""

    __tablename__ = "feed_counter"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class OfferFeedItem(db.Model):
    """One offer rendered for one locale, feed format and seller look, for one offer version.

    ``presentation`` is the hash of the seller's presentation settings ("" for ours):
    two sellers with different brands or margins never share a rendering.
    """

    __tablename__ = "offer_feed_item"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.id", ondelete="CASCADE"), primary_key=True
    )
    locale: Mapped[str] = mapped_column(String(16), primary_key=True)
    format: Mapped[str] = mapped_column(String(16), primary_key=True)
    presentation: Mapped[str] = mapped_column(String(16), primary_key=True, default="")
    version: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)

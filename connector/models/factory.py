"""What the factory side adds to an order: stock held for it, customization asked for,
and the factory's own steps (confirmed, packed, handed over) with who and when."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db
from connector.models.types import Money, UTCDateTime, utcnow


class StockReservation(db.Model):
    """Units of one variant taken from its stock for one order line, until released.

    Keyed by (listing, SKU) rather than the variant row: a listing edit replaces its
    variant rows, and the reservation must still find its stock to give back.
    """

    __tablename__ = "stock_reservation"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("order_line.id", ondelete="CASCADE"), unique=True
    )
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment.id", ondelete="SET NULL"), index=True
    )
    listing_id: Mapped[int] = mapped_column(Integer, index=True)
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LineCustomization(db.Model):
    """The customization an order line asks for: option, text, artwork, placement, colours.

    The CNY amounts are the factory's (never shown to sellers); ``extra_total`` is what
    the option added to the line in the order's currency.
    """

    __tablename__ = "line_customization"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(
        ForeignKey("order_line.id", ondelete="CASCADE"), unique=True
    )
    option: Mapped[str] = mapped_column(String(120))
    text: Mapped[str | None] = mapped_column(String(200))
    artwork_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_image.sha256"))
    placement: Mapped[str | None] = mapped_column(String(60))
    colours: Mapped[list] = mapped_column(JSON, default=list)
    extra_unit_cost_cny: Mapped[Decimal] = mapped_column(Money(12, 2))
    setup_fee_cny: Mapped[Decimal] = mapped_column(Money(12, 2))
    extra_total: Mapped[Decimal] = mapped_column(Money(18, 4))


class FactoryStep(db.Model):
    """A step the factory took on its shipment (confirmed, packed, handed_over, or refused
    with a ``reason``): once each."""

    __tablename__ = "factory_step"
    __table_args__ = (UniqueConstraint("shipment_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(
        ForeignKey("shipment.id", ondelete="CASCADE"), index=True
    )
    step: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Why the factory refused the shipment (the seller reads it); None for other steps.
    reason: Mapped[str | None] = mapped_column(String(300))

"""The domestic listing, as the factory sells it at home (prices in CNY)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from connector.extensions import db
from connector.models.types import Money, UTCDateTime, utcnow


class ListingStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class Listing(db.Model):
    __tablename__ = "listing"

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=ListingStatus.DRAFT)
    title_zh: Mapped[str] = mapped_column(String(200))
    description_zh: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(120))
    attributes: Mapped[list] = mapped_column(JSON, default=list)
    hs_code: Mapped[str | None] = mapped_column(String(10))
    weight_g: Mapped[int | None] = mapped_column(Integer)
    length_cm: Mapped[Decimal | None] = mapped_column(Money(8, 1))
    width_cm: Mapped[Decimal | None] = mapped_column(Money(8, 1))
    height_cm: Mapped[Decimal | None] = mapped_column(Money(8, 1))
    # The factory's export carton (optional): consignments are packed in these.
    units_per_carton: Mapped[int | None] = mapped_column(Integer)
    carton_length_cm: Mapped[Decimal | None] = mapped_column(Money(8, 1))
    carton_width_cm: Mapped[Decimal | None] = mapped_column(Money(8, 1))
    carton_height_cm: Mapped[Decimal | None] = mapped_column(Money(8, 1))
    carton_weight_g: Mapped[int | None] = mapped_column(Integer)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    moq: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    # Titles and descriptions a person wrote per locale: never overwritten by a machine.
    localized: Mapped[dict] = mapped_column(JSON, default=dict)
    # Derived by the localization job (exporter text, glossary, machine translation).
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    # Bumped on every change a buyer or seller could see; offers copy it.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    supplier = relationship("Supplier")

    @property
    def supplier_name(self) -> str | None:
        return self.supplier.name if self.supplier is not None else None

    price_tiers: Mapped[list[PriceTier]] = relationship(
        back_populates="listing",
        cascade="all, delete-orphan",
        order_by="PriceTier.min_qty",
    )
    variants: Mapped[list[Variant]] = relationship(
        back_populates="listing",
        cascade="all, delete-orphan",
        order_by="Variant.position",
    )
    customizations: Mapped[list[Customization]] = relationship(
        back_populates="listing",
        cascade="all, delete-orphan",
        order_by="Customization.position",
    )
    images: Mapped[list[ListingImage]] = relationship(
        back_populates="listing",
        cascade="all, delete-orphan",
        order_by="ListingImage.position",
    )


class PriceTier(db.Model):
    """Unit price in CNY from ``min_qty`` pieces upwards."""

    __tablename__ = "price_tier"
    __table_args__ = (UniqueConstraint("listing_id", "min_qty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    min_qty: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money(12, 2))

    listing: Mapped[Listing] = relationship(back_populates="price_tiers")


class Variant(db.Model):
    """A SKU: option values, and either its own price or a delta on the tier price."""

    __tablename__ = "variant"
    __table_args__ = (UniqueConstraint("listing_id", "sku"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    sku: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    price: Mapped[Decimal | None] = mapped_column(Money(12, 2))
    price_delta: Mapped[Decimal | None] = mapped_column(Money(12, 2))
    stock: Mapped[int] = mapped_column(Integer, default=0)

    listing: Mapped[Listing] = relationship(back_populates="variants")


class Customization(db.Model):
    """Light customisation a factory offers, e.g. logo printing."""

    __tablename__ = "customization"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(120))
    extra_unit_cost: Mapped[Decimal] = mapped_column(Money(12, 2))
    extra_moq: Mapped[int] = mapped_column(Integer, default=0)
    # Charged once per order line that asks for the option (screens, plates), in CNY.
    setup_fee: Mapped[Decimal] = mapped_column(
        Money(12, 2), default=Decimal("0.00"), server_default="0"
    )

    listing: Mapped[Listing] = relationship(back_populates="customizations")


class StoredImage(db.Model):
    """An uploaded image file, kept once per content hash.

    ``supplier_id`` is the first uploader (none for ops); every factory that uploaded
    the bytes has an :class:`ImageOwner` row and may use them in its listings.
    """

    __tablename__ = "stored_image"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"))
    has_thumbnail: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImageOwner(db.Model):
    """A factory that uploaded these bytes: the file is shared, the right to use it is not."""

    __tablename__ = "image_owner"

    sha256: Mapped[str] = mapped_column(
        ForeignKey("stored_image.sha256", ondelete="CASCADE"), primary_key=True
    )
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListingImage(db.Model):
    """One picture of a listing: an upload (by hash) or an external URL."""

    __tablename__ = "listing_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_image.sha256"))
    url: Mapped[str | None] = mapped_column(String(2000))

    listing: Mapped[Listing] = relationship(back_populates="images")
    stored: Mapped[StoredImage | None] = relationship()

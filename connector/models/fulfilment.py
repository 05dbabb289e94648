"""Orders from sellers, the shipments they become, and what happened to each shipment."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from connector.extensions import db
from connector.models.types import Money, UTCDateTime, utcnow


class SalesOrder(db.Model):
    """A seller's order in one market. The buyer's address is stored encrypted."""

    __tablename__ = "sales_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The seller's own order number (its shop's), shown back to it; not unique.
    reference: Mapped[str | None] = mapped_column(String(64))
    market_code: Mapped[str] = mapped_column(String(2))
    mode: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal] = mapped_column(Money(18, 4))
    ship_to_country: Mapped[str] = mapped_column(String(2))
    # How the total was worked out: parcels, components, the rates with source and time.
    pricing: Mapped[dict | None] = mapped_column(JSON)
    quote_id: Mapped[str | None] = mapped_column(String(40), index=True)
    # Fernet token of the ship-to JSON (name, phone, email, address lines).
    ship_to_encrypted: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.position", cascade="all, delete-orphan"
    )
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", order_by="Shipment.leg", cascade="all, delete-orphan"
    )


class OrderLine(db.Model):
    """One variant of one offer, priced from the offer's tier for the quantity."""

    __tablename__ = "order_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(
        ForeignKey("sales_order.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    offer_version: Mapped[int] = mapped_column(Integer)
    listing_id: Mapped[int] = mapped_column(Integer)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    shipment_id: Mapped[int | None] = mapped_column(
        ForeignKey("shipment.id", ondelete="SET NULL"), index=True
    )
    sku: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(300))
    hs_code: Mapped[str | None] = mapped_column(String(10))
    quantity: Mapped[int] = mapped_column(Integer)
    tier_min_qty: Mapped[int] = mapped_column(Integer)
    # The offer's price for the tier the quantity reaches; line_total never exceeds
    # quantity x unit_price (it is the consignment's own price when that is lower).
    unit_price: Mapped[Decimal] = mapped_column(Money(18, 4))
    line_total: Mapped[Decimal] = mapped_column(Money(18, 4))
    parcels: Mapped[int | None] = mapped_column(Integer)
    # What the factory is paid for the line, in CNY: its tier unit cost x quantity.
    factory_unit_cost_cny: Mapped[Decimal | None] = mapped_column(Money(12, 2))
    factory_amount_cny: Mapped[Decimal | None] = mapped_column(Money(18, 2))
    unit_weight_g: Mapped[int | None] = mapped_column(Integer)
    # [length, width, height] of one unit as decimal strings, from the offer.
    unit_size_cm: Mapped[list | None] = mapped_column(JSON)

    order: Mapped[SalesOrder] = relationship(back_populates="lines")


class Quote(db.Model):
    """An exact price for some lines, mode and market, held until ``valid_until``."""

    __tablename__ = "quote"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    market_code: Mapped[str] = mapped_column(String(2))
    mode: Mapped[str] = mapped_column(String(16))
    currency: Mapped[str] = mapped_column(String(3))
    # [{offer_id, offer_version, sku, quantity}] as quoted: an order must ask for the same.
    lines: Mapped[list] = mapped_column(JSON)
    total: Mapped[Decimal] = mapped_column(Money(18, 4))
    pricing: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)


class Shipment(db.Model):
    """One fulfilment leg of an order: what one factory sends through one adapter.

    ``idempotency_key`` is derived from (order, adapter, leg) and travels with
    every call to the service, which is how a re-send is recognised there.
    ``lease_token``/``lease_expires_at`` mark the one worker allowed to talk to
    the service for this shipment right now (see ``connector.orders.dispatch``).
    """

    __tablename__ = "shipment"
    __table_args__ = (
        UniqueConstraint("order_id", "leg"),
        Index("ix_shipment_state_next_attempt", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_order.id", ondelete="CASCADE"))
    leg: Mapped[int] = mapped_column(Integer)
    mode: Mapped[str] = mapped_column(String(16))
    adapter: Mapped[str] = mapped_column(String(32))
    # The service level chosen by ops, one of the adapter's ``service_levels``;
    # None sends with the configured default.
    service: Mapped[str | None] = mapped_column(String(32))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    external_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    tracking_number: Mapped[str | None] = mapped_column(String(64), index=True)
    carrier_status: Mapped[str | None] = mapped_column(String(64))
    # True when the adapter was the local simulator (make run): never a real parcel.
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    # attempt_count when ops last retried: the retry budget counts from here.
    attempt_base: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_message: Mapped[str | None] = mapped_column(String(500))
    # The ship-to field the carrier named when it refused the address (phone, ward...).
    last_error_field: Mapped[str | None] = mapped_column(String(32))
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    documents_ready: Mapped[bool] = mapped_column(Boolean, default=False)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the factory must have confirmed (or refused) it; past it, ops see it late.
    confirm_by: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[SalesOrder] = relationship(back_populates="shipments")
    lines: Mapped[list[OrderLine]] = relationship(
        primaryjoin="Shipment.id == OrderLine.shipment_id",
        order_by="OrderLine.position",
        viewonly=True,
    )
    attempts: Mapped[list[ShipmentAttempt]] = relationship(
        order_by="ShipmentAttempt.number", cascade="all, delete-orphan"
    )
    events: Mapped[list[ShipmentEvent]] = relationship(
        order_by="ShipmentEvent.id", cascade="all, delete-orphan"
    )


class ShipmentAttempt(db.Model):
    """One claim of a shipment by a worker: what it did and how it ended."""

    __tablename__ = "shipment_attempt"
    __table_args__ = (UniqueConstraint("shipment_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    lease_token: Mapped[str] = mapped_column(String(32))
    # Whether this attempt first looked the key up at the service.
    reconciled: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # submitted | found | transient | permanent | abandoned (its worker died) | lease_lost;
    # None while running.
    outcome: Mapped[str | None] = mapped_column(String(20))
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(500))


class ShipmentEvent(db.Model):
    """Something that happened to a shipment, from us (dispatch, ops) or the service."""

    __tablename__ = "shipment_event"
    __table_args__ = (UniqueConstraint("shipment_id", "dedup_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"))
    # dispatch | webhook | poll | ops
    source: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64))
    # The shipment state this event implies, if any.
    state: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str | None] = mapped_column(String(300))
    actor: Mapped[str | None] = mapped_column(String(120))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The same carrier event delivered twice (webhook and poll) has one key.
    dedup_key: Mapped[str] = mapped_column(String(64))


class ShipmentDocument(db.Model):
    """A label, box labels, SKU labels or a receipt, as the service gave it."""

    __tablename__ = "shipment_document"
    __table_args__ = (UniqueConstraint("shipment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(120))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyRecord(db.Model):
    """The first answer to a request made with an ``Idempotency-Key``, kept for replays."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(255))
    # SHA-256 of the method, path and canonical JSON body.
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    # Encrypted like the order: the answer carries the buyer's address.
    response_encrypted: Mapped[str] = mapped_column(Text)
    resource_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

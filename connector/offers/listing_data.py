"""The listing data an offer is built from: plain rows, never ORM objects.

These dataclasses are the one contract of :mod:`connector.offers.builder`:
a single listing's refresh and a market's reprice both read listings here
and hand them to the same writer, so the two cannot drift apart. Reading them
with a few column queries per chunk instead of building ORM objects keeps a
reprice's cost in the pricing itself, and plain dataclasses can be sent to
other processes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from connector.extensions import db
from connector.models import (
    Customization,
    Listing,
    ListingImage,
    PriceTier,
    Supplier,
    Variant,
)


@dataclass
class TierData:
    min_qty: int
    unit_price: Decimal


@dataclass
class VariantData:
    sku: str
    options: dict
    price: Decimal | None
    price_delta: Decimal | None
    stock: int


@dataclass
class CustomizationData:
    name: str
    extra_unit_cost: Decimal
    extra_moq: int
    setup_fee: Decimal = Decimal(0)


@dataclass
class ImageData:
    sha256: str | None
    url: str | None


@dataclass
class ListingData:
    """A listing as the builder reads it (attribute names as on ``Listing``)."""

    id: int
    revision: int
    status: str
    title_zh: str
    description_zh: str
    category: str | None
    hs_code: str | None
    moq: int | None
    lead_time_days: int | None
    weight_g: int | None
    length_cm: Decimal | None
    width_cm: Decimal | None
    height_cm: Decimal | None
    units_per_carton: int | None
    carton_length_cm: Decimal | None
    carton_width_cm: Decimal | None
    carton_height_cm: Decimal | None
    carton_weight_g: int | None
    localized: dict | None = None
    translations: dict | None = None
    supplier_name: str | None = None
    price_tiers: list[TierData] = field(default_factory=list)
    variants: list[VariantData] = field(default_factory=list)
    customizations: list[CustomizationData] = field(default_factory=list)
    images: list[ImageData] = field(default_factory=list)


LISTING_COLUMNS = (
    Listing.id,
    Listing.revision,
    Listing.status,
    Listing.title_zh,
    Listing.description_zh,
    Listing.category,
    Listing.hs_code,
    Listing.moq,
    Listing.lead_time_days,
    Listing.weight_g,
    Listing.length_cm,
    Listing.width_cm,
    Listing.height_cm,
    Listing.units_per_carton,
    Listing.carton_length_cm,
    Listing.carton_width_cm,
    Listing.carton_height_cm,
    Listing.carton_weight_g,
    Listing.localized,
    Listing.translations,
    Supplier.name,
)


def load_listings(ids: list[int]) -> list[ListingData]:
    """The listings with these ids (those that exist), in id order."""
    listings = {
        row[0]: ListingData(*row)
        for row in db.session.execute(
            select(*LISTING_COLUMNS)
            .join(Supplier, Supplier.id == Listing.supplier_id)
            .where(Listing.id.in_(ids))
        )
    }
    tiers = db.session.execute(
        select(PriceTier.listing_id, PriceTier.min_qty, PriceTier.unit_price)
        .where(PriceTier.listing_id.in_(ids))
        .order_by(PriceTier.listing_id, PriceTier.min_qty)
    )
    for listing_id, min_qty, unit_price in tiers:
        listings[listing_id].price_tiers.append(TierData(min_qty, unit_price))
    variants = db.session.execute(
        select(
            Variant.listing_id,
            Variant.sku,
            Variant.options,
            Variant.price,
            Variant.price_delta,
            Variant.stock,
        )
        .where(Variant.listing_id.in_(ids))
        .order_by(Variant.listing_id, Variant.position)
    )
    for listing_id, *values in variants:
        listings[listing_id].variants.append(VariantData(*values))
    grouped: dict[int, list] = defaultdict(list)
    options = db.session.execute(
        select(
            Customization.listing_id,
            Customization.name,
            Customization.extra_unit_cost,
            Customization.extra_moq,
            Customization.setup_fee,
        )
        .where(Customization.listing_id.in_(ids))
        .order_by(Customization.listing_id, Customization.position)
    )
    for listing_id, *values in options:
        grouped[listing_id].append(CustomizationData(*values))
    for listing_id, values in grouped.items():
        listings[listing_id].customizations = values
    images = db.session.execute(
        select(ListingImage.listing_id, ListingImage.sha256, ListingImage.url)
        .where(ListingImage.listing_id.in_(ids))
        .order_by(ListingImage.listing_id, ListingImage.position)
    )
    for listing_id, sha256, url in images:
        listings[listing_id].images.append(ImageData(sha256, url))
    return [listings[i] for i in sorted(listings)]

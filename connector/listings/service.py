"""Creating, changing and reading listings, scoped to what the caller may see."""

from __future__ import annotations

import logging
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from connector.extensions import db
from connector.listings.images import usable_image
from connector.listings.schemas import CARTON_FIELDS, ListingInSchema
from connector.models import (
    Customization,
    Listing,
    ListingImage,
    ListingStatus,
    PriceTier,
    Role,
    User,
    Variant,
)
from connector.models.types import utcnow
from connector.offers.service import enqueue_listing_refresh
from connector.urls import public_base

log = logging.getLogger(__name__)


class StaleRevision(Exception):
    """Someone saved the listing after the caller read it; their change would be lost."""

    def __init__(self, current: int):
        super().__init__(f"listing is at revision {current}")
        self.current = current


class NotVisible(LookupError):
    """The listing does not exist for this caller (another supplier's looks the same)."""


def visible_listings(user: User) -> Select:
    """Listings ``user`` may see: ops see all, exporters their supplier's, sellers none."""
    query = select(Listing)
    if user.role == Role.OPS:
        return query
    if user.role == Role.EXPORTER and user.supplier_id is not None:
        return query.where(Listing.supplier_id == user.supplier_id)
    return query.where(False)


def get_visible(user: User, listing_id: int) -> Listing:
    listing = db.session.execute(
        visible_listings(user).where(Listing.id == listing_id)
    ).scalar_one_or_none()
    if listing is None:
        raise NotVisible(listing_id)
    return listing


def page_of_listings(user: User, status: str | None, limit: int, offset: int):
    query = visible_listings(user)
    if status:
        query = query.where(Listing.status == status)
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    items = (
        db.session.execute(
            query.options(
                selectinload(Listing.price_tiers),
                selectinload(Listing.variants),
                selectinload(Listing.customizations),
                selectinload(Listing.images),
                selectinload(Listing.supplier),
            )
            .order_by(Listing.id.desc())
            .limit(limit)
            .offset(offset)
        )
        .scalars()
        .all()
    )
    return items, total


def validate_listing(payload: Any) -> dict:
    """Load raw input (form or JSON) into clean data, or raise ValidationError."""
    if not isinstance(payload, dict):
        raise ValidationError({"_schema": [_l("Send the listing as a JSON object.")]})
    return ListingInSchema().load(payload)


def _check_images(data: dict, supplier_id: int) -> None:
    errors = {}
    for index, ref in enumerate(data.get("images") or []):
        sha = ref.get("sha256")
        if not sha:
            continue
        if usable_image(sha, supplier_id) is None:
            errors[index] = {"sha256": [_l("Unknown uploaded image.")]}
    if errors:
        raise ValidationError({"images": errors})


def _apply(listing: Listing, data: dict) -> None:
    for name in (
        "title_zh",
        "description_zh",
        "category",
        "attributes",
        "hs_code",
        "weight_g",
        "length_cm",
        "width_cm",
        "height_cm",
        *CARTON_FIELDS,
        "lead_time_days",
        "moq",
        "status",
    ):
        setattr(listing, name, data[name])
    listing.localized = {
        locale: {key: value for key, value in text.items() if value}
        for locale, text in (data.get("localized") or {}).items()
        if any(text.values())
    }
    listing.price_tiers = [PriceTier(**tier) for tier in data["price_tiers"]]
    listing.variants = [Variant(position=i, **v) for i, v in enumerate(data["variants"])]
    listing.customizations = [
        Customization(position=i, **c) for i, c in enumerate(data["customizations"])
    ]
    listing.images = [
        ListingImage(position=i, sha256=ref.get("sha256"), url=ref.get("url"))
        for i, ref in enumerate(data["images"])
    ]
    if listing.status == ListingStatus.SUBMITTED and listing.submitted_at is None:
        listing.submitted_at = utcnow()


def create_listing(user: User, supplier_id: int, data: dict) -> Listing:
    _check_images(data, supplier_id)
    listing = Listing(supplier_id=supplier_id, created_by_id=user.id, revision=1)
    _apply(listing, data)
    db.session.add(listing)
    db.session.commit()
    log.info("listing %s created by user %s as %s", listing.id, user.id, listing.status)
    _localize_later(listing)
    return listing


def _localize_later(listing: Listing) -> None:
    """Committed first, then enqueued: if Redis is down the sweep picks it up."""
    enqueue_listing_refresh(listing.id)


def replace_listing(listing: Listing, data: dict, expected_revision: int | None = None) -> Listing:
    """Store ``data`` as the listing; bump the revision only when something changed.

    With ``expected_revision``, refuse (StaleRevision) if the listing moved on
    since the caller read it, rather than silently overwrite someone's work.
    """
    if expected_revision is not None and expected_revision != listing.revision:
        raise StaleRevision(listing.revision)
    _check_images(data, listing.supplier_id)
    before = listing_input(listing)
    # Child rows are replaced wholesale; flush the deletes first so the
    # (listing, sku) and (listing, min_qty) unique keys never see both copies.
    listing.price_tiers, listing.variants, listing.customizations, listing.images = [], [], [], []
    db.session.flush()
    _apply(listing, data)
    db.session.flush()
    changed = listing_input(listing) != before
    if changed:
        listing.revision += 1
        listing.updated_at = utcnow()
    db.session.commit()
    if changed:
        _localize_later(listing)
    return listing


def merge_patch(listing: Listing, patch: Any) -> dict:
    """Apply a PATCH body to the stored listing's input form, then validate the whole."""
    if not isinstance(patch, dict):
        raise ValidationError({"_schema": [_l("Send the changes as a JSON object.")]})
    merged = {**listing_input(listing), **patch}
    return validate_listing(merged)


def _text(value) -> str | None:
    return None if value is None else str(value)


def listing_input(listing: Listing) -> dict:
    """The listing in the shape the API takes as input (decimals as strings)."""
    return {
        "status": listing.status,
        "title_zh": listing.title_zh,
        "description_zh": listing.description_zh or "",
        "category": listing.category,
        "attributes": [dict(a) for a in listing.attributes or []],
        "hs_code": listing.hs_code,
        "weight_g": listing.weight_g,
        "length_cm": _text(listing.length_cm),
        "width_cm": _text(listing.width_cm),
        "height_cm": _text(listing.height_cm),
        "units_per_carton": listing.units_per_carton,
        "carton_length_cm": _text(listing.carton_length_cm),
        "carton_width_cm": _text(listing.carton_width_cm),
        "carton_height_cm": _text(listing.carton_height_cm),
        "carton_weight_g": listing.carton_weight_g,
        "lead_time_days": listing.lead_time_days,
        "moq": listing.moq,
        "price_tiers": [
            {"min_qty": t.min_qty, "unit_price": str(t.unit_price)} for t in listing.price_tiers
        ],
        "variants": [
            {
                "sku": v.sku,
                "options": dict(v.options or {}),
                "price": _text(v.price),
                "price_delta": _text(v.price_delta),
                "stock": v.stock,
            }
            for v in listing.variants
        ],
        "customizations": [
            {
                "name": c.name,
                "extra_unit_cost": str(c.extra_unit_cost),
                "extra_moq": c.extra_moq,
                "setup_fee": str(c.setup_fee if c.setup_fee is not None else "0.00"),
            }
            for c in listing.customizations
        ],
        "images": [{"sha256": i.sha256} if i.sha256 else {"url": i.url} for i in listing.images],
        "localized": {locale: dict(text) for locale, text in (listing.localized or {}).items()},
    }


def image_view(image: ListingImage, base: str) -> dict:
    """An image as pages and the API show it: where to fetch it and its thumbnail.

    ``base`` prefixes our own images' paths: the public URL in the API, "" on our pages.
    """
    if image.sha256 and image.stored is not None:
        stored = image.stored
        return {
            "sha256": stored.sha256,
            "url": base + url_for("images.original", sha256=stored.sha256),
            "thumbnail_url": base + url_for("images.thumbnail", sha256=stored.sha256)
            if stored.has_thumbnail
            else None,
            "content_type": stored.content_type,
        }
    return {"sha256": None, "url": image.url, "thumbnail_url": None, "content_type": None}


def listing_output(listing: Listing, base: str | None = None) -> dict:
    """A listing as the API answers it; ``base`` as for ``image_view`` (default: public)."""
    data = listing_input(listing)
    data.update(
        id=listing.id,
        supplier_id=listing.supplier_id,
        revision=listing.revision,
        currency=listing.currency,
        created_at=listing.created_at,
        updated_at=listing.updated_at,
        submitted_at=listing.submitted_at,
        images=[image_view(i, public_base() if base is None else base) for i in listing.images],
    )
    return data

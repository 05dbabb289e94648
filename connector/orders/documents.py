"""A shipment's stored documents (labels, box and SKU labels, receipts): listed and found."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Row, select

from connector.extensions import db
from connector.models import ShipmentDocument


def listed(shipment_id: int) -> list[Row]:
    """Kind, content type, size and time of each document, without their bytes."""
    return db.session.execute(
        select(
            ShipmentDocument.kind,
            ShipmentDocument.content_type,
            ShipmentDocument.size_bytes,
            ShipmentDocument.created_at,
        )
        .where(ShipmentDocument.shipment_id == shipment_id)
        .order_by(ShipmentDocument.kind)
    ).all()


def first_of(shipment_id: int, kinds: Iterable[str]) -> ShipmentDocument | None:
    """The first of ``kinds`` the shipment has, in that order of preference."""
    for kind in kinds:
        document = db.session.execute(
            select(ShipmentDocument).where(
                ShipmentDocument.shipment_id == shipment_id, ShipmentDocument.kind == kind
            )
        ).scalar_one_or_none()
        if document is not None:
            return document
    return None

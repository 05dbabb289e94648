"""Packings worked out before: how a unit's goods pack into parcels under a service's limits."""

from __future__ import annotations

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db


class StoredPacking(db.Model):
    """Keyed by content (the goods as packing reads them, the limits and the quantity), not
    by listing: equal goods share rows, an edited listing simply looks up other keys, and
    a change of packing method changes every key (see ``packing.PACKING_METHOD``)."""

    __tablename__ = "stored_packing"

    goods_key: Mapped[str] = mapped_column(String(160), primary_key=True)
    # {limits and quantity: [[units, weight_g, length, width, height, count], ...]}, one
    # row per goods (a reprice reads a batch's in one query): packing.packed_to_rows
    parcels: Mapped[dict] = mapped_column(JSON)

"""Stock that cannot be oversold: reserved in the order's transaction, given back on
cancel or when the shipment fails for good before any service took it.

A reservation is one conditional ``UPDATE variant SET stock = stock - :qty WHERE ...
AND stock >= :qty``: the database decides between two orders for the last units (on
PostgreSQL the second waits for the first's row lock and re-reads the row; SQLite
runs one writer at a time), so no lock is taken by hand and nothing is read first.
``Variant.stock`` is what is left to sell; the reservations say what is held.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update

from connector.extensions import db
from connector.models import OrderLine, StockReservation, Variant
from connector.models.types import utcnow


@dataclass
class Shortage:
    """A line whose variant has fewer units left than it asks for."""

    position: int
    sku: str
    available: int


class OutOfStock(Exception):
    """Some lines could not be reserved; ``shortages`` says which and what is left.
    Put into words at the edge (``connector.api.order_errors``)."""

    code = "out_of_stock"

    def __init__(self, shortages: list[Shortage]):
        super().__init__(", ".join(f"{s.sku}: {s.available} left" for s in shortages))
        self.shortages = shortages


def _take(listing_id: int, sku: str, quantity: int) -> bool:
    taken = db.session.execute(
        update(Variant)
        .where(Variant.listing_id == listing_id, Variant.sku == sku, Variant.stock >= quantity)
        .values(stock=Variant.stock - quantity)
        .execution_options(synchronize_session=False)
    )
    return taken.rowcount == 1


def _left(listing_id: int, sku: str) -> int | None:
    return db.session.execute(
        select(Variant.stock).where(Variant.listing_id == listing_id, Variant.sku == sku)
    ).scalar_one_or_none()


def reserve(lines: list[OrderLine], counted: set[int]) -> None:
    """Take each line's quantity from its variant's stock, in the caller's transaction.

    ``counted`` holds the positions of lines whose offer counts stock (a variant without
    a stock figure sells without limit). A line whose listing no longer has the SKU has
    no row to hold against and is left to the offer's own check. Raises OutOfStock
    (the caller rolls back, which gives back what was taken here).
    """
    shortages = []
    for line in lines:
        if line.position not in counted:
            continue
        if _take(line.listing_id, line.sku, line.quantity):
            db.session.add(
                StockReservation(
                    order_line_id=line.id,
                    shipment_id=line.shipment_id,
                    listing_id=line.listing_id,
                    sku=line.sku,
                    quantity=line.quantity,
                )
            )
            continue
        left = _left(line.listing_id, line.sku)
        if left is not None:
            shortages.append(Shortage(line.position, line.sku, left))
    if shortages:
        raise OutOfStock(shortages)
    db.session.flush()


def release_shipment(shipment_id: int) -> int:
    """Give back the stock held for a shipment's lines (cancelled, or failed for good), once:
    only reservations not yet released are; units released."""
    released = db.session.execute(
        update(StockReservation)
        .where(StockReservation.shipment_id == shipment_id, StockReservation.released_at.is_(None))
        .values(released_at=utcnow())
        .returning(StockReservation.listing_id, StockReservation.sku, StockReservation.quantity)
        .execution_options(synchronize_session=False)
    ).all()
    for listing_id, sku, quantity in released:
        db.session.execute(
            update(Variant)
            .where(Variant.listing_id == listing_id, Variant.sku == sku)
            .values(stock=Variant.stock + quantity)
            .execution_options(synchronize_session=False)
        )
    return sum(row.quantity for row in released)


def hold_again(shipment_id: int) -> int:
    """Take again the units released when the shipment failed (ops send it again); units
    taken. OutOfStock when some are gone (the caller rolls back, taking nothing)."""
    released = db.session.execute(
        select(StockReservation).where(
            StockReservation.shipment_id == shipment_id, StockReservation.released_at.is_not(None)
        )
    ).scalars()
    shortages, taken = [], 0
    for reservation in released:
        if _take(reservation.listing_id, reservation.sku, reservation.quantity):
            reservation.released_at = None
            taken += reservation.quantity
            continue
        left = _left(reservation.listing_id, reservation.sku)
        if left is not None:
            shortages.append(Shortage(0, reservation.sku, left))
    if shortages:
        raise OutOfStock(shortages)
    db.session.flush()
    return taken


def reserved_by_sku(listing_id: int) -> dict[str, int]:
    """Units held for open orders, per SKU of the listing (for the listing page)."""
    rows = db.session.execute(
        select(StockReservation.sku, func.sum(StockReservation.quantity))
        .where(StockReservation.listing_id == listing_id, StockReservation.released_at.is_(None))
        .group_by(StockReservation.sku)
    )
    return {sku: int(total) for sku, total in rows}


def reserve_for_order(lines: list[OrderLine], priced_lines: list[dict]) -> None:
    """Reserve a new order's lines (``priced_lines`` in position order); OutOfStock
    (``code`` out_of_stock) naming each short line when the stock is gone."""
    counted = {
        position
        for position, line in enumerate(priced_lines, start=1)
        if line["variant"].get("stock") is not None
    }
    reserve(lines, counted)

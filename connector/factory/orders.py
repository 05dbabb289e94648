"""An exporter's own orders, shipments, production list and pay: never another factory's.

Every read starts from the caller's ``supplier_id``: an order is visible when it has a
line of that supplier, and then only those lines and that supplier's shipments show.
The buyer is never shown: the factory sees the destination country, province and city
(enough to sort parcels), and prints the carrier's label, which the carrier made.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask import url_for
from sqlalchemy import func, select

from connector.extensions import db
from connector.factory import customization, steps
from connector.models import Listing, OrderLine, SalesOrder, Shipment, User
from connector.orders import output, pii, service
from connector.orders.errors import NotVisible
from connector.orders.states import ShipmentState as S

# What a factory may read of the buyer's address: where the parcel goes, not to whom.
DESTINATION_FIELDS = ("country", "province", "city")
CLOSED = (S.CANCELLED,)


def supplier_of(user: User) -> int:
    """The supplier an exporter acts for (-1 matches nothing: an exporter without one)."""
    return user.supplier_id if user.supplier_id is not None else -1


def destination(order: SalesOrder) -> dict:
    """The ship-to block as a factory sees it: country, province and city only."""
    try:
        data = pii.decrypt(order.ship_to_encrypted)
    except pii.PiiUnreadable:
        data = {}
    out = {name: data.get(name) for name in DESTINATION_FIELDS}
    out["country"] = out["country"] or order.ship_to_country
    return out


def page_of_orders(
    user: User, market: str | None, limit: int, offset: int
) -> tuple[list[SalesOrder], int]:
    """The orders with a line of the caller's factory, newest first (the orders service's
    one paging query, under the exporter's condition)."""
    return service.page_of_orders(user, market, limit, offset)


def get_order(user: User, order_id: int) -> SalesOrder:
    """The order if it has a line of the caller's factory; NotVisible (404) otherwise."""
    order = db.session.get(SalesOrder, order_id)
    if order is None or not any(line.supplier_id == supplier_of(user) for line in order.lines):
        raise NotVisible(order_id)
    return order


def get_shipment(user: User, shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or shipment.supplier_id != supplier_of(user):
        raise NotVisible(shipment_id)
    return shipment


def find_by_code(user: User, code: str) -> Shipment | None:
    """The caller's shipment whose tracking number or shipment code (our idempotency key,
    printed under the pack list's barcode) is ``code``; None for anyone else's."""
    code = code.strip()
    if not code or len(code) > 64:
        return None
    return db.session.execute(
        select(Shipment)
        .where(
            Shipment.supplier_id == supplier_of(user),
            (func.upper(Shipment.tracking_number) == code.upper())
            | (Shipment.idempotency_key == code),
        )
        .order_by(Shipment.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def domestic_titles(listing_ids) -> dict[int, str]:
    """The listing's own Chinese title per listing: what the factory calls the product
    (an order line carries the title in the buyer's language)."""
    ids = set(listing_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Listing.id, Listing.title_zh).where(Listing.id.in_(ids)))
    return dict(rows.all())


def line_output(line: OrderLine, spec) -> dict:
    """A line as the factory reads it: what to make and what it is paid, no seller price."""
    return {
        **output.line_fields(line),
        **output.factory_amounts(line),
        "customization": spec_output(spec) if spec is not None else None,
    }


def spec_output(spec) -> dict:
    """A line's customization for the factory (with its CNY amounts)."""
    return {
        "option": spec.option,
        "text": spec.text,
        "artwork": spec.artwork_sha256,
        "artwork_url": url_for("images.original", sha256=spec.artwork_sha256)
        if spec.artwork_sha256
        else None,
        "placement": spec.placement,
        "colours": spec.colours or [],
        "extra_unit_cost_cny": str(spec.extra_unit_cost_cny),
        "setup_fee_cny": str(spec.setup_fee_cny),
    }


def order_output(order: SalesOrder, user: User) -> dict:
    """The order as the caller's factory sees it (the shape of the API's order)."""
    supplier_id = supplier_of(user)
    lines = [line for line in order.lines if line.supplier_id == supplier_id]
    specs = customization.specs_for([line.id for line in lines])
    shipments = [s for s in order.shipments if s.supplier_id == supplier_id]
    amounts = [line.factory_amount_cny for line in lines]
    return {
        "id": order.id,
        "reference": order.reference,
        "market": order.market_code,
        "mode": order.mode,
        "currency": order.currency,
        "status": output.order_status(order),
        # No total, quote or pricing: the seller's price and our margin are not the
        # factory's to read.
        "factory_amount_cny": None if None in amounts else str(sum(amounts, Decimal(0))),
        "ship_to": destination(order),
        "lines": [line_output(line, specs.get(line.id)) for line in lines],
        "shipments": [
            {**output.shipment_summary(s), "factory_steps": steps.of(s.id)} for s in shipments
        ],
        "url": url_for("orders_api.get_order", order_id=order.id),
        "created_at": order.created_at,
    }


# -- the factory's work lists ----------------------------------------------------------


def shipments_of(user: User, *, open_only: bool = False) -> list[Shipment]:
    """The factory's shipments, newest first (``open_only``: not cancelled, not delivered)."""
    query = select(Shipment).where(Shipment.supplier_id == supplier_of(user))
    if open_only:
        query = query.where(Shipment.state.not_in([S.CANCELLED.value, S.DELIVERED.value]))
    return list(db.session.execute(query.order_by(Shipment.id.desc()).limit(500)).scalars())


def to_confirm(user: User) -> list[Shipment]:
    """Shipments the factory has not answered yet (cancelled ones need nothing)."""
    done = steps.shipments_with(steps.CONFIRMED, supplier_of(user))
    done |= steps.shipments_with(steps.REFUSED, supplier_of(user))
    return [s for s in shipments_of(user) if s.id not in done and s.state not in CLOSED]


@dataclass
class ProductionRow:
    """One thing to make: a SKU (and its customization) in a total quantity."""

    sku: str
    title: str
    options: dict
    quantity: int = 0
    orders: list[int] = field(default_factory=list)
    spec: object | None = None


@dataclass
class ProductionDay:
    day: date
    rows: list[ProductionRow] = field(default_factory=list)

    @property
    def units(self) -> int:
        return sum(row.quantity for row in self.rows)


def _spec_key(spec) -> tuple:
    if spec is None:
        return ()
    return (spec.option, spec.text, spec.artwork_sha256, spec.placement, tuple(spec.colours or []))


def production(user: User, day: date | None = None) -> list[ProductionDay]:
    """What to make, per order day: SKU x quantity, lines with the same customization
    spec grouped, for every shipment not cancelled and not yet handed over."""
    handed = steps.shipments_with(steps.HANDED_OVER, supplier_of(user))
    query = (
        select(OrderLine, SalesOrder.created_at)
        .join(SalesOrder, SalesOrder.id == OrderLine.order_id)
        .join(Shipment, Shipment.id == OrderLine.shipment_id)
        .where(
            OrderLine.supplier_id == supplier_of(user),
            Shipment.state.not_in([state.value for state in CLOSED]),
        )
        .order_by(SalesOrder.created_at, OrderLine.sku)
    )
    if day is not None:
        start = datetime.combine(day, time(), UTC)
        query = query.where(
            SalesOrder.created_at >= start, SalesOrder.created_at < start + timedelta(days=1)
        )
    rows = [
        (line, created)
        for line, created in db.session.execute(query).all()
        if line.shipment_id not in handed
    ]
    specs = customization.specs_for([line.id for line, _ in rows])
    titles = domestic_titles(line.listing_id for line, _ in rows)
    days: OrderedDict[date, OrderedDict[tuple, ProductionRow]] = OrderedDict()
    for line, created in rows:
        spec = specs.get(line.id)
        key = (line.sku, _spec_key(spec))
        group = days.setdefault(created.astimezone(UTC).date(), OrderedDict())
        title = titles.get(line.listing_id, line.title)
        row = group.setdefault(key, ProductionRow(line.sku, title, line.options, spec=spec))
        row.quantity += line.quantity
        if line.order_id not in row.orders:
            row.orders.append(line.order_id)
    return [ProductionDay(d, list(group.values())) for d, group in days.items()]


@dataclass
class PackList:
    """What goes into one shipment's parcels, and where it goes (no buyer)."""

    shipment: Shipment
    order: SalesOrder
    destination: dict
    lines: list[tuple[OrderLine, object | None]]
    steps: dict
    titles: dict[int, str]

    @property
    def units(self) -> int:
        return sum(line.quantity for line, _ in self.lines)


def pack_list(shipment: Shipment) -> PackList:
    lines = list(shipment.lines)
    specs = customization.specs_for([line.id for line in lines])
    return PackList(
        shipment,
        shipment.order,
        destination(shipment.order),
        [(line, specs.get(line.id)) for line in lines],
        steps.of(shipment.id),
        domestic_titles(line.listing_id for line in lines),
    )


def pack_lists_of_day(user: User, day: date) -> list[PackList]:
    """The pack list of every open shipment of orders placed on ``day`` (UTC)."""
    start = datetime.combine(day, time(), UTC)
    shipments = db.session.execute(
        select(Shipment)
        .join(SalesOrder, SalesOrder.id == Shipment.order_id)
        .where(
            Shipment.supplier_id == supplier_of(user),
            Shipment.state.not_in([state.value for state in CLOSED]),
            SalesOrder.created_at >= start,
            SalesOrder.created_at < start + timedelta(days=1),
        )
        .order_by(Shipment.id)
    ).scalars()
    return [pack_list(shipment) for shipment in shipments]


@dataclass
class Pay:
    """What the factory will be paid, in CNY: for open shipments and for delivered ones."""

    open: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)
    unpriced_lines: int = 0

    @property
    def total(self) -> Decimal:
        return self.open + self.delivered


def pay(user: User) -> Pay:
    """The factory's amounts over its shipments that are not cancelled.

    Summed here in Decimal: SQLite keeps money as text, and SUM() there is a float.
    """
    rows = db.session.execute(
        select(Shipment.state, OrderLine.factory_amount_cny)
        .join(Shipment, Shipment.id == OrderLine.shipment_id)
        .where(OrderLine.supplier_id == supplier_of(user), Shipment.state != S.CANCELLED.value)
    ).all()
    result = Pay()
    for state, amount in rows:
        if amount is None:
            result.unpriced_lines += 1
        elif state == S.DELIVERED:
            result.delivered += amount
        else:
            result.open += amount
    return result


def order_page(user: User, args: dict) -> dict:
    """A page of the factory's orders in the API's page shape."""
    items, total = page_of_orders(user, args.get("market"), args["limit"], args["offset"])
    return {
        "items": [order_output(order, user) for order in items],
        "total": total,
        "limit": args["limit"],
        "offset": args["offset"],
    }

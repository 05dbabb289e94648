"""Placing orders: scope, offers, stock, MOQ, the ship-to block, prices, and the legs.

An order becomes one shipment per fulfilment leg: the lines one factory
(supplier) sends through the market's adapter for the chosen mode. Every
shipment gets its idempotency key here, from (order, adapter, leg), and is
written in the order's transaction; the dispatch jobs are enqueued only after
that commit (``connector.orders.dispatch.enqueue_new``).
"""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from connector.extensions import db
from connector.markets.model import Market
from connector.models import Offer, OrderLine, Role, SalesOrder, Shipment, User
from connector.models.offer import OfferStatus
from connector.models.types import utcnow
from connector.offers.service import markets
from connector.orders import pii
from connector.orders.adapters import adapter_class, adapter_name_for, is_enabled, is_sandbox
from connector.orders.address import check_ship_to
from connector.orders.states import ShipmentState


class OrderRejected(Exception):
    """The order cannot be placed; ``status`` and ``fields`` say why, for the API envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.code = code


class NotVisible(Exception):
    """The caller may not see this order or shipment (answered as 404)."""


def shipment_key(order_id: int, adapter: str, leg: int) -> str:
    """The idempotency key every call about this shipment carries: (order, adapter, leg)."""
    prefix = current_app.config["FULFILMENT"]["key_prefix"]
    return f"{prefix}-{order_id}-{adapter}-{leg}"


def _market_and_mode(user: User, data: dict) -> tuple[Market, str, str]:
    code = data["market"]
    if code not in (user.markets or []):
        raise OrderRejected(
            403, f"This key may not order in market {code}.", code="market_not_allowed"
        )
    market = markets().get(code)
    if market is None:
        raise OrderRejected(422, "Unknown market.", {"market": [f"No enabled market {code}."]})
    mode = data.get("mode") or market.default_mode
    if mode not in market.modes:
        raise OrderRejected(
            422,
            "This fulfilment mode is not offered here.",
            {"mode": [f"Market {code} offers {', '.join(market.modes)}."]},
        )
    adapter = adapter_name_for(market, mode)
    if not is_enabled(adapter):
        raise OrderRejected(
            422,
            "No shipping service is available for this market and mode.",
            {"mode": [f"{mode} in {code} goes through {adapter!r}, which is not enabled."]},
            code="mode_unavailable",
        )
    return market, mode, adapter


def _offers(ids: list[int]) -> dict[int, Offer]:
    found = db.session.execute(
        select(Offer).where(Offer.id.in_(set(ids))).options(selectinload(Offer.listing))
    ).scalars()
    return {offer.id: offer for offer in found}


def _tier(prices: list[dict], quantity: int) -> dict:
    """The price tier for the quantity: the largest ``min_qty`` not above it."""
    fitting = [tier for tier in prices if tier["min_qty"] <= quantity]
    return max(fitting, key=lambda tier: tier["min_qty"])


def _priced_lines(market: Market, lines: list[dict]) -> tuple[list[dict], dict]:
    """Each line with its offer, variant and tier; problems keyed ``lines.<i>.<field>``."""
    offers = _offers([line["offer_id"] for line in lines])
    errors: dict[str, list[str]] = {}
    seen: dict[tuple[int, str], int] = {}
    priced = []
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        offer = offers.get(line["offer_id"])
        if offer is None or offer.market_code != market.code:
            errors[f"{where}.offer_id"] = [f"No offer {line['offer_id']} in market {market.code}."]
            continue
        if offer.status != OfferStatus.READY:
            reasons = ", ".join(r.get("code", "?") for r in offer.hold_reasons or []) or "withdrawn"
            errors[f"{where}.offer_id"] = [f"Offer {offer.id} is {offer.status} ({reasons})."]
            continue
        variant = next(
            (v for v in offer.document.get("variants") or [] if v.get("sku") == line["sku"]), None
        )
        if variant is None or not variant.get("prices"):
            errors[f"{where}.sku"] = [f"Offer {offer.id} has no priced variant {line['sku']}."]
            continue
        first = (offer.id, line["sku"])
        if first in seen:
            errors[f"{where}.sku"] = [f"Already ordered in line {seen[first]}; use one line."]
            continue
        seen[first] = index
        quantity = line["quantity"]
        moq = max(variant["prices"][0]["min_qty"], offer.document.get("moq") or 0)
        if quantity < moq:
            errors[f"{where}.quantity"] = [f"The minimum order quantity is {moq}."]
            continue
        stock = variant.get("stock")
        if stock is not None and quantity > stock:
            errors[f"{where}.quantity"] = [f"Only {stock} in stock."]
            continue
        priced.append({**line, "offer": offer, "variant": variant})
    return priced, errors


def _title(offer: Offer, market: Market) -> str:
    texts = offer.document.get("texts") or {}
    for locale in market.locales:
        title = (texts.get(locale) or {}).get("title")
        if title:
            return title[:300]
    return (offer.document.get("source_title") or f"offer {offer.id}")[:300]


def place_order(user: User, data: dict) -> SalesOrder:
    """Validate and write the order, its lines and shipments (flushed, not committed)."""
    market, mode, adapter = _market_and_mode(user, data)
    lines, errors = _priced_lines(market, data["lines"])
    required = adapter_class(adapter).required_address_fields
    ship_to, address_errors = check_ship_to(data["ship_to"], market, adapter, required)
    errors.update(address_errors)
    if errors:
        raise OrderRejected(422, "The order cannot be placed as sent.", errors)

    now = utcnow()
    order = SalesOrder(
        seller_id=user.id,
        reference=data.get("reference"),
        market_code=market.code,
        mode=mode,
        currency=market.currency,
        total=Decimal(0),
        ship_to_country=market.country,
        ship_to_encrypted=pii.encrypt({name: ship_to.get(name) for name in pii.FIELDS}),
        created_at=now,
        updated_at=now,
    )
    db.session.add(order)
    total = Decimal(0)
    legs: OrderedDict[int, list[OrderLine]] = OrderedDict()
    for position, line in enumerate(lines, start=1):
        offer, variant, quantity = line["offer"], line["variant"], line["quantity"]
        tier = _tier(variant["prices"], quantity)
        unit_price = Decimal(tier["price"])
        line_total = unit_price * quantity
        total += line_total
        size = offer.document.get("size_cm")
        row = OrderLine(
            position=position,
            offer_id=offer.id,
            offer_version=offer.version,
            listing_id=offer.listing_id,
            supplier_id=offer.listing.supplier_id,
            sku=variant["sku"],
            options=variant.get("options") or {},
            title=_title(offer, market),
            hs_code=offer.document.get("hs_code"),
            quantity=quantity,
            tier_min_qty=tier["min_qty"],
            unit_price=unit_price,
            line_total=line_total,
            unit_weight_g=offer.document.get("weight_g"),
            unit_size_cm=list(size) if size else None,
        )
        order.lines.append(row)
        legs.setdefault(row.supplier_id, []).append(row)
    order.total = total
    db.session.flush()

    for leg, (supplier_id, leg_lines) in enumerate(legs.items(), start=1):
        shipment = Shipment(
            leg=leg,
            mode=mode,
            adapter=adapter,
            supplier_id=supplier_id,
            state=ShipmentState.PENDING,
            idempotency_key=shipment_key(order.id, adapter, leg),
            sandbox=is_sandbox(adapter),
            attempt_count=0,
            attempt_base=0,
            created_at=now,
            updated_at=now,
        )
        order.shipments.append(shipment)
        db.session.flush()
        for row in leg_lines:
            row.shipment_id = shipment.id
    db.session.flush()
    return order


# -- reading -------------------------------------------------------------------------

BASE_SHIP_TO = ("name", "phone", "line1")


def shipping_options(user: User) -> list[dict]:
    """The modes of each market the user may order in, with what each needs."""
    options = []
    for code, market in markets().items():
        if user.role != Role.OPS and code not in (user.markets or []):
            continue
        modes = []
        for mode in market.modes:
            adapter = adapter_name_for(market, mode)
            adapter_type = adapter_class(adapter) if adapter else None
            modes.append(
                {
                    "mode": mode,
                    "adapter": adapter,
                    "kind": getattr(adapter_type, "kind", None),
                    "available": is_enabled(adapter),
                    "sandbox": is_enabled(adapter) and is_sandbox(adapter),
                    "required_ship_to": [
                        *BASE_SHIP_TO,
                        *getattr(adapter_type, "required_address_fields", ()),
                    ],
                }
            )
        options.append(
            {
                "market": code,
                "country": market.country,
                "currency": market.currency,
                "default_mode": market.default_mode,
                "modes": modes,
            }
        )
    return options


def _order_query():
    return select(SalesOrder).options(
        selectinload(SalesOrder.lines), selectinload(SalesOrder.shipments)
    )


def get_order(user: User, order_id: int) -> SalesOrder:
    order = db.session.execute(_order_query().where(SalesOrder.id == order_id)).scalar_one_or_none()
    if order is None or not may_see_order(user, order):
        raise NotVisible(order_id)
    return order


def may_see_order(user: User, order: SalesOrder) -> bool:
    return user.role == Role.OPS or (user.role == Role.SELLER and order.seller_id == user.id)


def reveals_pii(user: User, order: SalesOrder) -> bool:
    """Only the seller who placed the order reads the buyer's data in clear."""
    return user.role == Role.SELLER and order.seller_id == user.id


def page_of_orders(
    user: User, market: str | None, limit: int, offset: int
) -> tuple[list[SalesOrder], int]:
    query = _order_query()
    count = select(func.count(SalesOrder.id))
    if user.role == Role.SELLER:
        query = query.where(SalesOrder.seller_id == user.id)
        count = count.where(SalesOrder.seller_id == user.id)
    elif user.role != Role.OPS:
        return [], 0
    if market:
        query = query.where(SalesOrder.market_code == market.upper())
        count = count.where(SalesOrder.market_code == market.upper())
    items = db.session.execute(
        query.order_by(SalesOrder.id.desc()).limit(limit).offset(offset)
    ).scalars()
    return list(items), db.session.execute(count).scalar_one()


def may_see_shipment(user: User, shipment: Shipment) -> bool:
    if user.role == Role.OPS:
        return True
    if user.role == Role.SELLER:
        return shipment.order.seller_id == user.id
    if user.role == Role.EXPORTER:
        # The factory that ships it: it needs the labels and the state.
        return user.supplier_id is not None and shipment.supplier_id == user.supplier_id
    return False


def get_shipment(user: User, shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None or not may_see_shipment(user, shipment):
        raise NotVisible(shipment_id)
    return shipment


def page_of_shipments(
    user: User, states: list[str], adapter: str | None, limit: int, offset: int
) -> tuple[list[Shipment], int]:
    query = select(Shipment)
    count = select(func.count(Shipment.id))
    conditions = []
    if user.role == Role.SELLER:
        conditions.append(
            Shipment.order_id.in_(select(SalesOrder.id).where(SalesOrder.seller_id == user.id))
        )
    elif user.role == Role.EXPORTER:
        conditions.append(Shipment.supplier_id == (user.supplier_id or -1))
    if states:
        conditions.append(Shipment.state.in_(states))
    if adapter:
        conditions.append(Shipment.adapter == adapter)
    for condition in conditions:
        query, count = query.where(condition), count.where(condition)
    items = db.session.execute(
        query.order_by(Shipment.id.desc()).limit(limit).offset(offset)
    ).scalars()
    return list(items), db.session.execute(count).scalar_one()


def supplier_name(supplier_id: int) -> str:
    from connector.models import Supplier

    supplier = db.session.get(Supplier, supplier_id)
    return supplier.name if supplier is not None else f"supplier {supplier_id}"

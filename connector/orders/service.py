"""Placing orders: scope, offers, stock, MOQ, the ship-to block, prices, and the legs.

An order becomes one shipment per fulfilment leg: the lines one factory
(supplier) sends through the market's adapter for the chosen mode. Every
shipment gets its idempotency key here, from (order, adapter, leg), and is
written in the order's transaction; the dispatch jobs are enqueued only after
that commit (``connector.orders.queueing.enqueue_dispatch``).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import func, select, true
from sqlalchemy.orm import selectinload

from connector.extensions import db
from connector.factory import customization, deadline, stock
from connector.markets.model import Market
from connector.markets.registry import markets
from connector.models import Offer, OrderLine, Quote, Role, SalesOrder, Shipment, User
from connector.models.offer import OfferStatus
from connector.models.types import utcnow
from connector.orders import pii, pricing, quotes
from connector.orders.adapters import (
    adapter_class,
    adapter_name_for,
    carriers_for,
    is_enabled,
    is_sandbox,
)
from connector.orders.address import AddressProblem, AddressRejected, check_ship_to
from connector.orders.errors import LineProblem, NotVisible, OrderRejected
from connector.orders.states import ShipmentState
from connector.seller_hooks import events as seller_events


def shipment_key(order_id: int, adapter: str, leg: int) -> str:
    """The idempotency key every call about this shipment carries: (order, adapter, leg)."""
    prefix = current_app.config["FULFILMENT"]["key_prefix"]
    return f"{prefix}-{order_id}-{adapter}-{leg}"


def _market_and_mode(user: User, data: dict) -> tuple[Market, str, str]:
    code = data["market"]
    if code not in (user.markets or []):
        raise OrderRejected("market_not_allowed", f"This key may not order in market {code}.")
    market = markets().get(code)
    if market is None:
        raise OrderRejected(
            "invalid_order", "Unknown market.", {"market": [f"No enabled market {code}."]}
        )
    mode = data.get("mode") or market.default_mode
    if mode not in market.modes:
        raise OrderRejected(
            "invalid_order",
            "This fulfilment mode is not offered here.",
            {"mode": [f"Market {code} offers {', '.join(market.modes)}."]},
        )
    adapter = _chosen_carrier(market, mode, data.get("carrier")) or adapter_name_for(market, mode)
    if not is_enabled(adapter):
        raise OrderRejected(
            "mode_unavailable",
            "No shipping service is available for this market and mode.",
            {"mode": [f"{mode} in {code} goes through {adapter!r}, which is not enabled."]},
        )
    return market, mode, adapter


def _chosen_carrier(market: Market, mode: str, wanted: str | None) -> str | None:
    """The carrier the order asks for, if the market offers it for the mode."""
    if wanted is None:
        return None
    offered = carriers_for(market, mode)
    if wanted not in offered:
        raise OrderRejected(
            "invalid_order",
            "This carrier is not offered here.",
            {"carrier": [f"{mode} in {market.code} goes through {', '.join(offered) or 'none'}."]},
        )
    return wanted


def _offers(ids: list[int]) -> dict[int, Offer]:
    found = db.session.execute(
        select(Offer).where(Offer.id.in_(set(ids))).options(selectinload(Offer.listing))
    ).scalars()
    return {offer.id: offer for offer in found}


def _priced_lines(market: Market, mode: str, lines: list[dict]) -> tuple[list[dict], dict]:
    """Each line with its offer, variant and prices in ``mode``; problems keyed
    ``lines.<i>.<field>``, as codes the edge puts into words."""
    offers = _offers([line["offer_id"] for line in lines])
    errors: dict[str, list[LineProblem]] = {}
    seen: dict[tuple[int, str], int] = {}
    priced = []
    for index, line in enumerate(lines):
        where = f"lines.{index}"
        offer = offers.get(line["offer_id"])
        if offer is None or offer.market_code != market.code:
            errors[f"{where}.offer_id"] = [
                LineProblem("offer_unknown", {"offer": line["offer_id"], "market": market.code})
            ]
            continue
        if offer.status != OfferStatus.READY:
            errors[f"{where}.offer_id"] = [_not_ready(offer)]
            continue
        variant = next(
            (v for v in offer.document.get("variants") or [] if v.get("sku") == line["sku"]), None
        )
        prices = variant and pricing.prices_for_mode(offer.document, variant, mode)
        if variant is None or not variant.get("prices"):
            errors[f"{where}.sku"] = [
                LineProblem("variant_unknown", {"offer": offer.id, "sku": line["sku"]})
            ]
            continue
        if not prices:
            errors[f"{where}.offer_id"] = [
                LineProblem("mode_not_priced", {"offer": offer.id, "mode": mode})
            ]
            continue
        first = (offer.id, line["sku"])
        if first in seen:
            errors[f"{where}.sku"] = [LineProblem("line_repeated", {"line": seen[first]})]
            continue
        seen[first] = index
        quantity = line["quantity"]
        moq = max(prices[0]["min_qty"], offer.document.get("moq") or 0)
        if quantity < moq:
            errors[f"{where}.quantity"] = [LineProblem("below_moq", {"moq": moq})]
            continue
        stock = variant.get("stock")
        if stock is not None and quantity > stock:
            errors[f"{where}.quantity"] = [LineProblem("over_stock", {"stock": stock})]
            continue
        priced.append({**line, "offer": offer, "variant": variant})
    return priced, errors


def _not_ready(offer: Offer) -> LineProblem:
    if offer.status == OfferStatus.HELD:
        reasons = ", ".join(r.get("code", "?") for r in offer.hold_reasons or []) or "?"
        return LineProblem("offer_held", {"offer": offer.id, "reasons": reasons})
    return LineProblem("offer_withdrawn", {"offer": offer.id})


def _title(offer: Offer, market: Market) -> str:
    texts = offer.document.get("texts") or {}
    for locale in market.locales:
        title = (texts.get(locale) or {}).get("title")
        if title:
            return title[:300]
    return (offer.document.get("source_title") or f"offer {offer.id}")[:300]


@dataclass
class PricedOrder:
    """Lines checked and priced in one market and mode, ready to quote or to place."""

    market: Market
    mode: str
    adapter: str
    lines: list[dict]
    valid_until: datetime | None
    fx: dict

    @property
    def total(self) -> Decimal:
        return sum((line["price"].total for line in self.lines), Decimal(0))


def price_order(user: User, data: dict, now: datetime, check=None) -> PricedOrder:
    """Check the lines against their offers and price each one; OrderRejected if any fails.

    ``check(market, adapter)`` may add problems of the ship-to block, so a seller sees
    every problem of the order in one answer.
    """
    market, mode, adapter = _market_and_mode(user, data)
    lines, errors = _priced_lines(market, mode, data["lines"])
    address_problems = check(market, adapter) if check is not None else []
    allow_snapshot = current_app.config["FX_ALLOW_SNAPSHOT"]
    for line in lines:
        try:
            pricing.check_rate_age(line["offer"], market, now, allow_snapshot)
        except pricing.RateTooOld as exc:
            raise OrderRejected(
                "fx_stale",
                f"The {exc.currency} rate behind offer {exc.offer_id} is {exc.age_hours} hours "
                f"old (the limit is {exc.limit}); nothing is sold at it until a new rate "
                "arrives.",
            ) from exc
    one_parcel = adapter_class(adapter).kind == "carrier"
    for index, line in enumerate(lines):
        try:
            line["price"] = pricing.price_line(
                market, mode, line["offer"], line["variant"], line["quantity"], now.date()
            )
        except pricing.LinePriceError as exc:
            errors[f"lines.{index}.quantity"] = [exc.problem]
            continue
        parcels = line["price"].parcels
        if one_parcel and parcels is not None and parcels > 1:
            errors[f"lines.{index}.quantity"] = [_too_big_for_one_parcel(market, mode, line)]
    errors.update(customization.price_lines(market, mode, lines, now.date()))
    if errors or address_problems:
        raise OrderRejected(
            "invalid_order", "The order cannot be placed as sent.", errors, address_problems
        )
    offers = [line["offer"] for line in lines]
    valid_until = pricing.rates_valid_until(offers, market, allow_snapshot)
    fx = {}
    for offer in offers:
        fx.update(offer.document.get("fx") or {})
    return PricedOrder(market, mode, adapter, lines, valid_until, fx)


def _too_big_for_one_parcel(market: Market, mode: str, line: dict) -> LineProblem:
    details = line["price"].pricing["parcels"]
    weight = sum(p["weight_g"] * p["count"] for p in details) / 1000
    card = market.shipping[mode]
    return LineProblem(
        "one_parcel_exceeded",
        {
            "quantity": line["quantity"],
            "weight_kg": f"{weight:g}",
            "parcels": line["price"].parcels,
            "max_weight_kg": f"{card.max_weight_g / 1000:g}",
            "max_side_cm": card.max_side_cm,
        },
    )


def place_order(user: User, data: dict) -> SalesOrder:
    """Validate and write the order, its lines and shipments (flushed, not committed).

    OrderRejected when it cannot be placed as sent; stock.OutOfStock when a line asks
    for more than is left.
    """
    now = utcnow()
    quote = None
    if data.get("quote_id"):
        quote = quotes.usable_quote(user, data, now)
    checked: dict = {}

    def check_address(market: Market, adapter: str) -> list[AddressProblem]:
        required = adapter_class(adapter).required_address_fields
        try:
            checked["ship_to"] = check_ship_to(data["ship_to"], market, adapter, required)
        except AddressRejected as exc:
            return exc.problems
        return []

    priced = price_order(user, data, now, check_address)
    if quote is not None:
        quotes.apply_quote(quote, priced)
    market, mode, adapter = priced.market, priced.mode, priced.adapter
    ship_to = checked["ship_to"]

    order = SalesOrder(
        seller_id=user.id,
        reference=data.get("reference"),
        market_code=market.code,
        mode=mode,
        currency=market.currency,
        total=priced.total,
        ship_to_country=market.country,
        ship_to_encrypted=pii.encrypt({name: ship_to.get(name) for name in pii.FIELDS}),
        quote_id=quote.id if quote is not None else None,
        pricing=order_pricing(priced, now),
        created_at=now,
        updated_at=now,
    )
    db.session.add(order)
    legs: OrderedDict[int, list[OrderLine]] = OrderedDict()
    for position, line in enumerate(priced.lines, start=1):
        offer, variant, quantity = line["offer"], line["variant"], line["quantity"]
        price: pricing.LinePrice = line["price"]
        size = offer.document.get("size_cm")
        cost = price.unit_cost_cny
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
            tier_min_qty=price.tier["min_qty"],
            unit_price=price.unit_price,
            line_total=price.total,
            parcels=price.parcels,
            factory_unit_cost_cny=cost,
            factory_amount_cny=cost * quantity if cost is not None else None,
            unit_weight_g=offer.document.get("weight_g"),
            unit_size_cm=list(size) if size else None,
        )
        order.lines.append(row)
        legs.setdefault(row.supplier_id, []).append(row)
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
    customization.record(order.lines, priced.lines)
    stock.reserve_for_order(order.lines, priced.lines)
    seller_events.order_accepted(order)
    deadline.set_confirm_by(order)
    return order


def create_quote(user: User, data: dict) -> Quote:
    """Price the lines exactly and keep the answer as a quote an order can charge."""
    now = utcnow()
    priced = price_order(user, data, now)
    return quotes.create_quote(user, priced, order_pricing(priced, now), now)


def order_pricing(priced: PricedOrder, now: datetime) -> dict:
    """How the total was reached, line by line, with the rates and the date of the rules."""
    return {
        "priced_at": now.isoformat(),
        "rules_on": now.date().isoformat(),
        "mode": priced.mode,
        "currency": priced.market.currency,
        "total": str(priced.total),
        "lines": [
            {
                "offer_id": line["offer"].id,
                "sku": line["variant"]["sku"],
                "quantity": line["quantity"],
                "tier_min_qty": line["price"].tier["min_qty"],
                "tier_price": str(line["price"].unit_price),
                "total": str(line["price"].total),
                **line["price"].pricing,
            }
            for line in priced.lines
        ],
        "fx": priced.fx,
    }


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


def orders_visible_to(user: User):
    """The SQL condition on SalesOrder for what the caller may list: ops every order, a
    seller its own, an exporter those with a line of its factory; None for no one."""
    if user.role == Role.OPS:
        return true()
    if user.role == Role.SELLER:
        return SalesOrder.seller_id == user.id
    if user.role == Role.EXPORTER:
        supplier_id = user.supplier_id if user.supplier_id is not None else -1
        lines = select(OrderLine.order_id).where(OrderLine.supplier_id == supplier_id)
        return SalesOrder.id.in_(lines)
    return None


def page_of_orders(
    user: User, market: str | None, limit: int, offset: int
) -> tuple[list[SalesOrder], int]:
    """A page of the orders the caller may list, newest first, and how many there are."""
    condition = orders_visible_to(user)
    if condition is None:
        return [], 0
    query = _order_query().where(condition)
    count = select(func.count(SalesOrder.id)).where(condition)
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

"""What an order or a quote costs: each line priced as its own consignment.

A line is priced from its offer document, at the rates the document was priced
with (the rates the seller saw in the feed), for its own quantity and the chosen
mode: packed into parcels by the service's limits, each parcel shipped and
taxed by the rules in force on the order's date, fees and margin on the whole,
rounded once. It never costs more than quantity x the offer's price for the tier
the quantity reaches; when the exact consignment would (a last, part-filled
parcel), the tier price holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from connector.fx.resolve import from_snapshot_only
from connector.markets.model import Market
from connector.models import Offer
from connector.orders.errors import LineProblem
from connector.pricing.engine import (
    COMPONENTS,
    Conversion,
    Parcel,
    Price,
    PricingError,
    consignment_price,
    prepare,
)
from connector.pricing.packing import Carton


class LinePriceError(ValueError):
    """A line cannot be priced or carried as asked; ``code`` and ``params`` say why
    (``message`` is the English text, for logs)."""

    def __init__(self, code: str, message: str, params: dict | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params or {}

    @property
    def problem(self) -> LineProblem:
        return LineProblem(self.code, self.params)


class RateTooOld(LookupError):
    """An offer's rate has passed the market's age limit: nothing is sold at it."""

    def __init__(self, offer_id: int, currency: str, as_of: str, age_hours: int, limit: int):
        super().__init__(f"offer {offer_id}: {currency} rate of {as_of} is {age_hours} h old")
        self.offer_id = offer_id
        self.currency = currency
        self.as_of = as_of
        self.age_hours = age_hours
        self.limit = limit


@dataclass
class LinePrice:
    tier: dict
    unit_price: Decimal  # the offer's tier price
    total: Decimal
    parcels: int | None
    pricing: dict
    unit_cost_cny: Decimal | None


@dataclass
class OrderPrice:
    lines: list[LinePrice] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))


def prices_for_mode(document: dict, variant: dict, mode: str) -> list[dict] | None:
    """The variant's tier prices in ``mode``: its own rate card, not the default mode's."""
    if mode == document.get("mode"):
        return variant.get("prices")
    return (variant.get("modes") or {}).get(mode)


def tier_for(prices: list[dict], quantity: int) -> dict:
    """The price tier for the quantity: the largest ``min_qty`` not above it."""
    fitting = [tier for tier in prices if tier["min_qty"] <= quantity]
    return max(fitting, key=lambda tier: tier["min_qty"])


def check_rate_age(offer: Offer, market: Market, now: datetime, allow_snapshot: bool) -> None:
    """Refuse a sale at a rate past the market's age limit (the snapshot only if allowed)."""
    limit = timedelta(hours=market.fx_max_age_hours)
    for currency, rate in (offer.document.get("fx") or {}).items():
        as_of = datetime.fromisoformat(rate["as_of"])
        if allow_snapshot and from_snapshot_only(rate["source"]):
            continue
        if now - as_of > limit:
            hours = int((now - as_of).total_seconds() // 3600)
            raise RateTooOld(offer.id, currency, rate["as_of"], hours, market.fx_max_age_hours)


def rates_valid_until(offers: list[Offer], market: Market, allow_snapshot: bool) -> datetime | None:
    """When the oldest rate these offers use passes the market's limit (None: never)."""
    limit = timedelta(hours=market.fx_max_age_hours)
    ends = []
    for offer in offers:
        for rate in (offer.document.get("fx") or {}).values():
            if not (allow_snapshot and from_snapshot_only(rate["source"])):
                ends.append(datetime.fromisoformat(rate["as_of"]) + limit)
    return min(ends) if ends else None


def _parcel(document: dict) -> Parcel | None:
    size, weight = document.get("size_cm"), document.get("weight_g")
    if not size or not weight:
        return None
    carton = document.get("carton")
    return Parcel(
        weight,
        *(Decimal(side) for side in size),
        document.get("hs_code"),
        Carton(
            carton["units"],
            *(Decimal(side) for side in carton["size_cm"]),
            carton["weight_g"],
        )
        if carton
        else None,
    )


def _conversion(document: dict, market: Market) -> Conversion:
    rates = {currency: Decimal(rate["rate"]) for currency, rate in document["fx"].items()}
    return Conversion(market.currency, rates)


def price_line(
    market: Market, mode: str, offer: Offer, variant: dict, quantity: int, on: date
) -> LinePrice:
    document = offer.document
    prices = prices_for_mode(document, variant, mode)
    if not prices:
        raise LinePriceError(
            "mode_not_priced",
            f"Offer {offer.id} has no price for {mode} in {market.code}.",
            {"offer": offer.id, "mode": mode},
        )
    tier = tier_for(prices, quantity)
    list_price = Decimal(tier["price"])
    ceiling = list_price * quantity
    cost = tier.get("cost_cny")
    parcel = _parcel(document)
    if cost is None or parcel is None or not document.get("fx"):
        # A document priced before consignment pricing: its tier price, as it said.
        return LinePrice(tier, list_price, ceiling, None, {"basis": "tier_price"}, None)
    try:
        landing = prepare(market, mode, parcel, _conversion(document, market), on)
        price = consignment_price(landing, Decimal(cost), quantity)
    except PricingError as exc:
        raise _line_price_error(exc, market, mode) from exc
    total = min(price.total, ceiling)
    return LinePrice(
        tier,
        list_price,
        total,
        price.parcel_count,
        _line_pricing(price, total, ceiling, landing.unit),
        Decimal(cost),
    )


def _line_price_error(exc: PricingError, market: Market, mode: str) -> LinePriceError:
    if exc.code == "unit_exceeds_parcel_limits":
        card = market.shipping[mode]
        return LinePriceError(
            exc.code,
            f"One piece is heavier or bigger than a {mode} parcel in {market.code} may be "
            f"(at most {card.max_weight_g} g, {card.max_side_cm} cm a side).",
            {
                "mode": mode,
                "market": market.code,
                "max_weight_g": card.max_weight_g,
                "max_side_cm": card.max_side_cm,
            },
        )
    return LinePriceError(exc.code, f"This line cannot be priced: {exc.code}.", {})


def _line_pricing(price: Price, total: Decimal, ceiling: Decimal, unit: Decimal) -> dict:
    components = dict(price.total_components)
    if total < price.total:
        # Held at the tier price: the margin gives up the difference.
        components["margin"] -= price.total - total
    return {
        "basis": "consignment" if total == price.total else "tier_price",
        "quantity": price.quantity,
        "parcels": [charge.as_dict(unit) for charge in price.parcels],
        "exact_total": str(price.total),
        "tier_total": str(ceiling),
        "components": {name: str(components[name]) for name in COMPONENTS},
        "notes": list(price.notes),
    }


def customization_extra(
    market: Market,
    mode: str,
    offer: Offer,
    variant: dict,
    quantity: int,
    on: date,
    extra_cost_cny: Decimal,
) -> Decimal | None:
    """What ``extra_cost_cny`` more per unit adds to the line's exact consignment total
    (None for a document priced before consignment pricing, which has no cost)."""
    document = offer.document
    prices = prices_for_mode(document, variant, mode)
    cost = tier_for(prices, quantity).get("cost_cny") if prices else None
    parcel = _parcel(document)
    if cost is None or parcel is None or not document.get("fx"):
        return None
    try:
        landing = prepare(market, mode, parcel, _conversion(document, market), on)
        plain = consignment_price(landing, Decimal(cost), quantity)
        customized = consignment_price(landing, Decimal(cost) + extra_cost_cny, quantity)
    except PricingError as exc:
        raise _line_price_error(exc, market, mode) from exc
    return customized.total - plain.total

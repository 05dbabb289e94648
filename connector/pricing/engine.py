"""Landed price of one unit in one market, step by step (see DESIGN.md, "Money").

goods (CNY) -> FX -> packed into parcels by the service's limits -> shipping
per parcel by chargeable weight -> duty and VAT per parcel by the rules in force
on the pricing date -> fees -> margin -> divided per unit -> retail rounding,
once, at the end. A price is always the price of a consignment: one unit in one
parcel for a dropshipping tier, the tier's minimum quantity for a wholesale one.
Pure functions of their inputs: no database, no clock, no network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from babel.numbers import get_currency_precision

from connector.markets.model import Market, RateCard
from connector.pricing.packing import (
    Box,
    Carton,
    Goods,
    GoodsPackings,
    Limits,
    Packed,
    PackingError,
    pack,
)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
GRAMS_PER_KG = Decimal(1000)
COMPONENTS = ("goods", "shipping", "duty", "vat", "fees", "margin", "rounding")


class PricingError(ValueError):
    """The price cannot be computed; ``code`` says why (the offer is held)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Parcel:
    """One unit as it travels: weight, packed size, customs code, the factory's carton."""

    weight_g: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    hs_code: str | None = None
    carton: Carton | None = None

    @property
    def goods(self) -> Goods:
        return Goods(self.weight_g, self.length_cm, self.width_cm, self.height_cm, self.carton)


@dataclass(frozen=True)
class Conversion:
    """Units of the market currency per unit of each other currency."""

    target: str
    rates: dict[str, Decimal]

    def __call__(self, amount: Decimal, currency: str) -> Decimal:
        if currency == self.target:
            return amount
        try:
            return amount * self.rates[currency]
        except KeyError as exc:
            raise PricingError("fx_missing", f"{currency}/{self.target}") from exc


class ParcelCharge(NamedTuple):
    """What one kind of parcel of a consignment costs; ``count`` such parcels travel.

    A named tuple rather than a frozen dataclass: a reprice makes millions of these.
    """

    count: int
    units: int
    weight_g: int
    chargeable_g: int
    size_cm: tuple[Decimal, Decimal, Decimal]
    shipping: Decimal
    customs_value: Decimal
    duty: Decimal
    vat: Decimal
    below_threshold: bool

    def as_dict(self, unit: Decimal) -> dict:
        def q(amount: Decimal) -> str:
            return str(amount.quantize(unit, ROUND_HALF_EVEN))

        return {
            "count": self.count,
            "units": self.units,
            "weight_g": self.weight_g,
            "chargeable_g": self.chargeable_g,
            "size_cm": [str(side) for side in self.size_cm],
            "shipping": q(self.shipping),
            "customs_value": q(self.customs_value),
            "duty": q(self.duty),
            "vat": q(self.vat),
            "below_threshold": self.below_threshold,
        }


class Price(NamedTuple):
    """A consignment's price per unit and in all, each with components that add up exactly.

    ``price`` is the retail unit price (rounded up by the market's step), the one
    an offer shows; ``total`` is the exact consignment total rounded once, which
    never exceeds ``quantity`` x ``price``. A named tuple, like ``ParcelCharge``: a
    reprice makes millions, and a frozen dataclass's constructor cost ten times more.
    """

    currency: str
    price: Decimal
    components: dict[str, Decimal]
    notes: tuple[str, ...]
    landed: Decimal  # exact goods + shipping + duty + VAT per unit, before fees
    quantity: int
    total: Decimal
    total_components: dict[str, Decimal]
    parcels: tuple[ParcelCharge, ...]
    parcel_count: int

    def as_list(self) -> list[str]:
        # ``components`` is built in COMPONENTS order.
        return list(map(str, self.components.values()))


def chargeable_weight_g(parcel: Parcel | Box, divisor: int) -> int:
    """Max of actual and volumetric weight (L x W x H / divisor, in kg), in whole grams."""
    volume = parcel.length_cm * parcel.width_cm * parcel.height_cm
    volumetric = (volume * GRAMS_PER_KG / divisor).to_integral_value(ROUND_CEILING)
    return max(parcel.weight_g, int(volumetric))


def shipping_cost(card: RateCard, weight_g: int) -> Decimal:
    """Price of one parcel on a rate card, in the card's currency."""
    if card.per_kg is not None:
        return card.per_kg * Decimal(weight_g) / GRAMS_PER_KG
    extra_g = max(0, weight_g - card.first_weight_g)
    steps = -(-extra_g // card.additional_weight_g)  # ceiling division on ints
    return card.first_price + card.additional_price * steps


def round_up(amount: Decimal, step: Decimal) -> Decimal:
    """Up to the next multiple of ``step``; a multiple stays as it is."""
    return (amount / step).to_integral_value(ROUND_CEILING) * step


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


@dataclass(frozen=True)
class Landing:
    """What does not depend on the unit cost: worked out once per listing, market and mode."""

    market: Market
    mode: str
    on: date
    convert: Conversion
    parcel: Parcel
    card: RateCard
    limits: Limits
    threshold: Decimal | None
    duty_rate: Decimal
    duty_min_per_kg: Decimal  # in the market currency; 0 when the regime has none
    duty_basis: str
    below: str
    vat_rate: Decimal
    vat_on_duty_regime: bool
    # Per-market constants, worked out once here rather than once per price.
    fixed_fees: Decimal = Decimal(0)
    fee_share: Decimal = Decimal(0)
    keep: Decimal = Decimal(1)
    margin_factor: Decimal = Decimal(1)
    floor_factor: Decimal = Decimal(1)
    unit: Decimal = Decimal(1)
    # Each quantity's parcels and their freight, worked out once per landing: every
    # variant of a listing prices the same tier quantities at different unit costs.
    freight: dict[int, tuple[tuple[Box, int, int, Decimal], ...]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    # Packings stored earlier for these goods (see PackingMemo): none, packed here.
    packings: GoodsPackings | None = field(default=None, compare=False, hash=False, repr=False)

    def packed(self, quantity: int) -> Packed:
        try:
            if self.packings is not None:
                return self.packings.pack(quantity, self.limits)
            return pack(self.parcel.goods, quantity, self.limits)
        except PackingError as exc:
            raise PricingError(exc.code, f"{self.market.code} {self.mode}") from exc

    def shipping_of(self, box: Box) -> tuple[int, Decimal]:
        """Chargeable grams and shipping price of one parcel, in the market currency."""
        return _shipping_of(self.card, self.convert, box)

    def freight_of(self, quantity: int) -> tuple[tuple[Box, int, int, Decimal], ...]:
        """(parcel, how many, chargeable grams, shipping each) for a consignment of ``quantity``."""
        found = self.freight.get(quantity)
        if found is None:
            found = self.freight[quantity] = tuple(
                (box, count, *self.shipping_of(box)) for box, count in self.packed(quantity).groups
            )
        return found


def _shipping_of(card: RateCard, convert: Conversion, box: Box) -> tuple[int, Decimal]:
    weight = chargeable_weight_g(box, card.volumetric_divisor)
    return weight, convert(shipping_cost(card, weight), card.currency)


@functools.lru_cache(maxsize=256)
def _constants(market: Market) -> dict:
    fee_share = sum((fee.percent for fee in market.fees), Decimal(0)) / HUNDRED
    return {
        "fixed_fees": sum((fee.fixed for fee in market.fees), Decimal(0)),
        "fee_share": fee_share,
        # Percentage fees are charged on the final price, so prices are grossed up for them.
        "keep": Decimal(1) - fee_share,
        "margin_factor": 1 + market.margin_pct / HUNDRED,
        "floor_factor": 1 + market.min_margin_pct / HUNDRED,
        "unit": minor_unit(market.currency),
    }


def limits_of(card: RateCard) -> Limits:
    return Limits(card.max_weight_g, card.max_side_cm, card.max_girth_cm)


def prepare(
    market: Market,
    mode: str,
    parcel: Parcel,
    convert: Conversion,
    on: date,
    packings: GoodsPackings | None = None,
) -> Landing:
    card = market.shipping.get(mode)
    if card is None:
        raise PricingError("mode_unavailable", f"{market.code} has no {mode} rate card")
    if parcel.weight_g <= 0:
        raise PricingError("weight_missing")
    vat_rate = market.vat_rate(on)
    if vat_rate is None:
        raise PricingError("no_vat_rule", f"{market.code} on {on}")
    limits = limits_of(card)
    common = {
        "market": market,
        "mode": mode,
        "on": on,
        "convert": convert,
        "parcel": parcel,
        "packings": packings,
    }
    common.update(card=card, limits=limits, vat_rate=vat_rate, **_constants(market))
    if mode == "fully_managed":
        # Stock enters the country as general trade: HS duty and VAT on everything.
        return Landing(
            **common,
            threshold=None,
            duty_rate=market.duty_rate_for(parcel.hs_code),
            duty_min_per_kg=Decimal(0),
            duty_basis="full",
            below="exempt",
            vat_on_duty_regime=True,
        )
    regime = market.parcel_regime(on)
    if regime is None:
        raise PricingError("no_customs_rule", f"{market.code} on {on}")
    threshold = None
    if regime.threshold is not None:
        threshold = convert(regime.threshold, regime.threshold_currency)
    duty_min_per_kg = Decimal(0)
    if regime.duty_min_per_kg is not None:
        duty_min_per_kg = convert(regime.duty_min_per_kg, regime.duty_min_currency)
    duty_rate = (
        regime.duty_rate if regime.duty_rate is not None else market.duty_rate_for(parcel.hs_code)
    )
    return Landing(
        **common,
        threshold=threshold,
        duty_rate=duty_rate,
        duty_min_per_kg=duty_min_per_kg,
        duty_basis=regime.duty_basis,
        below=regime.below,
        vat_on_duty_regime=regime.vat,
    )


def _customs(landing: Landing, value: Decimal, weight_g: int) -> tuple[Decimal, Decimal, bool]:
    """Duty and VAT of one parcel of customs value ``value``: (duty, vat, below threshold)."""
    threshold = landing.threshold
    if threshold is not None and value <= threshold:
        vat = value * landing.vat_rate / HUNDRED if landing.below == "vat_only" else ZERO
        return ZERO, vat, True
    base = value - threshold if landing.duty_basis == "excess" else value
    duty = base * landing.duty_rate / HUNDRED
    if landing.duty_min_per_kg:
        duty = max(duty, landing.duty_min_per_kg * Decimal(weight_g) / GRAMS_PER_KG)
    else:
        duty = max(duty, ZERO)
    vat = (value + duty) * landing.vat_rate / HUNDRED if landing.vat_on_duty_regime else ZERO
    return duty, vat, False


def parcel_charges(landing: Landing, goods_per_unit: Decimal, quantity: int) -> list[ParcelCharge]:
    """Shipping, duty and VAT of each parcel the consignment packs into."""
    charges = []
    for box, count, chargeable, shipping in landing.freight_of(quantity):
        # Customs value: goods plus freight (CIF), the basis every regime here uses,
        # judged per parcel: a threshold never applies to one unit of a parcel.
        value = goods_per_unit * box.units + shipping
        duty, vat, below = _customs(landing, value, box.weight_g)
        charges.append(
            ParcelCharge(
                count,
                box.units,
                box.weight_g,
                chargeable,
                box.dims,
                shipping,
                value,
                duty,
                vat,
                below,
            )
        )
    return charges


def consignment_price(landing: Landing, unit_cost_cny: Decimal, quantity: int) -> Price:
    """The buyer price of ``quantity`` units that cost ``unit_cost_cny`` each, sent together."""
    if unit_cost_cny <= 0:
        raise PricingError("cost_not_positive", str(unit_cost_cny))
    market = landing.market
    goods_unit = landing.convert(unit_cost_cny, "CNY")
    charges = parcel_charges(landing, goods_unit, quantity)
    qty = Decimal(quantity)
    goods = goods_unit * qty
    # One pass over the parcels (a reprice prices every tier of every listing).
    shipping = duty = vat = ZERO
    parcels = 0
    all_below, some_below = True, False
    for charge in charges:
        count = charge.count
        parcels += count
        shipping += charge.shipping * count
        duty += charge.duty * count
        vat += charge.vat * count
        if charge.below_threshold:
            some_below = True
        else:
            all_below = False
    notes: list[str] = []
    if all_below:
        notes.append("below_threshold")
    elif landing.threshold is not None and some_below:
        notes.append("some_below_threshold")
    if not landing.vat_on_duty_regime and not all_below:
        notes.append("duty_includes_vat")
    landed = goods + shipping + duty + vat
    fixed_fees = landing.fixed_fees * qty  # fixed fees are per unit
    keep = landing.keep
    planned = (landed * landing.margin_factor + fixed_fees) / keep
    floor = (landed * landing.floor_factor + fixed_fees) / keep
    target = max(planned, floor, market.minimum_price * qty)
    if target > planned:
        notes.append("raised_to_minimum")
    step, unit = market.rounding_step, landing.unit
    # Rounded once: the unit price up to the market's step; the consignment total up to
    # the step on its own exact amount, so it never exceeds quantity x unit price.
    if quantity == 1:
        price = total = round_up(target, step).quantize(unit)
        per_unit = _components(
            goods, shipping, duty, vat, landing, price, target, landing.fixed_fees
        )
        in_all = dict(per_unit)
    else:
        price = round_up(target / qty, step).quantize(unit)
        total = round_up(target, step).quantize(unit)
        per_unit = _components(
            goods / qty,
            shipping / qty,
            duty / qty,
            vat / qty,
            landing,
            price,
            target / qty,
            landing.fixed_fees,
        )
        in_all = _components(goods, shipping, duty, vat, landing, total, target, fixed_fees)
    return Price(
        market.currency,
        price,
        per_unit,
        tuple(notes),
        landed / qty,
        quantity,
        total,
        in_all,
        tuple(charges),
        parcels,
    )


def _components(
    goods: Decimal,
    shipping: Decimal,
    duty: Decimal,
    vat: Decimal,
    landing: Landing,
    price: Decimal,
    target: Decimal,
    fixed_fees: Decimal,
) -> dict[str, Decimal]:
    """The price in COMPONENTS order, each rounded to the minor unit, adding up exactly."""
    unit = landing.unit
    goods = goods.quantize(unit, ROUND_HALF_EVEN)
    shipping = shipping.quantize(unit, ROUND_HALF_EVEN)
    duty = duty.quantize(unit, ROUND_HALF_EVEN)
    vat = vat.quantize(unit, ROUND_HALF_EVEN)
    fees = (fixed_fees + landing.fee_share * price).quantize(unit, ROUND_HALF_EVEN)
    rounding = (price - target).quantize(unit, ROUND_HALF_EVEN)
    # The margin is what is left, so the components always add up to the price.
    margin = price - (goods + shipping + duty + vat + fees) - rounding
    return {
        "goods": goods,
        "shipping": shipping,
        "duty": duty,
        "vat": vat,
        "fees": fees,
        "margin": margin,
        "rounding": rounding,
    }


def landed_price(landing: Landing, unit_cost_cny: Decimal) -> Price:
    """The buyer price of one unit sent alone in its own parcel (a dropshipping order)."""
    return consignment_price(landing, unit_cost_cny, 1)

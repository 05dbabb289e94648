"""Landed price of one unit in one market, step by step (see DESIGN.md, "Money").

goods (CNY) -> FX -> shipping by chargeable weight -> duty and VAT by the rules
in force on the pricing date -> fees -> margin -> retail rounding, once, at the
end. Pure functions of their inputs: no database, no clock, no network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, Decimal

from babel.numbers import get_currency_precision

from connector.markets.model import Market, RateCard

HUNDRED = Decimal(100)
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
    """One unit as it travels: weight, packed size, customs code."""

    weight_g: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    hs_code: str | None = None


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


@dataclass(frozen=True)
class Price:
    """A buyer price and its components; the components add up to ``price`` exactly."""

    currency: str
    price: Decimal
    components: dict[str, Decimal]
    notes: tuple[str, ...] = ()
    landed: Decimal = Decimal(0)  # exact goods + shipping + duty + VAT, before margin and fees

    def as_list(self) -> list[str]:
        # ``components`` is built in COMPONENTS order.
        return list(map(str, self.components.values()))


def chargeable_weight_g(parcel: Parcel, divisor: int) -> int:
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
    """What does not depend on the unit cost: computed once per listing, market and mode."""

    market: Market
    mode: str
    on: date
    convert: Conversion
    parcel: Parcel
    shipping: Decimal
    threshold: Decimal | None
    duty_rate: Decimal
    duty_minimum: Decimal
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


def prepare(market: Market, mode: str, parcel: Parcel, convert: Conversion, on: date) -> Landing:
    card = market.shipping.get(mode)
    if card is None:
        raise PricingError("mode_unavailable", f"{market.code} has no {mode} rate card")
    if parcel.weight_g <= 0:
        raise PricingError("weight_missing")
    vat_rate = market.vat_rate(on)
    if vat_rate is None:
        raise PricingError("no_vat_rule", f"{market.code} on {on}")
    weight = chargeable_weight_g(parcel, card.volumetric_divisor)
    shipping = convert(shipping_cost(card, weight), card.currency)
    if mode == "fully_managed":
        # Stock enters the country as general trade: HS duty and VAT on everything.
        return Landing(
            market,
            mode,
            on,
            convert,
            parcel,
            shipping,
            None,
            market.duty_rate_for(parcel.hs_code),
            Decimal(0),
            "full",
            "exempt",
            vat_rate,
            True,
            **_constants(market),
        )
    regime = market.parcel_regime(on)
    if regime is None:
        raise PricingError("no_customs_rule", f"{market.code} on {on}")
    threshold = None
    if regime.threshold is not None:
        threshold = convert(regime.threshold, regime.threshold_currency)
    duty_minimum = Decimal(0)
    if regime.duty_min_per_kg is not None:
        kilos = Decimal(parcel.weight_g) / GRAMS_PER_KG
        duty_minimum = convert(regime.duty_min_per_kg, regime.duty_min_currency) * kilos
    duty_rate = (
        regime.duty_rate if regime.duty_rate is not None else market.duty_rate_for(parcel.hs_code)
    )
    return Landing(
        market,
        mode,
        on,
        convert,
        parcel,
        shipping,
        threshold,
        duty_rate,
        duty_minimum,
        regime.duty_basis,
        regime.below,
        vat_rate,
        regime.vat,
        **_constants(market),
    )


def landed_price(landing: Landing, unit_cost_cny: Decimal) -> Price:
    """The buyer price of one unit that costs ``unit_cost_cny`` at the factory."""
    if unit_cost_cny <= 0:
        raise PricingError("cost_not_positive", str(unit_cost_cny))
    market = landing.market
    goods = landing.convert(unit_cost_cny, "CNY")
    shipping = landing.shipping
    # Customs value: goods plus freight (CIF), the basis every regime here uses.
    customs_value = goods + shipping
    notes: list[str] = []
    duty = vat = Decimal(0)
    if landing.threshold is not None and customs_value <= landing.threshold:
        notes.append("below_threshold")
        if landing.below == "vat_only":
            vat = customs_value * landing.vat_rate / HUNDRED
    else:
        base = customs_value
        if landing.duty_basis == "excess":
            base = customs_value - landing.threshold
        duty = max(base * landing.duty_rate / HUNDRED, landing.duty_minimum)
        if landing.vat_on_duty_regime:
            vat = (customs_value + duty) * landing.vat_rate / HUNDRED
        else:
            notes.append("duty_includes_vat")
    landed = goods + shipping + duty + vat
    fixed_fees, keep, unit = landing.fixed_fees, landing.keep, landing.unit
    planned = (landed * landing.margin_factor + fixed_fees) / keep
    floor = (landed * landing.floor_factor + fixed_fees) / keep
    target = max(planned, floor, market.minimum_price)
    if target > planned:
        notes.append("raised_to_minimum")
    price = round_up(target, market.rounding_step).quantize(unit)

    fees = fixed_fees + landing.fee_share * price
    goods_q = goods.quantize(unit, ROUND_HALF_EVEN)
    shipping_q = shipping.quantize(unit, ROUND_HALF_EVEN)
    duty_q = duty.quantize(unit, ROUND_HALF_EVEN)
    vat_q = vat.quantize(unit, ROUND_HALF_EVEN)
    fees_q = fees.quantize(unit, ROUND_HALF_EVEN)
    rounding_q = (price - target).quantize(unit, ROUND_HALF_EVEN)
    # The margin is what is left, so the components always add up to the price.
    margin = price - goods_q - shipping_q - duty_q - vat_q - fees_q - rounding_q
    components = {
        "goods": goods_q,
        "shipping": shipping_q,
        "duty": duty_q,
        "vat": vat_q,
        "fees": fees_q,
        "margin": margin,
        "rounding": rounding_q,
    }
    return Price(market.currency, price, components, tuple(notes), landed)

"""The market as the pricing engine reads it: immutable, validated, Decimal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

MODES = ("semi_managed", "fully_managed")


@dataclass(frozen=True)
class Fee:
    name: str
    percent: Decimal = Decimal(0)  # of the buyer price
    fixed: Decimal = Decimal(0)  # per unit, market currency


@dataclass(frozen=True)
class VatRule:
    rate: Decimal  # percent
    since: date
    until: date | None = None

    def in_force(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)


@dataclass(frozen=True)
class ParcelRegime:
    """How a B2C parcel is taxed: a threshold, and what is due below and above it."""

    since: date
    until: date | None = None
    threshold: Decimal | None = None
    threshold_currency: str | None = None
    below: str = "exempt"  # "exempt": nothing due; "vat_only": VAT, no duty
    duty_basis: str = "full"  # "full" value or only the "excess" over the threshold
    duty_rate: Decimal | None = None  # None: the HS duty table
    duty_min_per_kg: Decimal | None = None
    duty_min_currency: str | None = None
    vat: bool = True  # False when the duty is a single payment that covers VAT

    def in_force(self, on: date) -> bool:
        return self.since <= on and (self.until is None or on <= self.until)


@dataclass(frozen=True)
class RateCard:
    """Shipping price of one parcel by chargeable weight."""

    currency: str
    volumetric_divisor: int
    first_weight_g: int | None = None
    first_price: Decimal | None = None
    additional_weight_g: int | None = None
    additional_price: Decimal | None = None
    per_kg: Decimal | None = None
    carrier: str | None = None
    # Other carriers an order may choose for this mode (same rate card, same limits).
    other_carriers: tuple[str, ...] = ()
    warehouse: str | None = None
    # What one parcel of this service may be: heavier or bigger is refused there.
    max_weight_g: int | None = None
    max_side_cm: Decimal | None = None
    max_girth_cm: Decimal | None = None  # longest side + 2 x (the other two)


@dataclass(frozen=True)
class Market:
    code: str
    name: str
    country: str
    currency: str
    locales: tuple[str, ...]
    default_mode: str
    fx_max_age_hours: int
    margin_pct: Decimal
    min_margin_pct: Decimal
    minimum_price: Decimal
    rounding_step: Decimal
    fees: tuple[Fee, ...]
    vat: tuple[VatRule, ...]
    parcel_regimes: tuple[ParcelRegime, ...]
    duty_default_rate: Decimal
    duty_by_hs: dict[str, Decimal] = field(hash=False)
    shipping: dict[str, RateCard] = field(hash=False)
    # A fetched rate moving more than this (percent) from the last accepted one of
    # its pair and source waits for a person instead of repricing the market.
    max_rate_move_pct: Decimal = Decimal(10)
    # The market's name per UI language (``zh_Hans``: 越南); ``name`` otherwise.
    names: dict[str, str] = field(default_factory=dict, hash=False, compare=False, repr=False)

    def name_in(self, locale: str | None) -> str:
        """The market's name as a reader of ``locale`` writes it."""
        if not locale:
            return self.name
        return self.names.get(locale) or self.names.get(locale.split("_", 1)[0]) or self.name

    @property
    def modes(self) -> tuple[str, ...]:
        return tuple(mode for mode in MODES if mode in self.shipping)

    def vat_rate(self, on: date) -> Decimal | None:
        for rule in self.vat:
            if rule.in_force(on):
                return rule.rate
        return None

    def parcel_regime(self, on: date) -> ParcelRegime | None:
        for regime in self.parcel_regimes:
            if regime.in_force(on):
                return regime
        return None

    def duty_rate_for(self, hs_code: str | None) -> Decimal:
        """The longest HS prefix in the table wins; otherwise the default rate."""
        if hs_code:
            for length in range(len(hs_code), 3, -1):
                rate = self.duty_by_hs.get(hs_code[:length])
                if rate is not None:
                    return rate
        return self.duty_default_rate

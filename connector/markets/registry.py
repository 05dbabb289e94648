"""Loading and validating the market files: adding a market needs no code."""

from __future__ import annotations

import itertools
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import current_app
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from connector.errors import flatten_errors
from connector.markets.model import MODES, Fee, Market, ParcelRegime, RateCard, VatRule

CURRENCY = validate.Regexp(r"^[A-Z]{3}$", error="a 3-letter ISO 4217 code")
PERCENT = validate.Range(Decimal(0), Decimal(100))
POSITIVE = validate.Range(Decimal(0), None, min_inclusive=False)
DEFAULT_MAX_RATE_MOVE_PCT = Decimal(10)


class MarketConfigError(ValueError):
    """A market file is invalid; the message names the file and the fields."""


def _dec(**kwargs):
    # Strings in the files ("8.5"), so no value ever passes through a float.
    return fields.Decimal(**kwargs)


class _Base(Schema):
    class Meta:
        unknown = RAISE


class FeeSchema(_Base):
    name = fields.String(required=True)
    percent = _dec(load_default=Decimal(0), validate=PERCENT)
    fixed = _dec(load_default=Decimal(0), validate=validate.Range(Decimal(0), None))

    @post_load
    def make(self, data, **kwargs):
        return Fee(**data)


class VatSchema(_Base):
    rate = _dec(required=True, validate=PERCENT)
    since = fields.Raw(required=True)
    until = fields.Raw(load_default=None)

    @validates_schema
    def _dates(self, data, **kwargs):
        _check_dates(data)

    @post_load
    def make(self, data, **kwargs):
        return VatRule(**data)


def _check_dates(data: dict) -> None:
    since, until = data.get("since"), data.get("until")
    if not isinstance(since, date):
        raise ValidationError("must be a TOML date (YYYY-MM-DD)", "since")
    if until is not None and (not isinstance(until, date) or until < since):
        raise ValidationError("must be a TOML date on or after 'since'", "until")


class ParcelRegimeSchema(_Base):
    since = fields.Raw(required=True)
    until = fields.Raw(load_default=None)
    threshold = _dec(load_default=None, validate=POSITIVE)
    threshold_currency = fields.String(load_default=None, validate=CURRENCY)
    below = fields.String(load_default="exempt", validate=validate.OneOf(["exempt", "vat_only"]))
    duty_basis = fields.String(load_default="full", validate=validate.OneOf(["full", "excess"]))
    duty_rate = _dec(load_default=None, validate=PERCENT)
    duty_min_per_kg = _dec(load_default=None, validate=POSITIVE)
    duty_min_currency = fields.String(load_default=None, validate=CURRENCY)
    vat = fields.Boolean(load_default=True)

    @validates_schema
    def _consistent(self, data, **kwargs):
        _check_dates(data)
        if (data.get("threshold") is None) != (data.get("threshold_currency") is None):
            raise ValidationError("give threshold and threshold_currency together", "threshold")
        if data.get("duty_basis") == "excess" and data.get("threshold") is None:
            raise ValidationError("an 'excess' duty needs a threshold", "duty_basis")
        if (data.get("duty_min_per_kg") is None) != (data.get("duty_min_currency") is None):
            raise ValidationError(
                "give duty_min_per_kg and duty_min_currency together", "duty_min_per_kg"
            )

    @post_load
    def make(self, data, **kwargs):
        return ParcelRegime(**data)


class RateCardSchema(_Base):
    currency = fields.String(required=True, validate=CURRENCY)
    volumetric_divisor = fields.Integer(required=True, validate=validate.Range(1000, 10000))
    first_weight_g = fields.Integer(load_default=None, validate=validate.Range(1, None))
    first_price = _dec(load_default=None, validate=validate.Range(Decimal(0), None))
    additional_weight_g = fields.Integer(load_default=None, validate=validate.Range(1, None))
    additional_price = _dec(load_default=None, validate=validate.Range(Decimal(0), None))
    per_kg = _dec(load_default=None, validate=POSITIVE)
    carrier = fields.String(load_default=None)
    other_carriers = fields.List(fields.String(), load_default=list)
    warehouse = fields.String(load_default=None)
    max_weight_g = fields.Integer(load_default=None, validate=validate.Range(100, 1_000_000))
    max_side_cm = _dec(load_default=None, validate=validate.Range(Decimal(5), Decimal(1000)))
    max_girth_cm = _dec(load_default=None, validate=validate.Range(Decimal(10), Decimal(3000)))

    @validates_schema
    def _one_tariff(self, data, **kwargs):
        stepped = [
            data.get(k)
            for k in ("first_weight_g", "first_price", "additional_weight_g", "additional_price")
        ]
        if data.get("per_kg") is None and None in stepped:
            raise ValidationError(
                "give per_kg, or first_weight_g, first_price, additional_weight_g and "
                "additional_price",
                "per_kg",
            )

    @post_load
    def make(self, data, **kwargs):
        return RateCard(**{**data, "other_carriers": tuple(data["other_carriers"])})


class DutySchema(_Base):
    default_rate = _dec(required=True, validate=PERCENT)
    by_hs = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^\d{4,10}$", error="an HS prefix")),
        values=_dec(validate=PERCENT),
        load_default=dict,
    )


class RoundingSchema(_Base):
    step = _dec(required=True, validate=POSITIVE)


class MarketSchema(_Base):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    name = fields.String(required=True)
    names = fields.Dict(
        keys=fields.String(),
        values=fields.String(validate=validate.Length(min=1)),
        load_default=dict,
    )
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$"))
    currency = fields.String(required=True, validate=CURRENCY)
    locales = fields.List(
        fields.String(validate=validate.Regexp(r"^[a-z]{2,3}(_[A-Z][A-Za-z]+)?$")),
        required=True,
        validate=validate.Length(min=1),
    )
    default_mode = fields.String(required=True, validate=validate.OneOf(MODES))
    fx_max_age_hours = fields.Integer(required=True, validate=validate.Range(1, 24 * 31))
    # A fall is at most 100%, so a larger limit could never catch a rate read 10x too low.
    max_rate_move_pct = _dec(
        load_default=DEFAULT_MAX_RATE_MOVE_PCT,
        validate=validate.Range(Decimal(0), Decimal(100), min_inclusive=False),
    )
    margin_pct = _dec(required=True, validate=PERCENT)
    min_margin_pct = _dec(required=True, validate=PERCENT)
    minimum_price = _dec(required=True, validate=POSITIVE)
    rounding = fields.Nested(RoundingSchema, required=True)
    fees = fields.List(fields.Nested(FeeSchema), load_default=list)
    vat = fields.List(fields.Nested(VatSchema), required=True, validate=validate.Length(min=1))
    parcel_regimes = fields.List(
        fields.Nested(ParcelRegimeSchema), required=True, validate=validate.Length(min=1)
    )
    duty = fields.Nested(DutySchema, required=True)
    shipping = fields.Dict(
        keys=fields.String(validate=validate.OneOf(MODES)),
        values=fields.Nested(RateCardSchema),
        required=True,
        validate=validate.Length(min=1),
    )

    @validates_schema(skip_on_field_errors=True)
    def _coherent(self, data, **kwargs):
        if data["default_mode"] not in data["shipping"]:
            raise ValidationError("needs a shipping rate card", "default_mode")
        if data["min_margin_pct"] > data["margin_pct"]:
            raise ValidationError("cannot exceed margin_pct", "min_margin_pct")
        if sum(fee.percent for fee in data["fees"]) >= 100:
            raise ValidationError("percent fees must stay under 100 in total", "fees")
        for name in ("vat", "parcel_regimes"):
            _no_overlap(data[name], name)

    @post_load
    def make(self, data, **kwargs):
        duty = data.pop("duty")
        return Market(
            code=data["code"],
            name=data["name"],
            names=dict(data["names"]),
            country=data["country"],
            currency=data["currency"],
            locales=tuple(data["locales"]),
            default_mode=data["default_mode"],
            fx_max_age_hours=data["fx_max_age_hours"],
            max_rate_move_pct=data["max_rate_move_pct"],
            margin_pct=data["margin_pct"],
            min_margin_pct=data["min_margin_pct"],
            minimum_price=data["minimum_price"],
            rounding_step=data["rounding"]["step"],
            fees=tuple(data["fees"]),
            vat=tuple(sorted(data["vat"], key=lambda r: r.since)),
            parcel_regimes=tuple(sorted(data["parcel_regimes"], key=lambda r: r.since)),
            duty_default_rate=duty["default_rate"],
            duty_by_hs=dict(duty["by_hs"]),
            shipping=dict(data["shipping"]),
        )


def _no_overlap(rules, name: str) -> None:
    ordered = sorted(rules, key=lambda r: r.since)
    for before, after in itertools.pairwise(ordered):
        if before.until is None or before.until >= after.since:
            raise ValidationError(f"periods overlap at {after.since}", name)


def load_market_file(path: Path) -> Market:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MarketConfigError(f"{path.name}: {exc}") from exc
    try:
        market = MarketSchema().load(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{k}: {', '.join(v)}" for k, v in flatten_errors(exc.messages).items()
        )
        raise MarketConfigError(f"{path.name}: {problems}") from exc
    if path.stem.upper() != market.code:
        raise MarketConfigError(f"{path.name}: file name must be the market code ({market.code})")
    return market


def load_markets(directory: Path, enabled: list[str] | None = None) -> dict[str, Market]:
    """Every ``*.toml`` in ``directory`` (or only the enabled codes), validated."""
    markets = {}
    for path in sorted(Path(directory).glob("*.toml")):
        market = load_market_file(path)
        if enabled and market.code not in enabled:
            continue
        markets[market.code] = market
    missing = set(enabled or ()) - set(markets)
    if missing:
        raise MarketConfigError(f"enabled markets without a file: {', '.join(sorted(missing))}")
    return markets


def markets() -> dict[str, Market]:
    """The enabled markets of the current app, by code (loaded once by ``create_app``)."""
    return current_app.extensions["markets"]

"""The listing schemas: one set of rules for the web form and the JSON API.

Error keys are dotted paths (``price_tiers.1.unit_price``); the form names
its inputs the same way, so an error lands beside the field that caused it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from connector import fields as f
from connector.models import ListingStatus

MAX_PRICE = Decimal("1000000")
FEN = Decimal("0.01")
CM = Decimal("0.1")
MAX_WEIGHT_G = 70_000  # a single cross-border parcel; heavier goods travel as freight
MAX_CARTON_G = 100_000
CARTON_FIELDS = (
    "units_per_carton",
    "carton_length_cm",
    "carton_width_cm",
    "carton_height_cm",
    "carton_weight_g",
)
MAX_SIDE_CM = Decimal("300")
MAX_QTY = 10_000_000
SKU_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,63}$")

price_places = f.decimal_places(2, _l("Use at most 2 decimal places (fen)."))
size_places = f.decimal_places(1, _l("Use at most 1 decimal place."))


def _side_cm():
    """One side of the packed box, in cm with at most one decimal."""
    return f.Decimal(
        allow_none=True,
        load_default=None,
        validate=[
            validate.Range(
                Decimal("0.1"), MAX_SIDE_CM, error=_l("Enter a size between 0.1 and 300 cm.")
            ),
            size_places,
        ],
    )


def _positive_price():
    return validate.Range(
        min=Decimal("0.01"),
        max=MAX_PRICE,
        error=_l("Enter a price between 0.01 and 1,000,000 CNY."),
    )


class AttributeSchema(Schema):
    class Meta:
        unknown = RAISE

    name = f.String(
        required=True, validate=validate.Length(1, 60, error=_l("Use 1 to 60 characters."))
    )
    value = f.String(
        required=True, validate=validate.Length(1, 200, error=_l("Use 1 to 200 characters."))
    )


class PriceTierSchema(Schema):
    class Meta:
        unknown = RAISE

    min_qty = f.Integer(
        required=True,
        validate=validate.Range(1, MAX_QTY, error=_l("Enter a quantity of at least 1.")),
    )
    unit_price = f.Decimal(required=True, validate=[_positive_price(), price_places])


class VariantSchema(Schema):
    class Meta:
        unknown = RAISE

    sku = f.String(
        required=True,
        validate=validate.Regexp(
            SKU_PATTERN,
            error=_l("Use 1 to 64 letters, digits, dots, dashes or underscores."),
        ),
    )
    options = f.Dict(
        keys=f.String(validate=validate.Length(1, 40, error=_l("Use 1 to 40 characters."))),
        values=f.String(validate=validate.Length(1, 60, error=_l("Use 1 to 60 characters."))),
        load_default=dict,
    )
    price = f.Decimal(
        allow_none=True, load_default=None, validate=[_positive_price(), price_places]
    )
    price_delta = f.Decimal(
        allow_none=True,
        load_default=None,
        validate=[
            validate.Range(
                min=-MAX_PRICE, max=MAX_PRICE, error=_l("This price change is out of range.")
            ),
            price_places,
        ],
    )
    stock = f.Integer(
        load_default=0,
        validate=validate.Range(0, MAX_QTY, error=_l("Enter a stock of 0 or more.")),
    )

    @validates_schema
    def _own_price_or_delta(self, data, **kwargs):
        if data.get("price") is not None and data.get("price_delta") is not None:
            raise ValidationError(
                _l("Give either an own price or a price change, not both."), "price_delta"
            )


class CustomizationSchema(Schema):
    class Meta:
        unknown = RAISE

    name = f.String(
        required=True, validate=validate.Length(1, 120, error=_l("Use 1 to 120 characters."))
    )
    extra_unit_cost = f.Decimal(
        required=True,
        validate=[
            validate.Range(min=Decimal("0"), max=MAX_PRICE, error=_l("Enter a cost of 0 or more.")),
            price_places,
        ],
    )
    extra_moq = f.Integer(
        load_default=0,
        validate=validate.Range(0, MAX_QTY, error=_l("Enter a quantity of 0 or more.")),
    )
    setup_fee = f.Decimal(
        load_default=Decimal("0.00"),
        validate=[
            validate.Range(min=Decimal("0"), max=MAX_PRICE, error=_l("Enter a cost of 0 or more.")),
            price_places,
        ],
        metadata={"description": "Charged once per order line with this option, in CNY."},
    )


class ImageRefSchema(Schema):
    """An image: a file uploaded earlier (by its SHA-256) or an external URL."""

    class Meta:
        unknown = RAISE

    sha256 = f.String(
        validate=validate.Regexp(r"^[0-9a-f]{64}$", error=_l("Unknown uploaded image."))
    )
    url = f.Url(validate=validate.Length(max=2000, error=_l("This address is too long.")))

    @validates_schema
    def _exactly_one(self, data, **kwargs):
        if bool(data.get("sha256")) == bool(data.get("url")):
            raise ValidationError(_l("Give either an uploaded image or a URL."), "url")


class LocalizedTextSchema(Schema):
    """A person's own title and description for one locale (never replaced by a machine)."""

    class Meta:
        unknown = RAISE

    title = f.String(
        load_default=None, validate=validate.Length(1, 200, error=_l("Use 1 to 200 characters."))
    )
    description = f.String(
        load_default=None,
        validate=validate.Length(max=20000, error=_l("Use at most 20,000 characters.")),
    )
    terms = f.Dict(
        keys=f.String(validate=validate.Length(1, 200, error=_l("Use 1 to 200 characters."))),
        values=f.String(validate=validate.Length(1, 200, error=_l("Use 1 to 200 characters."))),
        load_default=dict,
        metadata={
            "description": "The listing's short texts in this language, keyed by the Chinese "
            "text: attribute names and values, option names and values, customization names "
            'and category levels (e.g. {"驼色": "màu lạc đà"}).'
        },
    )


def _known_locale(value: str) -> None:
    from connector.offers.localize import market_locales

    if value not in market_locales():
        raise ValidationError([_l("Not a language of any market we sell to.")])


def _intact(data: dict, original, name: str, keys: tuple[str, ...]) -> list:
    """The loaded rows of a list field, or [] if any row failed to load.

    A list with a bad row loads partially (the bad row dropped), which would
    shift the row numbers that cross-field errors point at.
    """
    rows = data.get(name) or []
    given = original.get(name) if isinstance(original, dict) else None
    if not isinstance(given, list) or len(given) != len(rows):
        return []
    if any(not isinstance(row, dict) or any(key not in row for key in keys) for row in rows):
        return []
    return rows


# Fields a listing needs before it can be submitted; a draft may lack them.
REQUIRED_TO_SUBMIT = (
    "title_zh",
    "category",
    "weight_g",
    "length_cm",
    "width_cm",
    "height_cm",
    "lead_time_days",
    "moq",
    "price_tiers",
)


class ListingInSchema(Schema):
    """What an exporter sends to create or replace a listing."""

    class Meta:
        unknown = RAISE
        ordered = True

    status = f.String(
        load_default=ListingStatus.DRAFT.value,
        validate=validate.OneOf(
            [s.value for s in ListingStatus], error=_l("Choose draft or submitted.")
        ),
        metadata={"description": "`draft` saves as is; `submitted` requires a complete listing."},
    )
    title_zh = f.String(
        required=True,
        validate=validate.Length(1, 200, error=_l("Use 1 to 200 characters.")),
        metadata={
            "description": "Title as sold at home, in Chinese.",
            "example": "纯棉圆领T恤 男女同款",
        },
    )
    description_zh = f.String(
        load_default="",
        validate=validate.Length(max=20000, error=_l("Use at most 20,000 characters.")),
    )
    category = f.String(
        allow_none=True,
        load_default=None,
        validate=validate.Length(1, 120, error=_l("Use 1 to 120 characters.")),
    )
    attributes = f.List(
        f.Nested(AttributeSchema),
        load_default=list,
        validate=validate.Length(max=50, error=_l("Use at most 50 attributes.")),
    )
    hs_code = f.String(
        allow_none=True,
        load_default=None,
        validate=validate.Regexp(r"^\d{6,10}$", error=_l("Enter an HS code of 6 to 10 digits.")),
        metadata={
            "description": "Harmonized System code, 6-10 digits; dots and spaces are ignored."
        },
    )
    weight_g = f.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(
            1, MAX_WEIGHT_G, error=_l("Enter a weight between 1 g and 70,000 g.")
        ),
        metadata={"description": "Packed weight of one unit, in grams."},
    )
    length_cm = _side_cm()
    width_cm = _side_cm()
    height_cm = _side_cm()
    units_per_carton = f.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, 100_000, error=_l("Enter 1 to 100,000 pieces per carton.")),
        metadata={"description": "Pieces in one export carton (optional: packs consignments)."},
    )
    carton_length_cm = _side_cm()
    carton_width_cm = _side_cm()
    carton_height_cm = _side_cm()
    carton_weight_g = f.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(
            1, MAX_CARTON_G, error=_l("Enter a weight between 1 g and 100,000 g.")
        ),
        metadata={"description": "Gross weight of one full export carton, in grams."},
    )
    lead_time_days = f.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(0, 365, error=_l("Enter 0 to 365 days.")),
    )
    moq = f.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, MAX_QTY, error=_l("Enter a minimum order of at least 1.")),
        metadata={"description": "Minimum order quantity; the first price tier starts here."},
    )
    price_tiers = f.List(
        f.Nested(PriceTierSchema),
        load_default=list,
        validate=validate.Length(max=10, error=_l("Use at most 10 price tiers.")),
    )
    variants = f.List(
        f.Nested(VariantSchema),
        load_default=list,
        validate=validate.Length(max=200, error=_l("Use at most 200 variants.")),
    )
    customizations = f.List(
        f.Nested(CustomizationSchema),
        load_default=list,
        validate=validate.Length(max=20, error=_l("Use at most 20 customization options.")),
    )
    images = f.List(
        f.Nested(ImageRefSchema),
        load_default=list,
        validate=validate.Length(max=15, error=_l("Use at most 15 images.")),
    )
    localized = f.Dict(
        keys=f.String(validate=_known_locale),
        values=f.Nested(LocalizedTextSchema),
        load_default=dict,
        metadata={
            "description": "Optional texts per market locale (vi_VN, kk_KZ, ru_KZ, ...), "
            "written by a person: title, description and the short texts (`terms`); they "
            "take precedence over the glossary and machine translation."
        },
    )

    @post_load
    def _canonical_places(self, data, **kwargs):
        # CNY prices carry fen and sizes millimetres, whatever the sender typed
        # ("18.5" and 18.50 are the same price); validated above, so exact.
        for name in ("length_cm", "width_cm", "height_cm", *CARTON_FIELDS[1:4]):
            if data.get(name) is not None:
                data[name] = data[name].quantize(CM)
        for tier in data.get("price_tiers") or []:
            tier["unit_price"] = tier["unit_price"].quantize(FEN)
        for variant in data.get("variants") or []:
            for name in ("price", "price_delta"):
                if variant.get(name) is not None:
                    variant[name] = variant[name].quantize(FEN)
        for option in data.get("customizations") or []:
            option["extra_unit_cost"] = option["extra_unit_cost"].quantize(FEN)
        return data

    @pre_load
    def _normalise(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        data = dict(data)
        hs = data.get("hs_code")
        if isinstance(hs, str):
            # Customs documents write 6109.10.00; the code is the digits.
            data["hs_code"] = re.sub(r"[\s.]", "", hs) or None
        for key in ("category", "hs_code"):
            if data.get(key) == "":
                data[key] = None
        return data

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _complete_when_submitted(self, data, original, **kwargs):
        if data.get("status") != ListingStatus.SUBMITTED.value:
            return
        errors = {}
        given = original if isinstance(original, dict) else {}
        for name in REQUIRED_TO_SUBMIT:
            value = data.get(name)
            if name not in data and given.get(name) not in (None, "", []):
                continue  # given but invalid: its own error says why, once
            if value is None or value == "" or value == []:
                errors[name] = [_l("Required before the listing can be submitted.")]
        if errors:
            raise ValidationError(errors)

    # Cross-field checks run even when some other field failed (they only look at
    # fields that loaded), so a person sees every problem in one round.
    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _tiers_follow_moq(self, data, original, **kwargs):
        tiers = _intact(data, original, "price_tiers", ("min_qty", "unit_price"))
        errors: dict = {}
        for index in range(1, len(tiers)):
            before, tier = tiers[index - 1], tiers[index]
            if tier["min_qty"] <= before["min_qty"]:
                errors.setdefault(index, {})["min_qty"] = [
                    _l("Each tier must start at a larger quantity than the one before.")
                ]
            if tier["unit_price"] > before["unit_price"]:
                errors.setdefault(index, {})["unit_price"] = [
                    _l("A larger quantity cannot cost more per unit than the tier before.")
                ]
        moq = data.get("moq")
        if tiers and moq is not None and tiers[0]["min_qty"] != moq:
            errors.setdefault(0, {})["min_qty"] = [
                _l("The first tier must start at the minimum order quantity.")
            ]
        if errors:
            raise ValidationError({"price_tiers": errors})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _carton_complete(self, data, original, **kwargs):
        given = original if isinstance(original, dict) else {}
        present = [name for name in CARTON_FIELDS if given.get(name) not in (None, "")]
        if not present:
            return
        errors = {
            name: [_l("Give every carton field, or none.")]
            for name in CARTON_FIELDS
            if name not in present
        }
        units, gross, unit_g = (
            data.get("units_per_carton"),
            data.get("carton_weight_g"),
            data.get("weight_g"),
        )
        if units and gross and unit_g and gross < units * unit_g:
            errors["carton_weight_g"] = [
                _l("A full carton cannot weigh less than its pieces (%(g)s g).", g=units * unit_g)
            ]
        if errors:
            raise ValidationError(errors)

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _variants_consistent(self, data, original, **kwargs):
        variants = _intact(data, original, "variants", ("sku", "options"))
        tiers = _intact(data, original, "price_tiers", ("min_qty", "unit_price"))
        errors: dict = {}
        seen_skus: dict[str, int] = {}
        seen_options: dict[tuple, int] = {}
        option_names = set(variants[0]["options"]) if variants else set()
        cheapest = min((t["unit_price"] for t in tiers), default=None)
        for index, variant in enumerate(variants):
            sku = variant["sku"].upper()
            if sku in seen_skus:
                errors.setdefault(index, {})["sku"] = [
                    _l("This SKU is already used by another variant.")
                ]
            seen_skus.setdefault(sku, index)
            if set(variant["options"]) != option_names:
                errors.setdefault(index, {})["options"] = [
                    _l("Every variant needs a value for the same options.")
                ]
            elif variant["options"]:
                combo = tuple(sorted(variant["options"].items()))
                if combo in seen_options:
                    errors.setdefault(index, {})["options"] = [
                        _l("Another variant has the same option values.")
                    ]
                seen_options.setdefault(combo, index)
            delta = variant.get("price_delta")
            if delta is not None and cheapest is not None and cheapest + delta <= 0:
                errors.setdefault(index, {})["price_delta"] = [
                    _l("This change makes the price zero or negative in some tier.")
                ]
        if errors:
            raise ValidationError({"variants": errors})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _customization_moq(self, data, original, **kwargs):
        errors: dict = {}
        names: set[str] = set()
        for index, option in enumerate(_intact(data, original, "customizations", ("name",))):
            if option["name"] in names:
                errors.setdefault(index, {})["name"] = [_l("This option is listed twice.")]
            names.add(option["name"])
        if errors:
            raise ValidationError({"customizations": errors})


class ListingPatchSchema(ListingInSchema):
    """PATCH: any subset of the fields; lists given replace the stored list."""


class AttributeOutSchema(Schema):
    name = fields.String()
    value = fields.String()


class PriceTierOutSchema(Schema):
    min_qty = fields.Integer()
    unit_price = fields.Decimal(as_string=True, metadata={"example": "18.50"})


class VariantOutSchema(Schema):
    sku = fields.String()
    options = fields.Dict(keys=fields.String(), values=fields.String())
    price = fields.Decimal(as_string=True, allow_none=True)
    price_delta = fields.Decimal(as_string=True, allow_none=True)
    stock = fields.Integer()


class CustomizationOutSchema(Schema):
    name = fields.String()
    extra_unit_cost = fields.Decimal(as_string=True)
    extra_moq = fields.Integer()
    setup_fee = fields.Decimal(as_string=True, places=2)


class ImageOutSchema(Schema):
    sha256 = fields.String(allow_none=True)
    url = fields.String(metadata={"description": "Where the image can be fetched."})
    thumbnail_url = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)


class ListingOutSchema(Schema):
    class Meta:
        ordered = True
        unknown = EXCLUDE

    id = fields.Integer()
    supplier_id = fields.Integer()
    status = fields.String()
    revision = fields.Integer()
    title_zh = fields.String()
    description_zh = fields.String()
    category = fields.String(allow_none=True)
    attributes = fields.List(fields.Nested(AttributeOutSchema))
    hs_code = fields.String(allow_none=True)
    weight_g = fields.Integer(allow_none=True)
    length_cm = fields.Decimal(as_string=True, allow_none=True)
    width_cm = fields.Decimal(as_string=True, allow_none=True)
    height_cm = fields.Decimal(as_string=True, allow_none=True)
    units_per_carton = fields.Integer(allow_none=True)
    carton_length_cm = fields.Decimal(as_string=True, allow_none=True)
    carton_width_cm = fields.Decimal(as_string=True, allow_none=True)
    carton_height_cm = fields.Decimal(as_string=True, allow_none=True)
    carton_weight_g = fields.Integer(allow_none=True)
    lead_time_days = fields.Integer(allow_none=True)
    moq = fields.Integer(allow_none=True)
    currency = fields.String()
    price_tiers = fields.List(fields.Nested(PriceTierOutSchema))
    variants = fields.List(fields.Nested(VariantOutSchema))
    customizations = fields.List(fields.Nested(CustomizationOutSchema))
    images = fields.List(fields.Nested(ImageOutSchema))
    localized = fields.Dict(keys=fields.String(), values=fields.Dict())
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
    submitted_at = fields.AwareDateTime(allow_none=True)


class ListingQueryArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    status = fields.String(
        validate=validate.OneOf([s.value for s in ListingStatus]),
        metadata={"description": "Only listings in this state."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))
    offset = f.page_offset()

"""Light customization on an order line: checked against the offer's options, priced, kept.

The option's extra cost per unit, and its setup fee spread over the line's units, are
added to the tier's CNY cost and the line is priced again as one consignment, so the
extra goes through FX, shipping, duty, VAT, fees and margin like the goods and is
rounded once by the market's rule. What the option adds to the line is that exact
total minus the plain line's exact total. The CNY amounts stay on the factory's side
(``LineCustomization``); the seller sees the option and what it added.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import RAISE, Schema, fields, pre_load, validate

from connector import fields as f
from connector.extensions import db
from connector.markets.model import Market
from connector.models import LineCustomization, OrderLine, StoredImage
from connector.orders import pricing
from connector.orders.errors import LineProblem

SHA256 = r"^[0-9a-f]{64}$"


class LineCustomizationInSchema(Schema):
    """What to print: one of the offer's customization options, with its details."""

    class Meta:
        unknown = RAISE

    option = f.String(
        required=True,
        validate=validate.Length(1, 120),
        metadata={"description": "The option's name, as in the offer's customizations."},
    )
    text = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 200),
        metadata={"description": "Text to print, as it should appear."},
    )
    artwork = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(SHA256, error=_l("Give the sha256 of an uploaded image.")),
        metadata={"description": "sha256 of an image uploaded through POST /api/v1/images."},
    )
    placement = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 60),
        metadata={"description": "Where to print, e.g. front, left chest."},
    )
    colours = f.List(
        f.String(validate=validate.Length(1, 40)),
        load_default=list,
        validate=validate.Length(max=8),
        metadata={"description": "Print colours, e.g. Pantone codes."},
    )

    @pre_load
    def _normalise(self, data, **kwargs):
        if isinstance(data, dict):
            data = {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}
            if isinstance(data.get("artwork"), str):
                data["artwork"] = data["artwork"].lower()
        return data


customization_field = fields.Nested(
    LineCustomizationInSchema,
    load_default=None,
    allow_none=True,
    metadata={"description": "Light customization (logo printing...) for this line."},
)


def _option(document: dict, name: str) -> dict | None:
    return next((o for o in document.get("customizations") or [] if o.get("name") == name), None)


def _check(index: int, line: dict, asked: dict) -> tuple[dict | None, dict]:
    where = f"lines.{index}.customization"
    offer = line["offer"]
    option = _option(offer.document, asked["option"])
    if option is None:
        names = [o.get("name") for o in offer.document.get("customizations") or []]
        message = (
            _("This offer has no customization %(name)s.", name=asked["option"])
            if names
            else _("This offer takes no customization.")
        )
        return None, {f"{where}.option": [message]}
    errors = {}
    minimum = option.get("extra_moq") or 0
    if line["quantity"] < minimum:
        errors[f"lines.{index}.quantity"] = [
            _(
                "With %(name)s the minimum order quantity is %(count)s.",
                name=option["name"],
                count=minimum,
            )
        ]
    if asked.get("artwork"):
        stored = db.session.get(StoredImage, asked["artwork"])
        if stored is None or stored.supplier_id not in (None, offer.listing.supplier_id):
            errors[f"{where}.artwork"] = [_("Unknown uploaded image.")]
    if not (asked.get("text") or asked.get("artwork")):
        errors[f"{where}.text"] = [_("Give the text to print, the artwork, or both.")]
    return option, errors


def price_lines(
    market: Market, mode: str, lines: list[dict], on: date
) -> dict[str, list[str | LineProblem]]:
    """Check and price each priced line's customization (in place); problems by field.

    A line's ``customization`` request becomes ``line["customized"]``: the option, the
    factory's CNY amounts and the extra total, and the line's price grows by that extra.
    """
    errors: dict[str, list[str | LineProblem]] = {}
    for index, line in enumerate(lines):
        asked = line.get("customization")
        if not asked or "price" not in line:
            continue
        option, problems = _check(index, line, asked)
        errors.update(problems)
        if option is None or problems:
            continue
        unit_cost = Decimal(option.get("extra_unit_cost_cny") or "0")
        setup_fee = Decimal(option.get("setup_fee_cny") or "0")
        try:
            extra = pricing.customization_extra(
                market,
                mode,
                line["offer"],
                line["variant"],
                line["quantity"],
                on,
                unit_cost + setup_fee / line["quantity"],
            )
        except pricing.LinePriceError as exc:
            errors[f"lines.{index}.customization.option"] = [exc.problem]
            continue
        if extra is None:
            errors[f"lines.{index}.customization.option"] = [
                _("This offer cannot price customization yet; ask again after it is repriced.")
            ]
            continue
        price = line["price"]
        price.total += extra
        price.pricing = {
            **price.pricing,
            "customization": {"option": option["name"], "extra_total": str(extra)},
        }
        line["customized"] = {
            **asked,
            "option": option["name"],
            "extra_unit_cost_cny": unit_cost,
            "setup_fee_cny": setup_fee,
            "extra_total": extra,
        }
    return errors


def record(rows: list[OrderLine], priced_lines: list[dict]) -> None:
    """Keep each customized line's spec; the factory is paid its extra cost and setup fee."""
    for row, line in zip(rows, priced_lines, strict=True):
        spec = line.get("customized")
        if spec is None:
            continue
        db.session.add(
            LineCustomization(
                order_line_id=row.id,
                option=spec["option"],
                text=spec.get("text"),
                artwork_sha256=spec.get("artwork"),
                placement=spec.get("placement"),
                colours=list(spec.get("colours") or []),
                extra_unit_cost_cny=spec["extra_unit_cost_cny"],
                setup_fee_cny=spec["setup_fee_cny"],
                extra_total=spec["extra_total"],
            )
        )
        if row.factory_amount_cny is not None:
            row.factory_amount_cny += spec["extra_unit_cost_cny"] * row.quantity
            row.factory_amount_cny += spec["setup_fee_cny"]
    db.session.flush()


def specs_for(line_ids: list[int]) -> dict[int, LineCustomization]:
    """The customization of each of these order lines that has one."""
    if not line_ids:
        return {}
    rows = db.session.execute(
        db.select(LineCustomization).where(LineCustomization.order_line_id.in_(line_ids))
    ).scalars()
    return {row.order_line_id: row for row in rows}

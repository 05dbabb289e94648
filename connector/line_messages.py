"""What a seller reads about an order line the shipments service refused, in their language.

The service says what is wrong with a line as codes (``connector.orders.errors.LineProblem``)
in ``OrderRejected.fields``; the API calls :func:`field_errors` to put them into words,
keyed by field, beside the texts already written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from connector.orders.errors import LineProblem

# The fulfilment modes in words (locales/terms.toml: zh 半托管 / 全托管).
MODE_NAMES = {
    "semi_managed": _l("semi-managed"),
    "fully_managed": _l("fully managed"),
}


def mode_name(mode: str) -> str:
    """A fulfilment mode as the reader calls it; an unknown code as it is."""
    return str(MODE_NAMES.get(mode, mode))


def describe(problem: LineProblem) -> str:
    """One line problem in words a seller can act on."""
    p = problem.params
    code = problem.code
    if code == "offer_unknown":
        return _("No offer %(offer)s in market %(market)s.", offer=p["offer"], market=p["market"])
    if code == "offer_held":
        return _("Offer %(offer)s is held (%(reasons)s).", offer=p["offer"], reasons=p["reasons"])
    if code == "offer_withdrawn":
        return _("Offer %(offer)s is withdrawn.", offer=p["offer"])
    if code == "variant_unknown":
        return _("Offer %(offer)s has no priced variant %(sku)s.", offer=p["offer"], sku=p["sku"])
    if code == "mode_not_priced":
        return _(
            "Offer %(offer)s has no price for the %(mode)s mode.",
            offer=p["offer"],
            mode=mode_name(p["mode"]),
        )
    if code == "line_repeated":
        return _("Already ordered in line %(line)s; use one line.", line=p["line"])
    if code == "below_moq":
        return _("The minimum order quantity is %(moq)s.", moq=p["moq"])
    if code == "over_stock":
        return _("Only %(stock)s in stock.", stock=p["stock"])
    if code == "one_parcel_exceeded":
        return _(
            "%(quantity)s pieces weigh %(weight)s kg packed and need %(parcels)s parcels; "
            "the carrier takes one parcel per shipment, at most %(max_weight)s kg and "
            "%(max_side)s cm a side. Order fewer pieces per order, or choose the %(mode)s "
            "mode (fully_managed).",
            quantity=p["quantity"],
            weight=p["weight_kg"],
            parcels=p["parcels"],
            max_weight=p["max_weight_kg"],
            max_side=p["max_side_cm"],
            mode=mode_name("fully_managed"),
        )
    if code == "unit_exceeds_parcel_limits":
        return _(
            "One piece is heavier or bigger than a %(mode)s parcel in %(market)s may be "
            "(at most %(max_weight)s g, %(max_side)s cm a side).",
            mode=mode_name(p["mode"]),
            market=p["market"],
            max_weight=p["max_weight_g"],
            max_side=p["max_side_cm"],
        )
    return _("This line cannot be priced: %(code)s.", code=code)


def field_errors(fields: Mapping[str, Sequence[str | LineProblem]]) -> dict[str, list[str]]:
    """The rejection's fields with every line problem put into words."""
    return {
        name: [describe(item) if isinstance(item, LineProblem) else item for item in items]
        for name, items in fields.items()
    }

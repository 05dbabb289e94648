"""What each side may read of an offer document.

Sellers see their price, what they must declare (shipping, duty, VAT) and the
rates used; never the factory's cost, its name, our margin or how fees split.
Exporters and ops read the whole document.
"""

from __future__ import annotations

from decimal import Decimal

SELLER_COMPONENTS = ("goods_and_service", "shipping", "duty", "vat")
_SERVICE = ("goods", "fees", "margin", "rounding")
_FACTORY_KEYS = ("supplier", "source_title")
_FACTORY_OPTION_KEYS = ("extra_unit_cost_cny", "setup_fee_cny")


def _seller_breakdown(components: list[str], amounts: list[str]) -> list[str]:
    values = dict(zip(components, (Decimal(a) for a in amounts), strict=True))
    service = sum((values.get(name, Decimal(0)) for name in _SERVICE), Decimal(0))
    return [str(service), *(str(values.get(name, Decimal(0))) for name in SELLER_COMPONENTS[1:])]


def _seller_price(price: dict, components: list[str]) -> dict:
    out = {key: value for key, value in price.items() if key != "cost_cny"}
    if price.get("breakdown"):
        out["breakdown"] = _seller_breakdown(components, price["breakdown"])
    consignment = price.get("consignment")
    if consignment and consignment.get("breakdown"):
        out["consignment"] = {
            **consignment,
            "breakdown": _seller_breakdown(components, consignment["breakdown"]),
        }
    return out


def for_seller(document: dict) -> dict:
    """The document without the factory's cost and name, our margin or the fee split."""
    components = document.get("components") or []
    out = {key: value for key, value in document.items() if key not in _FACTORY_KEYS}
    out["components"] = list(SELLER_COMPONENTS)
    variants = []
    for variant in document.get("variants") or []:
        copy = {**variant, "prices": [_seller_price(p, components) for p in variant["prices"]]}
        if variant.get("modes"):
            copy["modes"] = {
                mode: [_seller_price(p, components) for p in prices]
                for mode, prices in variant["modes"].items()
            }
        variants.append(copy)
    out["variants"] = variants
    out["customizations"] = [
        {key: value for key, value in option.items() if key not in _FACTORY_OPTION_KEYS}
        for option in document.get("customizations") or []
    ]
    return out


def _seller_components(components: dict[str, str]) -> dict[str, str]:
    service = sum((Decimal(components.get(name, "0")) for name in _SERVICE), Decimal(0))
    out = {"goods_and_service": str(service)}
    out.update({name: components.get(name, "0") for name in SELLER_COMPONENTS[1:]})
    return out


def order_pricing_for_seller(pricing: dict | None) -> dict | None:
    """An order's or a quote's pricing without our margin or the fee split."""
    if not pricing:
        return pricing
    lines = []
    for line in pricing.get("lines") or []:
        copy = dict(line)
        if "components" in copy:
            copy["components"] = _seller_components(copy["components"])
        lines.append(copy)
    return {**pricing, "lines": lines}

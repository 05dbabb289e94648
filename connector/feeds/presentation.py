"""How one seller presents our offers on one channel: brand, links, its own margin.

The offer data stays ours; the presentation is the seller's. It is a small
frozen object and a pure function of it, so a cached rendering (per offer or
per page) is keyed by ``Presentation.key`` and never mixes two sellers' looks.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from urllib.parse import quote

import orjson

from adapters.han import has_han
from connector.feeds.brand import default_brand
from connector.offers.formats import digits_of, format_price

LINK_FIELDS = ("sku", "offer_id", "market", "lang")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class BadLinkTemplate(ValueError):
    """A link template a shop cannot use; ``code`` says why (translated at the edge)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail


def check_link_template(template: str) -> None:
    """``https://shop.example/p/{sku}``: absolute http(s), placeholders from LINK_FIELDS."""
    if re.search(r"\s", template or ""):
        raise BadLinkTemplate("link_whitespace")
    if not re.match(r"^https?://[^/{}?#]+", template or ""):
        raise BadLinkTemplate("link_not_absolute")
    unknown = sorted(set(_PLACEHOLDER.findall(template)) - set(LINK_FIELDS))
    if unknown:
        raise BadLinkTemplate("link_unknown_placeholder", ", ".join(unknown))
    if "{sku}" not in template and "{offer_id}" not in template:
        raise BadLinkTemplate("link_no_product")


@dataclass(frozen=True)
class Presentation:
    """One seller's look for one (market, channel); the default is ours."""

    brand: str | None = None
    link_template: str | None = None
    margin_pct: Decimal = Decimal(0)
    rounding_step: Decimal | None = None
    # Channel facts the renderers print (e.g. Kaspi's company and merchant id).
    company: str | None = None
    merchant_id: str | None = None
    store_id: str | None = None
    warehouse_id: str | None = None
    # Our category path -> the channel's category id (ops' mapping for this channel).
    categories: tuple[tuple[str, str], ...] = field(default=())

    @property
    def key(self) -> str:
        """A short hash of everything that changes the bytes; "" for the default look."""
        if self == DEFAULT:
            return ""
        canonical = orjson.dumps(
            [
                self.brand,
                self.link_template,
                str(self.margin_pct),
                None if self.rounding_step is None else str(self.rounding_step),
                self.company,
                self.merchant_id,
                self.store_id,
                self.warehouse_id,
                list(self.categories),
            ]
        )
        return hashlib.sha256(canonical).hexdigest()[:16]

    def category_id(self, category: str | None) -> str | None:
        return dict(self.categories).get(category or "")


DEFAULT = Presentation()


def link_for(template: str | None, item: dict, sku: str, fallback: str) -> str:
    """The seller's product page for ``sku``, or ``fallback`` without a template."""
    if not template:
        return fallback
    values = {
        "sku": sku,
        "offer_id": str(item["id"]),
        "market": item["market"],
        "lang": item["locale"],
    }
    return _PLACEHOLDER.sub(lambda m: quote(values[m.group(1)], safe=""), template)


def brand_for(presentation: Presentation, supplier: str | None) -> str:
    """The seller's brand; else the factory's trade name in Latin; never Chinese."""
    if presentation.brand:
        return presentation.brand
    brand = default_brand(supplier or "")
    return "" if has_han(brand) else brand


def apply(item: dict, presentation: Presentation, rounding_step: Decimal) -> dict:
    """The seller item with the seller's margin and rounding on every price shown."""
    if not presentation.margin_pct and presentation.rounding_step is None:
        return item
    step = presentation.rounding_step or rounding_step
    digits = digits_of(step)
    factor = 1 + presentation.margin_pct / 100

    def adjust(prices: list[dict]) -> list[dict]:
        out = []
        for price in prices:
            amount = Decimal(price["price"]) * factor
            # Up to the step: the seller's margin is never rounded away.
            rounded = (amount / step).to_integral_value(rounding=ROUND_CEILING) * step
            display = format_price(rounded, item["currency"], item["locale"], digits)
            out.append({**price, "price": str(rounded), "display": display})
        return out

    variants = [
        {
            **variant,
            "prices": adjust(variant["prices"]),
            "prices_by_mode": {
                mode: adjust(prices) for mode, prices in variant.get("prices_by_mode", {}).items()
            },
        }
        for variant in item["variants"]
    ]
    return {**item, "variants": variants}

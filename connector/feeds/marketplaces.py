"""Ozon and Wildberries request bodies (JSON exports), and what each channel would refuse.

Each offer renders into segments joined by RS (0x1E, which JSON always
escapes inside strings, so it never occurs in a rendered value): one segment
per request body the channel takes (items, prices, stocks, cards), and a last
one of refusals. A page puts each request body under its own key, ready to
post as it is, and the refused offers, with their reasons, beside them.

Shapes, as published by the channels:
- Ozon Seller API, "Создать или обновить товар" POST /v3/product/import
  (items: offer_id, name, description_category_id, type_id, price,
  currency_code, vat, images, weight/dimensions with units, attributes: 85
  brand, 4191 annotation, 8292 "merge on one card"); "Обновить цены" POST
  /v1/product/import/prices (prices: offer_id, price, old_price,
  currency_code); "Обновить количество товаров" POST /v2/products/stocks
  (stocks: offer_id, stock, warehouse_id). docs.ozon.ru/api/seller, read
  2026-12-03. Up to 100 items per import, 1000 prices, 100 stocks a request.
- Wildberries, "Создание карточек товаров" POST /content/v2/cards/upload
  ([{subjectID, variants: [{vendorCode, title, description, brand,
  dimensions {length, width, height, weightBrutto}, characteristics, sizes
  [{price, skus}]}]}]). dev.wildberries.ru/openapi/item-management, read
  2026-12-03. Titles up to 60 characters, descriptions up to 5000; up to 100
  cards a request. Price updates there go by WB's own nmID, known only once the
  card exists, so they belong to a push adapter, not to this export.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

import orjson

from adapters.han import has_han
from connector.feeds.presentation import Presentation

RS = b"\x1e"

# What each channel takes (refused beyond): title length, images, price bounds.
LIMITS = {
    "ozon": {"title": 500, "images_min": 1, "images_max": 30, "price_max": Decimal(100_000_000)},
    "wildberries": {
        "title": 60,
        "images_min": 1,
        "images_max": 30,
        "price_max": Decimal(100_000_000),
        "description": 5000,
    },
}
OZON_BRAND, OZON_ANNOTATION, OZON_MERGE = 85, 4191, 8292


def _segments(*parts: list[bytes]) -> bytes:
    return RS.join(b",".join(part) for part in parts)


def refusals(item: dict, channel: str, category_id: str | None) -> list[dict]:
    """What ``channel`` would refuse in this offer, as codes with the limit that applies."""
    limits = LIMITS[channel]
    reasons: list[dict] = []
    title = item.get("title") or ""
    if not title or has_han(title):
        reasons.append({"code": "title_untranslated"})
    elif len(title) > limits["title"]:
        reasons.append({"code": "title_too_long", "limit": limits["title"]})
    if not item.get("brand"):
        reasons.append({"code": "brand_missing"})
    if category_id is None:
        reasons.append({"code": "category_unmapped", "category": item.get("category_key")})
    images = len(item.get("images") or [])
    if images < limits["images_min"]:
        reasons.append({"code": "image_missing", "min": limits["images_min"]})
    prices = [
        Decimal(variant["prices"][0]["price"]) for variant in item["variants"] if variant["prices"]
    ]
    if not prices:
        reasons.append({"code": "price_missing"})
    elif any(price <= 0 or price > limits["price_max"] for price in prices):
        reasons.append({"code": "price_out_of_bounds", "max": str(limits["price_max"])})
    if len(item.get("description") or "") > limits.get("description", 10**9):
        reasons.append({"code": "description_too_long", "limit": limits["description"]})
    return reasons


def _refused(item: dict, reasons: list[dict]) -> bytes:
    return orjson.dumps(
        {
            "id": item["id"],
            "skus": [variant["sku"] for variant in item["variants"]],
            "reasons": reasons,
        }
    )


def _whole(price: str) -> int:
    return int(Decimal(price).to_integral_value(rounding=ROUND_CEILING))


def _name(item: dict, variant: dict) -> str:
    title = item["title"] or ""
    if variant["options"]:
        title = f"{title}, {', '.join(variant['options'].values())}"
    return title


def _mm(size_cm: list | None) -> list[int]:
    if not size_cm:
        return [0, 0, 0]
    return [int(Decimal(side) * 10) for side in size_cm]


def _ozon_category(presentation: Presentation, item: dict) -> tuple[int, int] | None:
    """Ops map a category to "description_category_id:type_id" for Ozon."""
    mapped = presentation.category_id(item.get("category_key"))
    if not mapped:
        return None
    category, _sep, type_id = mapped.partition(":")
    if not (category.isdigit() and type_id.isdigit()):
        return None
    return int(category), int(type_id)


def render_ozon_import(item: dict, presentation: Presentation) -> bytes:
    """Ozon /v3/product/import items, one per variant, merged on one card by the offer."""
    category = _ozon_category(presentation, item)
    if item["status"] != "ready":
        return _segments([], [])  # not for sale: nothing to create (prices take stock to 0)
    reasons = refusals(item, "ozon", None if category is None else str(category))
    if reasons:
        return _segments([], [_refused(item, reasons)])
    depth, width, height = _mm(item.get("size_cm"))
    images = item["images"][: LIMITS["ozon"]["images_max"]]
    items = []
    for variant in item["variants"]:
        attributes = [
            {"id": OZON_BRAND, "complex_id": 0, "values": [{"value": item["brand"]}]},
            {"id": OZON_MERGE, "complex_id": 0, "values": [{"value": f"offer-{item['id']}"}]},
        ]
        if item.get("description"):
            attributes.append(
                {"id": OZON_ANNOTATION, "complex_id": 0, "values": [{"value": item["description"]}]}
            )
        items.append(
            orjson.dumps(
                {
                    "offer_id": variant["sku"],
                    "name": _name(item, variant)[: LIMITS["ozon"]["title"]],
                    "description_category_id": category[0],
                    "type_id": category[1],
                    "price": variant["prices"][0]["price"],
                    "old_price": "0",
                    "currency_code": item["currency"],
                    "vat": "0",
                    "images": images,
                    "weight": item.get("weight_g") or 0,
                    "weight_unit": "g",
                    "depth": depth,
                    "width": width,
                    "height": height,
                    "dimension_unit": "mm",
                    "attributes": attributes,
                }
            )
        )
    return _segments(items, [])


def render_ozon_prices(item: dict, presentation: Presentation) -> bytes:
    """Ozon price and stock updates: a withdrawn or held offer's stock goes to 0."""
    on_sale = item["status"] == "ready"
    prices, stocks = [], []
    for variant in item["variants"]:
        if variant["prices"]:
            prices.append(
                orjson.dumps(
                    {
                        "offer_id": variant["sku"],
                        "price": variant["prices"][0]["price"],
                        "old_price": "0",
                        "currency_code": item["currency"],
                    }
                )
            )
        stock = variant["stock"] if on_sale and variant["stock"] is not None else 0
        entry = {"offer_id": variant["sku"], "stock": stock if on_sale else 0}
        if presentation.warehouse_id:
            entry["warehouse_id"] = int(presentation.warehouse_id)
        stocks.append(orjson.dumps(entry))
    return _segments(prices, stocks, [])


def render_wildberries(item: dict, presentation: Presentation) -> bytes:
    """One Wildberries card per offer, its variants merged (one vendorCode per SKU)."""
    mapped = presentation.category_id(item.get("category_key"))
    subject = int(mapped) if mapped and mapped.isdigit() else None
    if item["status"] != "ready":
        return _segments([], [])
    reasons = refusals(item, "wildberries", None if subject is None else str(subject))
    if reasons:
        return _segments([], [_refused(item, reasons)])
    length, width, height = (max(1, round(mm / 10)) for mm in _mm(item.get("size_cm")))
    variants = [
        {
            "vendorCode": variant["sku"],
            "title": (item["title"] or "")[: LIMITS["wildberries"]["title"]],
            "description": item.get("description") or "",
            "brand": item["brand"],
            "dimensions": {
                "length": length,
                "width": width,
                "height": height,
                "weightBrutto": float(Decimal(item.get("weight_g") or 0) / 1000),
            },
            "characteristics": [],
            # WB takes whole currency units: up, so the seller's price is never cut.
            "sizes": [{"price": _whole(variant["prices"][0]["price"]), "skus": []}],
        }
        for variant in item["variants"]
    ]
    return _segments([orjson.dumps({"subjectID": subject, "variants": variants})], [])

"""Rendering one offer for one locale into each feed format.

Pure functions of the offer document: each output is cached per offer
version (``OfferFeedItem``), so a page is a concatenation of stored bytes.
"""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

import orjson

FORMATS = ("json", "csv", "xml")

# Shopify's product CSV import columns, in its template's order (the ones we fill).
SHOPIFY_COLUMNS = (
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Product Category",
    "Type",
    "Tags",
    "Published",
    "Option1 Name",
    "Option1 Value",
    "Option2 Name",
    "Option2 Value",
    "Option3 Name",
    "Option3 Value",
    "Variant SKU",
    "Variant Grams",
    "Variant Inventory Tracker",
    "Variant Inventory Qty",
    "Variant Inventory Policy",
    "Variant Fulfillment Service",
    "Variant Price",
    "Variant Requires Shipping",
    "Variant Taxable",
    "Image Src",
    "Image Position",
    "Status",
)


def _term(texts: dict, value: str) -> str:
    return (texts.get("terms") or {}).get(value) or value


def _category(texts: dict, document: dict) -> str | None:
    """The category in the offer's language: from our tree, else its translated levels."""
    if texts.get("category"):
        return texts["category"]
    # Offers built before categories were localized as a whole.
    parts = [part.strip() for part in (document.get("category") or "").split(">")]
    return " > ".join(_term(texts, part) for part in parts if part) or None


def seller_item(
    offer_id: int, version: int, seq: int, document: dict, locale: str, public_url: str
) -> dict:
    """What a seller's system reads: texts and options in ``locale``, prices per tier."""
    texts = document["texts"].get(locale) or {}
    variants = []
    for variant in document["variants"]:
        other_modes = variant.get("modes") or {}
        variants.append(
            {
                "sku": variant["sku"],
                "options": {
                    _term(texts, name): _term(texts, value)
                    for name, value in (variant.get("options") or {}).items()
                },
                "stock": variant.get("stock"),
                "prices": _prices(variant["prices"], locale),
                # The same tiers through the market's other fulfilment modes, each
                # priced from its own rate card.
                "prices_by_mode": {
                    document.get("mode") or "": _prices(variant["prices"], locale),
                    **{mode: _prices(prices, locale) for mode, prices in other_modes.items()},
                },
            }
        )
    return {
        "id": offer_id,
        "version": version,
        "seq": seq,
        "status": document["status"],
        "market": document["market"],
        "locale": locale,
        "currency": document["currency"],
        "title": texts.get("title"),
        "description": texts.get("description"),
        "text_sources": texts.get("sources") or {},
        "category": _category(texts, document),
        "google_product_category": texts.get("google_category"),
        "link": f"{public_url}/api/v1/offers/{offer_id}",
        "images": document.get("images") or [],
        "moq": document.get("moq"),
        "lead_time_days": document.get("lead_time_days"),
        "weight_g": document.get("weight_g"),
        "size_cm": document.get("size_cm"),
        "measures": texts.get("measures") or {},
        "hs_code": document.get("hs_code"),
        "variants": variants,
        "customizations": [
            {
                "name": _term(texts, option["name"]),
                "extra_price": option["extra_price"],
                "extra_moq": option["extra_moq"],
            }
            for option in document.get("customizations") or []
        ],
        "fx": document.get("fx") or {},
        "readiness": (document.get("readiness") or {}).get(locale),
        "priced_on": document.get("priced_on"),
    }


def _prices(prices: list[dict], locale: str) -> list[dict]:
    out = []
    for price in prices:
        entry = {
            "min_qty": price["min_qty"],
            "price": price["price"],
            "display": price["display"].get(locale),
        }
        consignment = price.get("consignment")
        if consignment:
            entry["parcels"] = consignment["parcels"]
        out.append(entry)
    return out


def render_json(item: dict) -> bytes:
    return orjson.dumps(item)


def _option_names(item: dict) -> list[str]:
    names: list[str] = []
    for variant in item["variants"]:
        for name in variant["options"]:
            if name not in names:
                names.append(name)
    return names[:3]  # Shopify takes three options


def render_csv(item: dict, vendor: str = "") -> bytes:
    """Shopify rows: the product on the first variant's row, one row per variant, extra images."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    handle = f"offer-{item['id']}"
    names = _option_names(item)
    images = item["images"]
    for index, variant in enumerate(
        item["variants"] or [{"sku": "", "options": {}, "stock": None, "prices": []}]
    ):
        first = index == 0
        row = dict.fromkeys(SHOPIFY_COLUMNS, "")
        row["Handle"] = handle
        if first:
            row.update(
                {
                    "Title": item["title"] or "",
                    "Body (HTML)": f"<p>{escape(item['description'] or '')}</p>",
                    "Vendor": vendor,
                    "Type": item["category"] or "",
                    "Tags": f"moq-{item['moq']}",
                    "Published": "TRUE",
                    "Status": "active" if item["status"] == "ready" else "draft",
                }
            )
            if images:
                row["Image Src"], row["Image Position"] = images[0], "1"
        for position, name in enumerate(names, start=1):
            if first:
                row[f"Option{position} Name"] = name
            row[f"Option{position} Value"] = variant["options"].get(name, "")
        if not names and first:
            row["Option1 Name"], row["Option1 Value"] = "Title", "Default Title"
        prices = variant["prices"]
        row.update(
            {
                "Variant SKU": variant["sku"],
                "Variant Grams": str(item["weight_g"] or 0),
                "Variant Inventory Tracker": "shopify",
                "Variant Inventory Qty": str(variant["stock"] or 0),
                "Variant Inventory Policy": "deny",
                "Variant Fulfillment Service": "manual",
                # The unit price at the first tier (the minimum order); tiers are in the JSON feed.
                "Variant Price": prices[0]["price"] if prices else "",
                "Variant Requires Shipping": "TRUE",
                "Variant Taxable": "TRUE",
            }
        )
        writer.writerow([row[column] for column in SHOPIFY_COLUMNS])
    for position, image in enumerate(images[1:], start=2):
        row = dict.fromkeys(SHOPIFY_COLUMNS, "")
        row.update({"Handle": handle, "Image Src": image, "Image Position": str(position)})
        writer.writerow([row[column] for column in SHOPIFY_COLUMNS])
    return buffer.getvalue().encode()


def csv_header() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(SHOPIFY_COLUMNS)
    return buffer.getvalue().encode()


def _g(tag: str, value) -> str:
    return f"<g:{tag}>{escape(str(value))}</g:{tag}>"


def render_xml(item: dict, brand: str = "") -> bytes:
    """Google Merchant Center items (RSS 2.0, g: namespace): one per variant, grouped."""
    parts = []
    images = item["images"]
    for variant in item["variants"]:
        prices = variant["prices"]
        if not prices:
            continue
        title = item["title"] or ""
        if variant["options"]:
            title = f"{title} - {' / '.join(variant['options'].values())}"
        fields = [
            _g("id", f"{variant['sku']}-{item['market']}"),
            _g("item_group_id", f"offer-{item['id']}"),
            _g("title", title[:150]),
            _g("description", (item["description"] or item["title"] or "")[:5000]),
            _g("link", item["link"]),
        ]
        if images:
            fields.append(_g("image_link", images[0]))
            fields += [_g("additional_image_link", image) for image in images[1:11]]
        stock = variant["stock"]
        fields += [
            _g("availability", "in_stock" if stock is None or stock > 0 else "out_of_stock"),
            _g("price", f"{prices[0]['price']} {item['currency']}"),
            _g("condition", "new"),
            _g("brand", brand or "Generic"),
            _g("mpn", variant["sku"]),
            # A factory SKU is not a manufacturer GTIN; Merchant Center asks us to say so.
            _g("identifier_exists", "no"),
            _g("shipping_weight", f"{item['weight_g'] or 0} g"),
        ]
        if item["category"]:
            fields.append(_g("product_type", item["category"]))
        if item.get("google_product_category"):
            fields.append(_g("google_product_category", item["google_product_category"]))
        parts.append("<item>" + "".join(fields) + "</item>")
    return "".join(parts).encode()


def xml_head(market: str, link: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>'
        f"<title>Offers for {escape(market)}</title><link>{escape(link)}</link>"
        f"<description>Cross-border connector offer feed, market {escape(market)}</description>"
    ).encode()


XML_TAIL = b"</channel></rss>\n"

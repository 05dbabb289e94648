"""Rendering one offer for one locale into the Shopify CSV and Google Merchant formats.

Pure functions of the offer document and the seller's presentation: each
output is cached per offer version and presentation (``OfferFeedItem``), so a
page is a concatenation of stored bytes. The table of formats is
``connector.feeds.formats``.
"""

from __future__ import annotations

import csv
import io
from xml.sax.saxutils import escape

import orjson

from adapters.han import has_han
from connector.feeds.presentation import Presentation, link_for

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


def category_path(document: dict, texts: dict) -> str | None:
    """The category in the offer's language (our tree's name, else its translated levels),
    or None: a Chinese word never reaches a shop."""
    named = texts.get("category")
    if named and not has_han(named):
        return named
    parts = [part.strip() for part in (document.get("category") or "").split(">")]
    names = [_term(texts, part) for part in parts if part]
    if not names or any(has_han(name) for name in names):
        return None
    return " > ".join(names)


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
        "category": category_path(document, texts),
        # Our category as the factory wrote it: the key of the channels' category mappings.
        "category_key": document.get("category"),
        "google_product_category": texts.get("google_category"),
        "link": f"{public_url}/api/v1/offers/{offer_id}",
        # A page a shopper can open without a key (the seller's own, when it set a template).
        "page_link": f"{public_url}/p/{offer_id}?lang={locale}",
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


def render_json(item: dict, presentation: Presentation) -> bytes:
    """The item as JSON, each variant with the page a shopper opens for it."""
    variants = [
        {
            **variant,
            "link": link_for(presentation.link_template, item, variant["sku"], item["page_link"]),
        }
        for variant in item["variants"]
    ]
    # Our Chinese category path is only the key of the channels' mappings: never sent.
    shown = {key: value for key, value in item.items() if key != "category_key"}
    return orjson.dumps({**shown, "variants": variants})


def _option_names(item: dict) -> list[str]:
    names: list[str] = []
    for variant in item["variants"]:
        for name in variant["options"]:
            if name not in names:
                names.append(name)
    return names[:3]  # Shopify takes three options


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Shopify's product statuses: a withdrawn offer is archived, a held one a draft.
SHOPIFY_STATUS = {"ready": "active", "held": "draft", "withdrawn": "archived"}


def safe_cell(value: str) -> str:
    """A cell a spreadsheet shows as text: a leading quote before any formula start."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def render_csv(item: dict, presentation: Presentation) -> bytes:
    """Shopify rows: the product on the first variant's row, one row per variant, extra images.

    Every offer in the page has rows, withdrawn ones too (``Status`` archived), so
    an incremental import takes them off sale.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    status = item["status"]
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
                    "Vendor": item.get("brand") or "",
                    "Type": item["category"] or "",
                    "Tags": f"moq-{item['moq']}",
                    "Published": "TRUE" if status == "ready" else "FALSE",
                    "Status": SHOPIFY_STATUS.get(status, "draft"),
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
        writer.writerow([safe_cell(row[column]) for column in SHOPIFY_COLUMNS])
    for position, image in enumerate(images[1:], start=2):
        row = dict.fromkeys(SHOPIFY_COLUMNS, "")
        row.update({"Handle": handle, "Image Src": image, "Image Position": str(position)})
        writer.writerow([safe_cell(row[column]) for column in SHOPIFY_COLUMNS])
    return buffer.getvalue().encode()


def _g(tag: str, value) -> str:
    return f"<g:{tag}>{escape(str(value))}</g:{tag}>"


def render_xml(item: dict, presentation: Presentation) -> bytes:
    """Google Merchant Center items (RSS 2.0, g: namespace): one per variant, grouped.

    A withdrawn or held offer keeps its items, ``out_of_stock``: an incremental
    feed takes them off sale (a full feed simply leaves them out).
    """
    parts = []
    images = item["images"]
    on_sale = item["status"] == "ready"
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
            _g(
                "link",
                link_for(presentation.link_template, item, variant["sku"], item["page_link"]),
            ),
        ]
        if images:
            fields.append(_g("image_link", images[0]))
            fields += [_g("additional_image_link", image) for image in images[1:11]]
        stock = variant["stock"]
        fields += [
            _g(
                "availability",
                "in_stock" if on_sale and (stock is None or stock > 0) else "out_of_stock",
            ),
            _g("price", f"{prices[0]['price']} {item['currency']}"),
            _g("condition", "new"),
            _g("brand", item.get("brand") or "Generic"),
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

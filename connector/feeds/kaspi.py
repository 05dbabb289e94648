"""Kaspi.kz merchant price list (XML ``kaspi_catalog``), polled by Kaspi from a stable URL.

Format as published by Kaspi for merchants: "Загрузка прайс-листа в формате XML"
(kaspi.kz/merchantcabinet/support/display/Support/XML, with its schema
kaspi.kz/kaspishopping.xsd), read 2026-12-03; the merchant cabinet polls the
URL about every 30 minutes. Root ``kaspi_catalog`` in the ``kaspiShopping``
namespace with a ``date``; ``company`` and ``merchantid``; ``offers`` of
``offer sku=…`` with ``model``, ``brand``, ``availabilities`` (one
``availability available="yes|no" storeId=…`` per pickup point) and ``price``.
Kaspi replaces the whole price list with each file, so the file is the whole
catalogue: an offer that left is kept, ``available="no"``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from connector.feeds.presentation import Presentation

# Kaspi takes a model name up to this length (longer names are refused by the import).
MODEL_LIMIT = 255
# Our goods wait at one pickup point per seller (the consolidation warehouse's, or the
# seller's own): Kaspi names it by the merchant's store id, "PP1" by default.
DEFAULT_STORE = "PP1"


def render_kaspi(item: dict, presentation: Presentation) -> bytes:
    """One ``offer`` per variant: SKU, model, brand, availability, price."""
    parts = []
    on_sale = item["status"] == "ready"
    store = presentation.store_id or DEFAULT_STORE
    for variant in item["variants"]:
        prices = variant["prices"]
        if not prices:
            continue
        model = item["title"] or ""
        if variant["options"]:
            model = f"{model} {' '.join(variant['options'].values())}"
        stock = variant["stock"]
        available = on_sale and (stock is None or stock > 0)
        stock_attr = f" stockCount={quoteattr(str(stock))}" if available and stock else ""
        parts.append(
            f"<offer sku={quoteattr(variant['sku'])}>"
            f"<model>{escape(model[:MODEL_LIMIT])}</model>"
            f"<brand>{escape(item.get('brand') or '')}</brand>"
            "<availabilities>"
            f"<availability available={quoteattr('yes' if available else 'no')}"
            f" storeId={quoteattr(store)}{stock_attr}/>"
            "</availabilities>"
            f"<price>{escape(prices[0]['price'])}</price>"
            "</offer>"
        )
    return "".join(parts).encode()


def kaspi_head(date: str, presentation: Presentation) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<kaspi_catalog date={quoteattr(date)} xmlns="kaspiShopping" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="kaspiShopping http://kaspi.kz/kaspishopping.xsd">'
        f"<company>{escape(presentation.company or presentation.brand or '')}</company>"
        f"<merchantid>{escape(presentation.merchant_id or '')}</merchantid>"
        "<offers>"
    ).encode()


KASPI_TAIL = b"</offers></kaspi_catalog>\n"

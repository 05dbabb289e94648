"""``GET /p/<offer id>``: the page a shopper opens from a feed when the seller has no shop link.

Public and read-only: the offer as a buyer sees it in the market's language
(title, pictures, price from the first tier, minimum order), never the
factory's cost or name. A withdrawn offer says so, with 410 Gone.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import force_locale

from connector.extensions import db
from connector.feeds.render import seller_item
from connector.markets.registry import markets
from connector.models import Offer
from connector.urls import public_base

bp = Blueprint("product_page", __name__)


def _locale(locales: tuple[str, ...], wanted: str | None) -> str:
    wanted = (wanted or "").replace("-", "_").lower()
    for locale in locales:
        if wanted in (locale.lower(), locale.split("_")[0].lower()):
            return locale
    return locales[0]


@bp.get("/p/<int:offer_id>")
def product(offer_id: int):
    offer = db.session.get(Offer, offer_id)
    market = markets().get(offer.market_code) if offer is not None else None
    if offer is None or market is None:
        abort(404)
    locale = _locale(market.locales, request.args.get("lang"))
    item = seller_item(
        offer.id, offer.version, offer.feed_seq, offer.document, locale, public_base()
    )
    variant = next((v for v in item["variants"] if v["prices"]), None)
    on_sale = item["status"] == "ready"
    with force_locale(locale.split("_")[0]):
        page = render_template(
            "product.html",
            item=item,
            price=variant["prices"][0]["display"] if variant and on_sale else None,
            on_sale=on_sale,
            html_lang=locale.replace("_", "-"),
        )
    return page, 200 if item["status"] != "withdrawn" else 410

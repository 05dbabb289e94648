"""Quotes: the exact price of some lines, held for a while, that an order can charge.

A quote holds until the oldest rate behind it passes the market's age limit, or
``QUOTE_HOURS`` after it was made, whichever comes first. An order that names
it must ask for the same market, mode and lines, and is charged exactly the
quoted totals, even if the offer was repriced since.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from connector.extensions import db
from connector.models import Quote, User
from connector.orders.errors import OrderRejected

QUOTE_HOURS = 24


def create_quote(user: User, priced, pricing: dict, now: datetime) -> Quote:
    """Keep a priced order (``connector.orders.service.PricedOrder``) as a quote."""
    valid_until = now + timedelta(hours=QUOTE_HOURS)
    if priced.valid_until is not None:
        valid_until = min(valid_until, priced.valid_until)
    quote = Quote(
        id=f"q_{secrets.token_urlsafe(18)}",
        seller_id=user.id,
        market_code=priced.market.code,
        mode=priced.mode,
        currency=priced.market.currency,
        lines=[
            {
                "offer_id": line["offer"].id,
                "offer_version": line["offer"].version,
                "sku": line["variant"]["sku"],
                "quantity": line["quantity"],
                "customization": line.get("customization"),
                "total": str(line["price"].total),
            }
            for line in priced.lines
        ],
        total=priced.total,
        pricing=pricing,
        created_at=now,
        valid_until=valid_until,
    )
    db.session.add(quote)
    db.session.flush()
    return quote


def get_quote(user: User, quote_id: str) -> Quote | None:
    quote = db.session.get(Quote, quote_id)
    if quote is None or quote.seller_id != user.id:
        return None
    return quote


def _asked(lines: list[dict]) -> list[tuple]:
    return sorted(
        (line["offer_id"], line["sku"], line["quantity"], _spec(line.get("customization")))
        for line in lines
    )


def _spec(customization: dict | None) -> str:
    return json.dumps(customization or None, sort_keys=True)


def usable_quote(user: User, data: dict, now: datetime) -> Quote:
    """The quote an order names, if it is the caller's, still holds and matches the order."""
    quote = get_quote(user, data["quote_id"])
    if quote is None:
        raise OrderRejected("quote_unknown", "Unknown quote.", {"quote_id": ["No such quote."]})
    if now >= quote.valid_until:
        raise OrderRejected(
            "quote_expired",
            f"The quote expired at {quote.valid_until.isoformat()}; ask for a new one.",
        )
    mode = data.get("mode") or quote.mode
    if (
        data["market"] != quote.market_code
        or mode != quote.mode
        or _asked(data["lines"]) != _asked(quote.lines)
    ):
        raise OrderRejected(
            "quote_mismatch",
            "The order asks for other lines, market or mode than the quote.",
            {"quote_id": ["Order exactly the quoted lines, market and mode."]},
        )
    return quote


def apply_quote(quote: Quote, priced) -> None:
    """Charge the quoted totals: the quote holds even if an offer was repriced since."""
    totals = {(line["offer_id"], line["sku"]): line for line in quote.lines}
    by_line = {(line["offer_id"], line["sku"]): line for line in quote.pricing["lines"]}
    for line in priced.lines:
        key = (line["offer"].id, line["variant"]["sku"])
        line["price"].total = Decimal(totals[key]["total"])
        quoted = by_line[key]
        line["price"].pricing = {
            name: quoted[name]
            for name in (
                "basis",
                "quantity",
                "parcels",
                "exact_total",
                "tier_total",
                "components",
                "customization",
            )
            if name in quoted
        }
    priced.fx = quote.pricing.get("fx") or priced.fx

"""Building an offer document from a listing, a market and the rates in force.

Pure: no database, no clock (``on`` and ``now`` are given), no ORM objects
(listings arrive as :class:`~connector.offers.listing_data.ListingData`), so the
same code serves a single listing's refresh and the bulk reprice, in any process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import orjson
from flask import current_app

from connector.fx.resolve import MarketFx
from connector.markets.model import Market
from connector.models.offer import OfferStatus
from connector.offers.formats import (
    format_price,
    format_size,
    format_weight,
    price_digits,
)
from connector.offers.listing_data import ListingData
from connector.offers.localize import term_key
from connector.pricing.engine import (
    COMPONENTS,
    Landing,
    Parcel,
    PricingError,
    consignment_price,
    prepare,
)
from connector.pricing.packing import Carton, GoodsPackings


@dataclass(frozen=True)
class BuiltOffer:
    status: str
    reasons: list[dict]
    document: dict
    document_json: str  # serialized once: stored, hashed and served as these bytes
    content_hash: str


def unit_costs(listing: ListingData) -> list[tuple[dict, list[tuple[int, Decimal]]]]:
    """(variant, [(min_qty, CNY unit cost)]) for every variant, or one implicit variant.

    An own price replaces the first tier's price and keeps the listing's tier
    discounts; a delta is added to every tier.
    """
    tiers = [(t.min_qty, t.unit_price) for t in listing.price_tiers]
    if not tiers:
        return []
    first_price = tiers[0][1]
    variants = listing.variants or [None]
    result = []
    for variant in variants:
        if variant is None:
            info = {"sku": f"L{listing.id}", "options": {}, "stock": None}
            costs = tiers
        else:
            info = {
                "sku": variant.sku,
                "options": dict(variant.options or {}),
                "stock": variant.stock,
            }
            if variant.price is not None:
                costs = [(q, variant.price + (p - first_price)) for q, p in tiers]
            elif variant.price_delta is not None:
                costs = [(q, p + variant.price_delta) for q, p in tiers]
            else:
                costs = tiers
        result.append((info, costs))
    return result


def carton_of(listing: ListingData) -> Carton | None:
    """The factory's export carton, when the listing describes it completely."""
    sides = (listing.carton_length_cm, listing.carton_width_cm, listing.carton_height_cm)
    if not listing.units_per_carton or not listing.carton_weight_g or None in sides:
        return None
    return Carton(listing.units_per_carton, *sides, listing.carton_weight_g)


def parcel_of(listing: ListingData) -> Parcel | None:
    if None in (listing.weight_g, listing.length_cm, listing.width_cm, listing.height_cm):
        return None
    return Parcel(
        listing.weight_g,
        listing.length_cm,
        listing.width_cm,
        listing.height_cm,
        listing.hs_code,
        carton_of(listing),
    )


def _carton_document(carton: Carton | None) -> dict | None:
    if carton is None:
        return None
    return {
        "units": carton.units,
        "size_cm": [str(carton.length_cm), str(carton.width_cm), str(carton.height_cm)],
        "weight_g": carton.weight_g,
    }


def _reason(code: str, **params) -> dict:
    return {"code": code, "params": params}


def serialize(document: dict) -> tuple[str, str]:
    """Canonical JSON of a document and its SHA-256: equal content, equal bytes, equal hash."""
    # Documents are built in a fixed key order (and reloaded in it), so no sort is
    # needed; orjson writes the same compact UTF-8 as json.dumps, ten times faster.
    canonical = orjson.dumps(document)
    return canonical.decode(), hashlib.sha256(canonical).hexdigest()


def fx_reasons(market: Market, fx: MarketFx, now: datetime) -> list[dict]:
    """Why the market's rates hold its offers (missing or too old): the same for every offer."""
    reasons: list[dict] = []
    for currency in fx.missing:
        reasons.append(_reason("fx_missing", currency=currency, market_currency=market.currency))
    for currency in fx.stale:
        rate = fx.rates[currency]
        hours = int((now - rate.as_of).total_seconds() // 3600)
        reasons.append(
            _reason(
                "fx_stale",
                currency=currency,
                source=rate.source,
                as_of=rate.as_of.isoformat(),
                age_hours=hours,
                limit_hours=market.fx_max_age_hours,
            )
        )
    return reasons


def build_offer(
    listing: ListingData,
    market: Market,
    fx: MarketFx,
    on: date,
    now: datetime,
    costs: list | None = None,
    base_url: str | None = None,
    packings: GoodsPackings | None = None,
) -> BuiltOffer:
    """Price every variant and tier of ``listing`` for ``market``; hold it if anything is off."""
    reasons = fx_reasons(market, fx, now)
    parcel = parcel_of(listing)
    if parcel is None:
        reasons.append(_reason("size_or_weight_missing"))
    mode = market.default_mode
    variants_out: list[dict] = []
    landing: Landing | None = None
    if parcel is not None and not fx.missing:
        costs = costs if costs is not None else unit_costs(listing)
        landing, variants_out = _price_modes(costs, parcel, market, fx, on, reasons, packings)
    texts, readiness = _texts_and_readiness(listing, market)
    translations = listing.translations or {}
    for locale, state in readiness.items():
        for code in state["missing"]:
            params = {"locale": locale}
            if code == "terms_untranslated":
                params.update(_untranslated_params(translations.get(locale) or {}))
            if code == "machine_translation_failed":
                params.update((translations.get(locale) or {}).get("machine_error") or {})
            reasons.append(_reason(code, **params))
    document = {
        "listing_id": listing.id,
        "listing_revision": listing.revision,
        "market": market.code,
        "currency": market.currency,
        "mode": mode,
        "priced_on": on.isoformat(),
        "source_title": listing.title_zh,
        "supplier": listing.supplier_name,
        "texts": texts,
        "readiness": readiness,
        "category": listing.category,
        "hs_code": listing.hs_code,
        "moq": listing.moq,
        "lead_time_days": listing.lead_time_days,
        "weight_g": listing.weight_g,
        "size_cm": [str(listing.length_cm), str(listing.width_cm), str(listing.height_cm)]
        if parcel is not None
        else None,
        "carton": _carton_document(parcel.carton) if parcel is not None else None,
        "images": list(image_urls(listing, base_url)),
        "components": list(COMPONENTS),
        "variants": variants_out,
        "customizations": _customizations(listing, landing),
        "fx": fx.provenance(),
    }
    status = (OfferStatus.HELD if reasons else OfferStatus.READY).value
    document["status"] = status
    document["hold_reasons"] = reasons
    document_json, digest = serialize(document)
    return BuiltOffer(status, reasons, document, document_json, digest)


def _price_modes(
    costs: list,
    parcel: Parcel,
    market: Market,
    fx: MarketFx,
    on: date,
    reasons: list[dict],
    packings: GoodsPackings | None = None,
) -> tuple[Landing | None, list[dict]]:
    """Variants priced in the default mode, each with its prices in the market's other modes.

    A mode that cannot carry the goods (a unit over its parcel limits) is left out;
    the offer is held only when the default mode cannot price it.
    """
    default_landing: Landing | None = None
    variants: list[dict] = []
    for mode in market.modes:
        try:
            landing = prepare(market, mode, parcel, fx.conversion, on, packings)
            priced = _price_variants(costs, landing, market)
        except PricingError as exc:
            if mode == market.default_mode:
                reasons.append(_reason(exc.code, detail=exc.detail))
                return None, []
            continue
        if mode == market.default_mode:
            default_landing, variants = landing, priced
            continue
        for variant, other in zip(variants, priced, strict=True):
            variant.setdefault("modes", {})[mode] = other["prices"]
    return default_landing, variants


def _price_variants(costs_by_variant: list, landing: Landing, market: Market) -> list[dict]:
    cache: dict[tuple[Decimal, int], dict] = {}
    currency, locales = market.currency, market.locales
    digits = price_digits(currency, market.rounding_step)
    out = []
    for info, costs in costs_by_variant:
        prices = []
        for min_qty, cost in costs:
            priced = cache.get((cost, min_qty))
            if priced is None:
                # The tier's price is that of a consignment of its minimum quantity.
                price = consignment_price(landing, cost, min_qty)
                amount = price.price
                priced = cache[(cost, min_qty)] = {
                    "min_qty": min_qty,
                    "price": str(amount),
                    "display": {
                        locale: format_price(amount, currency, locale, digits) for locale in locales
                    },
                    "breakdown": list(map(str, price.components.values())),
                    "notes": list(price.notes),
                    # The factory's unit cost: what orders are priced from and the factory
                    # is paid. Never shown to sellers (see connector.offers.visibility).
                    "cost_cny": str(cost),
                    "consignment": {
                        "quantity": min_qty,
                        "parcels": price.parcel_count,
                        "total": str(price.total),
                        "breakdown": list(map(str, price.total_components.values())),
                    },
                }
            prices.append(priced)
        out.append({**info, "prices": prices})
    return out


# Google Merchant Center cuts titles at 150 characters; longer ones are not ready.
TITLE_LIMIT = 150


def _untranslated_params(entry: dict) -> dict:
    """The terms a locale lacks, and the key of the first: the fix link opens its field."""
    untranslated = entry.get("untranslated_terms") or entry.get("untranslated_options") or []
    params = {"terms": "、".join(untranslated)}
    if untranslated:
        params["term_key"] = term_key(untranslated[0])
    return params


# What a buyer reads in a locale, besides the measures.
TEXT_FIELDS = ("title", "description", "terms", "sources", "category", "google_category")


def _texts_and_readiness(listing: ListingData, market: Market) -> tuple[dict, dict]:
    """Per locale: the text a buyer reads, and exactly what keeps it from being ready."""
    translations = listing.translations or {}
    texts, readiness = {}, {}
    for locale in market.locales:
        entry = translations.get(locale)
        missing: list[str] = []
        if entry is None:
            texts[locale] = {
                "title": listing.title_zh,
                "description": listing.description_zh,
                "terms": {},
                "sources": {"title": "untranslated"},
            }
            missing.append("not_localized")
        else:
            texts[locale] = {key: entry.get(key) for key in TEXT_FIELDS}
            missing += [f"{field}_untranslated" for field in entry.get("missing", [])]
            if entry.get("missing") and entry.get("machine_error"):
                # Say why the machine left them: the service failed, not the text.
                missing.append("machine_translation_failed")
            if len(entry.get("title") or "") > TITLE_LIMIT:
                missing.append("title_too_long")
        texts[locale]["measures"] = _measures(listing, locale)
        if not listing.images:
            missing.append("image_missing")
        if not listing.hs_code:
            missing.append("hs_code_missing")
        readiness[locale] = {"ready": not missing, "missing": missing}
    return texts, readiness


def _measures(listing: ListingData, locale: str) -> dict:
    """Weight and packed size as the locale writes them (``0,22 kg``, ``30 × 25 × 2 см``)."""
    out = {}
    if listing.weight_g:
        out["weight"] = format_weight(listing.weight_g, locale)
    if None not in (listing.length_cm, listing.width_cm, listing.height_cm):
        out["size"] = format_size(listing.length_cm, listing.width_cm, listing.height_cm, locale)
    return out


def image_urls(listing: ListingData, base: str | None = None):
    base = base or current_app.config["PUBLIC_URL"].rstrip("/")
    for image in listing.images:
        yield f"{base}/images/{image.sha256}" if image.sha256 else image.url


def _customizations(listing: ListingData, landing: Landing | None) -> list[dict]:
    """Each option with its extra price per unit: the landed price with it minus without."""
    out = []
    first = listing.price_tiers[0] if listing.price_tiers else None
    for option in listing.customizations:
        extra = None
        if landing is not None and first is not None:
            # Per unit, on a consignment of the option's own minimum (or the first tier's).
            quantity = max(first.min_qty, option.extra_moq or 0, 1)
            try:
                base = consignment_price(landing, first.unit_price, quantity).price
                with_it = consignment_price(
                    landing, first.unit_price + option.extra_unit_cost, quantity
                ).price
                extra = str(with_it - base)
            except PricingError:
                extra = None
        out.append(
            {
                "name": option.name,
                "extra_price": extra,
                "extra_moq": option.extra_moq,
                "extra_unit_cost_cny": str(option.extra_unit_cost),
                "setup_fee_cny": str(option.setup_fee or 0),
            }
        )
    return out

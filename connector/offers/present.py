"""Offers as the exporter's listing page shows them: reasons in words, links to fix them."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from connector.offers.formats import babel_locale, format_price, price_digits, significant

COMPONENT_LABELS = {
    "goods": _l("Goods"),
    "shipping": _l("Shipping"),
    "duty": _l("Duty"),
    "vat": _l("VAT"),
    "fees": _l("Fees"),
    "margin": _l("Margin"),
    "rounding": _l("Rounding"),
}

# code -> (message, the form field that fixes it, or None when ops must act)
REASONS = {
    "fx_missing": (_l("No exchange rate from %(currency)s to %(market_currency)s yet."), None),
    "fx_stale": (
        _l(
            "The %(currency)s rate (%(source)s) is %(age_hours)s hours old; the limit is "
            "%(limit_hours)s."
        ),
        None,
    ),
    "size_or_weight_missing": (
        _l("Weight and packed size are needed to price shipping."),
        "weight_g",
    ),
    "weight_missing": (_l("Weight and packed size are needed to price shipping."), "weight_g"),
    "no_vat_rule": (_l("No VAT rule of this market covers the pricing date."), None),
    "no_customs_rule": (_l("No customs rule of this market covers the pricing date."), None),
    "mode_unavailable": (_l("This market has no rate card for the fulfilment mode."), None),
    "unit_exceeds_parcel_limits": (
        _l("One piece is heavier or bigger than this market's parcels may be."),
        "weight_g",
    ),
    "cost_not_positive": (_l("A variant's price works out at zero or less."), "variants"),
    "not_localized": (_l("Texts for this language are still being prepared."), None),
    "title_untranslated": (_l("The title has no translation yet."), "localized.%(locale)s.title"),
    "description_untranslated": (
        _l("The description has no translation yet."),
        "localized.%(locale)s.description",
    ),
    "terms_untranslated": (
        _l("These texts have no translation yet: %(terms)s."),
        "localized.%(locale)s.terms.%(term_key)s",
    ),
    "machine_translation_failed": (
        _l(
            "Machine translation (%(provider)s) failed, so nothing it would translate was "
            "written; the texts wait for your translation or the next try."
        ),
        "localized.%(locale)s.title",
    ),
    "title_too_long": (
        _l("The title is longer than 150 characters."),
        "localized.%(locale)s.title",
    ),
    "image_missing": (_l("Add at least one image."), "image_files"),
    "hs_code_missing": (_l("Add the HS code: the import duty depends on it."), "hs_code"),
    "listing_withdrawn": (_l("The listing is a draft again, so the offer is withdrawn."), None),
}


def reason_text(reason: dict) -> str:
    message, _field = REASONS.get(reason["code"], (None, None))
    if message is None:
        return reason["code"]
    params = {key: value for key, value in (reason.get("params") or {}).items()}
    try:
        return str(message) % params
    except (KeyError, ValueError, TypeError):
        return str(message)


def reason_field(reason: dict) -> str | None:
    _message, field = REASONS.get(reason["code"], (None, None))
    if field is None:
        return None
    params = reason.get("params") or {}
    try:
        return field % params if "%(" in field else field
    except (KeyError, ValueError, TypeError):
        # A reason stored before its params named the exact field: its language's texts.
        return f"localized.{params['locale']}" if "locale" in params else None


def money(amount: str | Decimal, currency: str, locale: str, step: Decimal | None = None) -> str:
    """An amount as the price table beside it shows prices (``step``: the market's rounding)."""
    digits = price_digits(currency, step)
    return format_price(Decimal(amount), currency, str(babel_locale(locale)), digits)


def breakdown_rows(document: dict, variant_index: int = 0, tier_index: int = 0) -> list[dict]:
    """Components of one price with their share of it, for the stacked bar and its table."""
    variants = document.get("variants") or []
    if not variants or not variants[variant_index]["prices"]:
        return []
    price = variants[variant_index]["prices"][tier_index]
    total = Decimal(price["price"])
    rows = []
    for name, amount in zip(document["components"], price["breakdown"], strict=True):
        value = Decimal(amount)
        share = float(value / total * 100) if total else 0.0  # only a bar width
        rows.append(
            {
                "name": name,
                "label": COMPONENT_LABELS.get(name, name),
                "amount": value,
                "share": max(share, 0.0),
            }
        )
    return rows


def rate_text(rate: str) -> str:
    """A rate for people: six significant digits (the stored rate keeps them all)."""
    return significant(Decimal(rate))


def rate_age(as_of: str) -> str:
    """How old a rate is, for people: hours under two days, days after."""
    from datetime import datetime

    from connector.models.types import utcnow

    hours = int((utcnow() - datetime.fromisoformat(as_of)).total_seconds() // 3600)
    if hours < 48:
        return str(_l("%(n)s h old", n=hours))
    return str(_l("%(n)s days old", n=hours // 24))

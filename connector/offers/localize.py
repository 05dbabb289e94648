"""Offer text per locale: a person's text first, then the glossary, then machine translation.

The result is stored on the listing (``Listing.translations``) so that every
later reprice reuses it without calling anyone. What no source could
translate stays in Chinese and is flagged, so the offer is not ready there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from adapters.errors import AdapterError
from adapters.translation.glossary import default_glossary
from connector.extensions import db
from connector.markets.registry import markets
from connector.models import Listing, TranslationMemo
from connector.models.translation import text_key

log = logging.getLogger(__name__)
SOURCE_LOCALE = "zh_Hans"


def market_locales() -> list[str]:
    seen: list[str] = []
    for market in markets().values():
        for locale in market.locales:
            if locale not in seen:
                seen.append(locale)
    return seen


def _structured_terms(listing: Listing) -> list[str]:
    """Short values a glossary can know: option names and values, category parts, attributes."""
    terms: list[str] = []
    for variant in listing.variants:
        for name, value in (variant.options or {}).items():
            terms += [name, value]
    if listing.category:
        terms += [part.strip() for part in listing.category.split(">") if part.strip()]
    for attribute in listing.attributes or []:
        terms += [attribute["name"], attribute["value"]]
    terms += [option.name for option in listing.customizations]
    return list(dict.fromkeys(term for term in terms if term))


def _memo(texts: Iterable[str], target: str) -> dict[str, str]:
    texts = list(texts)
    if not texts:
        return {}
    keys = {text_key(text): text for text in texts}
    rows = db.session.execute(
        select(TranslationMemo.text_hash, TranslationMemo.translated).where(
            TranslationMemo.source == SOURCE_LOCALE,
            TranslationMemo.target == target,
            TranslationMemo.text_hash.in_(list(keys)),
        )
    )
    return {keys[digest]: translated for digest, translated in rows}


def _machine_translate(texts: list[str], target: str, translator, provider: str) -> dict[str, str]:
    """Translate what the memo lacks; a failing provider leaves those texts untranslated."""
    known = _memo(texts, target)
    wanted = [text for text in texts if text not in known]
    if wanted and translator is not None:
        try:
            done = translator.translate_batch(wanted, SOURCE_LOCALE, target)
        except AdapterError as exc:
            log.warning("machine translation to %s failed: %s", target, exc)
            return known
        for text, translated in zip(wanted, done, strict=True):
            if translated.strip():
                db.session.add(
                    TranslationMemo(
                        source=SOURCE_LOCALE,
                        target=target,
                        text_hash=text_key(text),
                        text=text,
                        translated=translated,
                        provider=provider,
                    )
                )
                known[text] = translated
        db.session.flush()
    return known


def localize(listing: Listing, translator=None, provider: str = "libretranslate") -> dict:
    """Texts for every market locale, each with where it came from."""
    glossary = default_glossary()
    terms = _structured_terms(listing)
    option_terms = {
        text
        for variant in listing.variants
        for pair in (variant.options or {}).items()
        for text in pair
    }
    result: dict[str, dict] = {}
    for locale in market_locales():
        person = (listing.localized or {}).get(locale) or {}
        glossed = {term: glossary.translate_value(term, locale) for term in terms}
        to_machine = [term for term, value in glossed.items() if value is None]
        for field in ("title_zh", "description_zh"):
            text = getattr(listing, field) or ""
            if text and not person.get(field.removesuffix("_zh")):
                to_machine.append(text)
        machine = _machine_translate(list(dict.fromkeys(to_machine)), locale, translator, provider)
        entry: dict = {"terms": {}, "sources": {}, "missing": []}
        for field in ("title", "description"):
            original = getattr(listing, f"{field}_zh") or ""
            if person.get(field):
                entry[field], entry["sources"][field] = person[field], "exporter"
            elif not original:
                entry[field], entry["sources"][field] = "", "empty"
            elif original in machine:
                entry[field], entry["sources"][field] = machine[original], "machine"
            else:
                entry[field], entry["sources"][field] = original, "untranslated"
                entry["missing"].append(field)
        untranslated_terms = []
        for term in terms:
            if glossed[term] is not None:
                entry["terms"][term] = glossed[term]
            elif term in machine:
                entry["terms"][term] = machine[term]
            else:
                untranslated_terms.append(term)
        # Untranslated option names and values block the locale (buyers choose by
        # them); an untranslated attribute or category stays in Chinese but does not.
        untranslated_options = [term for term in untranslated_terms if term in option_terms]
        if untranslated_options:
            entry["missing"].append("terms")
            entry["untranslated_options"] = untranslated_options
        if untranslated_terms:
            entry["untranslated_terms"] = untranslated_terms
        result[locale] = entry
    return result


def translate_listing(listing: Listing) -> dict:
    """Run :func:`localize` with the configured machine translator, and store the result."""
    from adapters.translation import build_translator

    settings = current_app.config["TRANSLATION"]
    translator = None
    if settings.get("url"):
        try:
            translator = build_translator(settings)
        except AdapterError as exc:
            log.warning("machine translation unavailable: %s", exc)
    listing.translations = localize(listing, translator, settings.get("provider", "libretranslate"))
    return listing.translations

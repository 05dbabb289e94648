"""Offer text per locale: a person's text first, then the glossary, then machine translation.

The result is stored on the listing (``Listing.translations``) so that every
later reprice reuses it without calling anyone. What no source could
translate stays in Chinese and is flagged, so the offer is not ready there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from adapters.errors import AdapterError
from adapters.han import has_han
from adapters.translation.glossary import default_glossary, language_of
from adapters.translation.protect import PROTECTED_GROUPS, protect, restore
from connector.categories import category_tree, levels
from connector.categories import language_of as category_language
from connector.extensions import db
from connector.markets.registry import markets
from connector.models import Listing, TranslationMemo
from connector.models.translation import text_key
from connector.offers import glossary_review

log = logging.getLogger(__name__)
SOURCE_LOCALE = "zh_Hans"
# Attribute names that carry a brand: the brand reaches buyers as written.
BRAND_NAMES = frozenset({"品牌", "brand", "商标"})


def market_locales() -> list[str]:
    seen: list[str] = []
    for market in markets().values():
        for locale in market.locales:
            if locale not in seen:
                seen.append(locale)
    return seen


def term_key(term: str) -> str:
    """A short stable key for a source text: form field names and page anchors use it."""
    return text_key(term)[:12]


def buyer_terms(
    category: str | None,
    attributes: Iterable[Mapping],
    option_pairs: Iterable[tuple[str, str]],
    customization_names: Iterable[str],
) -> list[str]:
    """The short texts a buyer reads beside the title, in page order, once each.

    Only texts with Chinese characters need a translation ("M", "XL", "100%"
    read the same everywhere); a category from our tree is named by the tree.
    """
    terms: list[str] = []
    if category and category_tree().find(category) is None:
        terms += levels(category)
    for attribute in attributes:
        terms += [attribute.get("name") or "", attribute.get("value") or ""]
    for name, value in option_pairs:
        terms += [name, value]
    terms += list(customization_names)
    return list(dict.fromkeys(term for term in terms if has_han(term)))


def _structured_terms(listing: Listing) -> list[str]:
    return buyer_terms(
        listing.category,
        listing.attributes or [],
        [pair for variant in listing.variants for pair in (variant.options or {}).items()],
        [option.name for option in listing.customizations],
    )


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


def protected_terms(glossary, listing: Listing, locale: str) -> dict[str, str]:
    """Source terms the machine must leave alone in ``locale``, with the glossary's
    rendering: sizes, named prints, brands (the glossary's and the listing's own)."""
    terms: dict[str, str] = {}
    for term in glossary.terms_in(PROTECTED_GROUPS):
        # Latin sizes are held by pattern, with word bounds: "L" must not match in "LOGO".
        value = glossary.lookup(term, locale) if has_han(term) else None
        if value is not None:
            terms[term] = value
    for attribute in listing.attributes or []:
        if (attribute.get("name") or "").strip().casefold() not in BRAND_NAMES:
            continue
        brand = (attribute.get("value") or "").strip()
        rendering = brand if not has_han(brand) else glossary.translate_value(brand, locale)
        if brand and rendering and not has_han(rendering):
            terms[brand] = rendering
    return terms


@dataclass
class MachineResult:
    """What the machine gave for one language, and why it gave nothing if it failed."""

    texts: dict[str, str]
    error: dict | None = None
    unsafe: list[str] | None = None


def _machine_translate(
    texts: list[str], target: str, translator, provider: str, protected: dict[str, str]
) -> MachineResult:
    """Translate what the memo lacks, in one batch for the language, protected terms
    held by placeholders. A failing provider writes nothing and says why; a text whose
    placeholders did not come back is left untranslated (held), never half right."""
    known = _memo(texts, target)
    wanted = [text for text in texts if text not in known]
    if not wanted or translator is None:
        return MachineResult(known)
    held = [protect(text, protected) for text in wanted]
    try:
        done = translator.translate_batch([p.text for p in held], SOURCE_LOCALE, target)
    except AdapterError as exc:
        log.warning("machine translation to %s failed: %s", target, exc)
        return MachineResult(known, {"provider": provider, "error": exc.code})
    unsafe = []
    for text, protected_text, translated in zip(wanted, held, done, strict=True):
        restored = restore(translated, protected_text)
        if restored is None:
            unsafe.append(text)
            continue
        if restored.strip():
            db.session.add(
                TranslationMemo(
                    source=SOURCE_LOCALE,
                    target=target,
                    text_hash=text_key(text),
                    text=text,
                    translated=restored,
                    provider=provider,
                )
            )
            known[text] = restored
    db.session.flush()
    if unsafe:
        log.warning(
            "machine translation to %s lost protected terms in %d texts", target, len(unsafe)
        )
    return MachineResult(known, unsafe=unsafe or None)


def _readable(text: str | None) -> str | None:
    """A translation only counts if it has no Chinese left in it."""
    return text if text and not has_han(text) else None


def _category_text(listing: Listing, locale: str, terms: dict[str, str]) -> dict:
    """The category in ``locale``: from our tree, else from its levels' translations."""
    node = category_tree().find(listing.category)
    if node is not None:
        return {
            "category": category_tree().path(node, category_language(locale)),
            "category_id": node.id,
            "google_category": node.google_id,
        }
    parts = [terms.get(part) for part in levels(listing.category)]
    text = " > ".join(parts) if parts and all(parts) else None
    return {"category": text, "category_id": None, "google_category": None}


def _plan(listing: Listing, locale: str, terms: list[str], glossary) -> tuple:
    """A locale's person texts, own terms, glossary terms, and what is left for the machine."""
    person = (listing.localized or {}).get(locale) or {}
    own_terms = {
        term: text for term, text in (person.get("terms") or {}).items() if _readable(text)
    }
    glossed = {
        term: _readable(glossary.translate_value(term, locale))
        for term in terms
        if term not in own_terms
    }
    to_machine = [term for term, value in glossed.items() if value is None]
    for field in ("title_zh", "description_zh"):
        text = getattr(listing, field) or ""
        if text and not _readable(person.get(field.removesuffix("_zh"))):
            to_machine.append(text)
    return person, own_terms, glossed, to_machine


def localize(
    listing: Listing, translator=None, provider: str = "libretranslate", glossary=None
) -> dict:
    """Texts for every market locale, each with where it came from.

    A person's text first, then the glossary, then machine translation; a
    text that still holds Chinese is missing, and the locale is not ready.
    """
    glossary = glossary or default_glossary()
    terms = _structured_terms(listing)
    plans = {locale: _plan(listing, locale, terms, glossary) for locale in market_locales()}
    # One batch request per language (ru_KZ and ru_UZ read the same Russian).
    wanted: dict[str, list[str]] = {}
    for locale, (_person, _own, _glossed, to_machine) in plans.items():
        wanted.setdefault(language_of(locale), []).extend(to_machine)
    results = {
        lang: _machine_translate(
            list(dict.fromkeys(texts)),
            lang,
            translator,
            provider,
            protected_terms(glossary, listing, lang),
        )
        for lang, texts in wanted.items()
    }
    result: dict[str, dict] = {}
    for locale, (person, own_terms, glossed, _to_machine) in plans.items():
        machine_result = results[language_of(locale)]
        machine = {
            text: translated
            for text, translated in machine_result.texts.items()
            if _readable(translated) is not None
        }
        entry: dict = {"terms": {}, "term_sources": {}, "sources": {}, "missing": []}
        if machine_result.error is not None:
            entry["machine_error"] = machine_result.error
        if machine_result.unsafe:
            entry["machine_unsafe"] = machine_result.unsafe
        for field in ("title", "description"):
            original = getattr(listing, f"{field}_zh") or ""
            if _readable(person.get(field)):
                entry[field], entry["sources"][field] = person[field], "exporter"
            elif not original:
                entry[field], entry["sources"][field] = "", "empty"
            elif original in machine:
                entry[field], entry["sources"][field] = machine[original], "machine"
            elif not has_han(original):
                entry[field], entry["sources"][field] = original, "same"
            else:
                entry[field], entry["sources"][field] = original, "untranslated"
                entry["missing"].append(field)
        untranslated_terms = []
        for term in terms:
            for source, found in (
                ("exporter", own_terms.get(term)),
                ("glossary", glossed.get(term)),
                ("machine", machine.get(term)),
            ):
                if found is not None:
                    entry["terms"][term], entry["term_sources"][term] = found, source
                    break
            else:
                untranslated_terms.append(term)
        entry.update(_category_text(listing, locale, entry["terms"]))
        # Every text a buyer reads must be in the buyer's language: option names and
        # values, attributes, customization names and the category all block.
        if untranslated_terms:
            entry["missing"].append("terms")
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
    glossary = glossary_review.current_glossary()
    listing.translations = localize(
        listing, translator, settings.get("provider", "libretranslate"), glossary
    )
    # The exporter's own term translations the glossary lacks wait for ops review.
    glossary_review.propose_from(listing, glossary, has_han)
    return listing.translations

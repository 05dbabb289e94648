"""Curated translations of the Chinese terms factories put in structured values.

Option names (颜色, 尺码), values (红色, XL, 纯棉), categories, units and
customization terms are short and recurrent: machine translation gets them
wrong out of context, so they come from reviewed files instead, one per
language, in ``locales/glossary/<lang>.json``::

    {"_meta": {"language": "vi", "review_method": "...", "reviewed_on": "2026-11-26", ...},
     "terms": {"color": {"红色": "đỏ", ...}, "size": {...}, ...}}

Every file must hold the same terms in the same groups; a term missing in one
language is a load error, not a silent fallback. Values are stored as they
appear mid-sentence (lower-case unless they start with an acronym or a size
such as XL); :func:`capitalize_first` makes a label of one.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "locales" / "glossary"
META_KEYS = ("language", "review_method", "reviewed_on")

# Separators inside compound values ("红色/XL", "白色 M", "黑色，均码").
_SEPARATOR = re.compile(r"(\s*[/|,;+、\-]\s*|\s+)")
# Where Chinese meets Latin or digits without a separator ("红色XL").
_SCRIPT_BOUNDARY = re.compile(
    r"(?<=[\u3400-\u9fff])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[\u3400-\u9fff])"
)
# Numbers and measurements need no translation ("39", "500ml", "1.5m").
_MEASURE = re.compile(r"^\d+(?:[.,]\d+)?(?:mm|cm|m|ml|l|g|kg|\")?$", re.IGNORECASE)


class GlossaryError(ValueError):
    """A glossary file is missing, malformed, or out of step with the others."""


def normalize_term(text: str) -> str:
    """Fold full-width forms to half-width (NFKC), collapse whitespace, ignore Latin case."""
    folded = unicodedata.normalize("NFKC", text)
    return " ".join(folded.split()).casefold()


def capitalize_first(text: str) -> str:
    """``"màu sắc"`` -> ``"Màu sắc"``: the label form of a stored value."""
    return text[:1].upper() + text[1:]


def language_of(locale: str) -> str:
    """The glossary language of a locale: ``ru_KZ`` -> ``ru``, ``uz-UZ`` -> ``uz``."""
    return locale.strip().replace("-", "_").split("_", 1)[0].lower()


class Glossary:
    """Reviewed translations of Chinese terms, looked up per language."""

    def __init__(
        self,
        translations: Mapping[str, Mapping[str, str]],
        groups: Mapping[str, str] | None = None,
        meta: Mapping[str, Mapping] | None = None,
    ) -> None:
        # translations: language -> {term_zh: value}; groups: term_zh -> group name.
        self._by_language = {
            lang: {normalize_term(term): value for term, value in values.items()}
            for lang, values in translations.items()
        }
        self._terms = frozenset(next(iter(translations.values()), {}).keys())
        self._groups = {normalize_term(term): group for term, group in (groups or {}).items()}
        self.meta = dict(meta or {})

    @classmethod
    def load(cls, directory: Path | str = DEFAULT_DIR) -> Glossary:
        """Read and validate every ``<lang>.json`` in ``directory``."""
        directory = Path(directory)
        files = sorted(directory.glob("*.json"))
        if not files:
            raise GlossaryError(f"no glossary files in {directory}")
        documents = {path.stem: _read(path) for path in files}
        return cls.from_documents(documents)

    @classmethod
    def from_documents(cls, documents: Mapping[str, object]) -> Glossary:
        """Build from parsed files (language -> document), validating them all."""
        translations: dict[str, dict[str, str]] = {}
        groups_by_language: dict[str, dict[str, str]] = {}
        meta: dict[str, Mapping] = {}
        for lang, document in documents.items():
            meta[lang], groups_by_language[lang], translations[lang] = _validate(lang, document)
        _check_same_terms(groups_by_language)
        groups = next(iter(groups_by_language.values()))
        return cls(translations, groups, meta)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_language))

    @property
    def terms(self) -> frozenset[str]:
        return self._terms

    def terms_in(self, groups: Iterable[str]) -> list[str]:
        """The source terms filed in any of ``groups`` (``size``, ``print``…)."""
        wanted = set(groups)
        return sorted(term for term in self._terms if self.group_of(term) in wanted)

    def with_entries(self, entries: Iterable[tuple[str, str, str, str]]) -> Glossary:
        """This glossary and reviewed entries beside it: ``(term, language, value, group)``.

        An entry replaces the file's value of its term in its language only; the
        files stay the shared base every language is checked against.
        """
        translations = {lang: dict(values) for lang, values in self._by_language.items()}
        groups = dict(self._groups)
        terms = set(self._terms)
        for term, lang, value, group in entries:
            key = normalize_term(term)
            translations.setdefault(language_of(lang), {})[key] = value
            groups.setdefault(key, group)
            terms.add(term)
        merged = Glossary({}, meta=self.meta)
        merged._by_language, merged._groups, merged._terms = translations, groups, frozenset(terms)
        return merged

    def group_of(self, term_zh: str) -> str | None:
        """The group of a term (``color``, ``size``, ``unit``…), or None."""
        return self._groups.get(normalize_term(term_zh))

    def lookup(self, term_zh: str, lang: str, after_number: bool = False) -> str | None:
        """The reviewed translation of one term, or None (unknown term or language).

        ``lang`` may be a locale (``ru_KZ``). A bare colour root also matches its
        ``…色`` entry (``红`` -> ``红色``). A unit is a unit only after a number
        (``after_number``): standing alone, a unit that is also a colour root is the
        colour, as factories write it in colour options (``米`` is beige, ``1.5米``
        is metres).
        """
        values = self._by_language.get(language_of(lang))
        if values is None or not term_zh:
            return None
        key = normalize_term(term_zh)
        found = values.get(key)
        colour = None if key.endswith("色") else values.get(key + "色")
        if found is None:
            return colour
        if colour is not None and not after_number and self._groups.get(key) == "unit":
            return colour
        return found

    def translate_value(self, text: str, lang: str) -> str | None:
        """Translate a whole value, or a compound of glossary terms (``红色/XL``,
        ``白色 M``); None unless every part is known. Numbers pass through."""
        whole = self.lookup(text, lang)
        if whole is not None:
            return whole
        normalized = " ".join(unicodedata.normalize("NFKC", text).split())
        if not normalized:
            return None
        pieces = _SEPARATOR.split(normalized)
        out: list[str] = []
        for index, piece in enumerate(pieces):
            if index % 2:  # a separator
                out.append(_render_separator(piece))
                continue
            translated = self._translate_token(piece, lang)
            if translated is None:
                return None
            out.append(translated)
        return "".join(out)

    def _translate_token(self, token: str, lang: str) -> str | None:
        if not token:
            return None
        if _MEASURE.match(token):
            return token
        found = self.lookup(token, lang)
        if found is not None:
            return found
        parts = _SCRIPT_BOUNDARY.split(token)
        if len(parts) < 2:
            return None
        translated = []
        for index, part in enumerate(parts):
            if index and _MEASURE.match(parts[index - 1]):
                # "1.5米": the part after a number is its unit.
                found = self.lookup(part, lang, after_number=True)
            else:
                found = self._translate_token(part, lang)
            if found is None:
                return None
            translated.append(found)
        return " ".join(translated)


def _render_separator(separator: str) -> str:
    stripped = separator.strip()
    if stripped in (",", "、"):
        return ", "
    if not stripped:
        return " "
    return separator


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The shipped glossary, loaded on first use (never at import)."""
    return Glossary.load(DEFAULT_DIR)


# -- validation ------------------------------------------------------------------------


def _read(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise GlossaryError(f"{path.name}: cannot read JSON: {exc}") from exc


def _validate(lang: str, document: object) -> tuple[Mapping, dict[str, str], dict[str, str]]:
    """Check one file; return its meta, term -> group, and term -> translation."""
    if not isinstance(document, dict):
        raise GlossaryError(f"{lang}: the file must hold a JSON object")
    meta = document.get("_meta")
    if not isinstance(meta, dict):
        raise GlossaryError(f"{lang}: missing _meta block")
    missing_meta = [key for key in META_KEYS if not meta.get(key)]
    if missing_meta:
        raise GlossaryError(f"{lang}: _meta lacks {', '.join(missing_meta)}")
    if meta["language"] != lang:
        raise GlossaryError(f"{lang}: _meta.language is {meta['language']!r}")
    try:
        date.fromisoformat(str(meta["reviewed_on"]))
    except ValueError as exc:
        raise GlossaryError(f"{lang}: _meta.reviewed_on is not an ISO date") from exc
    terms = document.get("terms")
    if not isinstance(terms, dict) or not terms:
        raise GlossaryError(f"{lang}: missing terms")
    groups: dict[str, str] = {}
    translations: dict[str, str] = {}
    seen: dict[str, str] = {}
    for group, entries in terms.items():
        if not isinstance(entries, dict) or not entries:
            raise GlossaryError(f"{lang}: group {group!r} must be a non-empty object")
        for term, value in entries.items():
            if not isinstance(value, str) or not value.strip() or value != value.strip():
                raise GlossaryError(f"{lang}: {term!r} has an empty or untrimmed translation")
            key = normalize_term(term)
            if key in seen:
                raise GlossaryError(f"{lang}: {term!r} appears twice (also as {seen[key]!r})")
            seen[key] = term
            groups[term] = group
            translations[term] = value
    return meta, groups, translations


def _check_same_terms(groups_by_language: Mapping[str, Mapping[str, str]]) -> None:
    """Every language must translate every term, each in the same group."""
    all_terms: set[str] = set()
    for groups in groups_by_language.values():
        all_terms.update(groups)
    problems = []
    for lang, groups in sorted(groups_by_language.items()):
        missing = sorted(all_terms - set(groups))
        if missing:
            problems.append(f"{lang} lacks {_short(missing)}")
    reference_lang, reference = next(iter(sorted(groups_by_language.items())))
    for lang, groups in sorted(groups_by_language.items()):
        moved = sorted(t for t in groups if t in reference and groups[t] != reference[t])
        if moved:
            problems.append(f"{lang} files {_short(moved)} in another group than {reference_lang}")
    if problems:
        raise GlossaryError("; ".join(problems))


def _short(terms: Iterable[str], limit: int = 10) -> str:
    terms = list(terms)
    shown = ", ".join(terms[:limit])
    return shown + (f" and {len(terms) - limit} more" if len(terms) > limit else "")

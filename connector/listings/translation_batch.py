"""Missing texts of many listings in one file per language (PO or XLIFF 2.0), and back.

Every text is a unit named after its listing and place: ``l12.title``,
``l12.description``, ``l12.term.<key>`` (the key of the Chinese term, as the
grid uses it); in PO files that name is the entry's context. Reading a file
back is all or nothing for its shape: a file that is not one of ours, or not
for the chosen language, is refused with a code naming the problem before
anything is written. Then each listing's entries are sorted as the one-listing
import sorts them: an entry whose text differs from the exporter's own text is
a conflict, never applied until someone chooses it explicitly (:func:`resolve`,
which also checks the own text is still the one they saw).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from connector.extensions import db
from connector.listings import form_input, service, translation_files, translation_grid
from connector.listings.xliff import Unit, XliffError, bcp47, read_xliff, write_xliff
from connector.models import Listing, Role, User

FORMATS = ("po", "xliff")
MAX_BYTES = 16 * 1024 * 1024
UNIT_ID = re.compile(r"^l(\d{1,12})\.(title|description|term\.[0-9a-f]{12})$")


# Why a file is refused, by code; each names the problem (and the unit, when one is at fault).
PROBLEMS = {
    "too_big": _l("This file is too big."),
    "unreadable": _l("This is not a PO or XLIFF 2.0 file we can read."),
    "dtd": _l("The file declares a DTD or entities; a translation file needs none."),
    "not_xliff": _l(
        "The file is XML but not XLIFF 2.0: the root must be an xliff element with "
        "version 2.0 in the XLIFF 2.0 namespace."
    ),
    "no_languages": _l("The xliff element needs both srcLang and trgLang."),
    "no_file": _l("The XLIFF file has no file element."),
    "unit_without_id": _l("A unit of the XLIFF file has no id."),
    "duplicate_unit": _l("The unit %(unit)s appears twice."),
    "no_source": _l("The unit %(unit)s has no segment with a source."),
    "markup": _l("The unit %(unit)s holds inline markup; give its target as plain text."),
    "source_language": _l("The file's source language is %(language)s, not Chinese (zh-Hans)."),
    "other_language": _l("This file is for %(language)s, not for the language chosen."),
    "bad_unit": _l("%(unit)s is not the name of a text we exported."),
    "invalid_text": _l("The text of %(unit)s breaks the listing's rules: %(detail)s"),
}


def problem_text(error: BatchFileError) -> str:
    """The reader's message for a refused file."""
    message = PROBLEMS.get(error.code, PROBLEMS["unreadable"])
    try:
        return str(message) % error.params
    except (KeyError, TypeError, ValueError):
        return str(message)


class BatchFileError(ValueError):
    """The upload cannot be read as a translation file for this language; ``code`` says why."""

    def __init__(self, code: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class MissingText:
    listing_id: int
    unit: str
    source: str
    note: str


@dataclass
class BatchResult:
    """What an import or a resolution did: applied units, conflicts, units left out."""

    locale: str
    applied: list[dict] = field(default_factory=list)  # listing_id, unit
    conflicts: list[dict] = field(default_factory=list)  # listing_id, unit, source, own, theirs
    skipped: list[dict] = field(default_factory=list)  # unit, reason


# -- which texts ----------------------------------------------------------------------


def _listings(user: User, supplier_id: int | None) -> list[Listing]:
    query = service.visible_listings(user).order_by(Listing.id)
    if supplier_id is not None:
        query = query.where(Listing.supplier_id == supplier_id)
    return list(db.session.execute(query).scalars())


def _grid(listing: Listing) -> tuple[dict, dict]:
    stored = form_input.values_from_listing(listing)["localized"]
    return translation_grid.grid(listing, stored), stored


def _column(grid: dict, locale: str) -> int | None:
    for index, column in enumerate(grid["columns"]):
        if column["locale"] == locale:
            return index
    return None


def _unit_of(listing_id: int, row: dict) -> str:
    if row["field"] == "terms":
        return f"l{listing_id}.term.{row['key']}"
    return f"l{listing_id}.{row['field']}"


def _context(row: dict) -> str:
    return "term" if row["field"] == "terms" else row["field"]


def missing_texts(user: User, locale: str, supplier_id: int | None = None) -> list[MissingText]:
    """Every text of the listings ``user`` sees that has no ``locale`` translation yet."""
    texts = []
    for listing in _listings(user, supplier_id):
        grid, _stored = _grid(listing)
        column = _column(grid, locale)
        if column is None:
            continue
        for row in grid["rows"]:
            if row["source"] and row["cells"][column]["source"] == "missing":
                note = f"{listing.id} · {_context(row)} · {listing.title_zh}"
                texts.append(
                    MissingText(listing.id, _unit_of(listing.id, row), row["source"], note)
                )
    return texts


def export_po(texts: list[MissingText], locale: str) -> bytes:
    catalog = Catalog(
        locale=locale,
        project="listings",
        fuzzy=False,
        header_comment=f"# Listing texts still missing in {locale}.",
    )
    for text in texts:
        catalog.add(text.source, "", context=text.unit, auto_comments=[text.note])
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False)
    return out.getvalue()


def export_xliff(texts: list[MissingText], locale: str) -> bytes:
    units = [Unit(t.unit, t.source, "", t.note) for t in texts]
    return write_xliff(units, "zh-Hans", bcp47(locale), "listings")


# -- reading a file -------------------------------------------------------------------


def read_file(data: bytes, locale: str) -> list[tuple[str, str, str]]:
    """(unit, source, translation) of every translated entry. Raises BatchFileError."""
    if len(data) > MAX_BYTES:
        raise BatchFileError("too_big")
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        entries = _read_xliff(data, locale)
    else:
        entries = _read_po(data, locale)
    for unit, _source, _text in entries:
        if not UNIT_ID.match(unit):
            raise BatchFileError("bad_unit", unit=unit[:80])
    return [entry for entry in entries if entry[2]]


def _read_xliff(data: bytes, locale: str) -> list[tuple[str, str, str]]:
    try:
        src, trg, units = read_xliff(data)
    except XliffError as exc:
        raise BatchFileError(exc.code, **exc.params) from exc
    if not src.lower().startswith("zh"):
        raise BatchFileError("source_language", language=src[:20])
    if trg.lower() != bcp47(locale).lower():
        raise BatchFileError("other_language", language=trg[:20])
    return [(unit.id, unit.source, unit.target) for unit in units]


def _read_po(data: bytes, locale: str) -> list[tuple[str, str, str]]:
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise BatchFileError("unreadable") from exc
    if catalog.locale is not None and str(catalog.locale) != locale:
        raise BatchFileError("other_language", language=str(catalog.locale))
    entries = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        if not message.context:
            raise BatchFileError("bad_unit", unit=message.id[:80])
        text = message.string if isinstance(message.string, str) else ""
        entries.append((message.context, message.id, text.strip()))
    if not entries:
        raise BatchFileError("unreadable")
    return entries


# -- applying it ----------------------------------------------------------------------


def _by_listing(entries: list[tuple[str, str, str]]) -> dict[int, list[tuple[str, str, str]]]:
    grouped: dict[int, list[tuple[str, str, str]]] = {}
    for unit, source, text in entries:
        listing_id = int(UNIT_ID.match(unit).group(1))
        grouped.setdefault(listing_id, []).append((unit, source, text))
    return grouped


def _rows_by_unit(listing: Listing, grid: dict) -> dict[str, dict]:
    return {_unit_of(listing.id, row): row for row in grid["rows"]}


def _visible(user: User, listing_id: int) -> Listing | None:
    try:
        return service.get_visible(user, listing_id)
    except service.NotVisible:
        return None


def import_entries(user: User, locale: str, entries: list[tuple[str, str, str]]) -> BatchResult:
    """Apply what adds a translation; list conflicts with own texts and what no longer fits.

    Every listing's new data is validated before the first one is written.
    Raises BatchFileError("invalid_text", unit=...) when a text breaks a listing's rules.
    """
    result = BatchResult(locale)
    writes: list[tuple[Listing, dict]] = []
    for listing_id, items in _by_listing(entries).items():
        listing = _visible(user, listing_id)
        if listing is None:
            result.skipped += [{"unit": unit, "reason": "no_listing"} for unit, _s, _t in items]
            continue
        grid, stored = _grid(listing)
        rows = _rows_by_unit(listing, grid)
        planned, units = [], {}
        for unit, source, text in items:
            row = rows.get(unit)
            if row is None or row["source"] != source:
                result.skipped.append({"unit": unit, "reason": "source_changed"})
                continue
            planned.append((_context(row), source, text))
            units[(_context(row), source)] = unit
        plan = translation_files.plan_import(
            locale, planned, grid["rows"], stored.get(locale) or {}
        )
        for conflict in plan.conflicts:
            unit = next(u for (c, s), u in units.items() if s == conflict["source"])
            result.conflicts.append({"listing_id": listing.id, "unit": unit, **conflict})
        if plan.apply:
            writes.append((listing, _new_data(listing, stored, locale, plan.apply, units)))
            result.applied += [
                {"listing_id": listing.id, "unit": units[key]}
                for key in units
                if _applies(plan.apply, key)
            ]
    for listing, data in writes:
        service.replace_listing(listing, data)
    return result


def _applies(apply: dict, key: tuple[str, str]) -> bool:
    context, source = key
    if context == "term":
        return source in (apply.get("terms") or {})
    return context in apply


def _new_data(listing: Listing, stored: dict, locale: str, texts: dict, units: dict) -> dict:
    data = service.listing_input(listing)
    data["localized"] = form_input.merge_localized(stored, {locale: texts})
    try:
        return service.validate_listing(data)
    except ValidationError as exc:
        db.session.rollback()
        unit = next(iter(units.values()), f"l{listing.id}")
        raise BatchFileError("invalid_text", unit=unit, detail=str(exc.messages)[:200]) from exc


def resolve(user: User, locale: str, choices: list[dict]) -> BatchResult:
    """Apply the texts someone chose over the exporter's own, each only if the own text
    is still the one they saw (``own``); otherwise it is a conflict again."""
    result = BatchResult(locale)
    grouped: dict[int, list[dict]] = {}
    for choice in choices:
        match = UNIT_ID.match(choice["unit"])
        if match is None:
            raise BatchFileError("bad_unit", unit=choice["unit"][:80])
        grouped.setdefault(int(match.group(1)), []).append(choice)
    writes = []
    for listing_id, items in grouped.items():
        listing = _visible(user, listing_id)
        if listing is None:
            result.skipped += [{"unit": c["unit"], "reason": "no_listing"} for c in items]
            continue
        grid, stored = _grid(listing)
        rows = _rows_by_unit(listing, grid)
        own = stored.get(locale) or {}
        texts: dict = {}
        units = {}
        for choice in items:
            row = rows.get(choice["unit"])
            if row is None:
                result.skipped.append({"unit": choice["unit"], "reason": "source_changed"})
                continue
            context, source = _context(row), row["source"]
            current = (
                (own.get("terms") or {}).get(source) if context == "term" else own.get(context)
            )
            if (current or "") != (choice.get("own") or ""):
                result.conflicts.append(
                    {
                        "listing_id": listing.id,
                        "unit": choice["unit"],
                        "source": source,
                        "own": current or "",
                        "theirs": choice["text"],
                    }
                )
                continue
            if context == "term":
                texts.setdefault("terms", {})[source] = choice["text"]
            else:
                texts[context] = choice["text"]
            units[(context, source)] = choice["unit"]
            result.applied.append({"listing_id": listing.id, "unit": choice["unit"]})
        if texts:
            writes.append((listing, _new_data(listing, stored, locale, texts, units)))
    for listing, data in writes:
        service.replace_listing(listing, data)
    return result


def supplier_filter(user: User, raw: str | None) -> int | None:
    """Ops may narrow an export to one factory; exporters always get their own."""
    if not raw or user.role != Role.OPS:
        return None
    return int(raw) if raw.isdigit() else None


def known_locales() -> list[str]:
    from connector.offers.localize import market_locales

    return market_locales()


__all__ = [
    "FORMATS",
    "BatchFileError",
    "BatchResult",
    "MissingText",
    "export_po",
    "export_xliff",
    "import_entries",
    "missing_texts",
    "read_file",
    "resolve",
]

"""A listing's missing texts as a PO file for a translator, and the file read back.

One file per language: each entry's context says which text it is (``title``,
``description`` or ``term``), its msgid is the Chinese source. Reading a file
back never overwrites the exporter's own text silently: an entry whose text
differs from what the exporter wrote is a conflict, shown and not applied.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

CONTEXTS = ("title", "description", "term")
MAX_BYTES = 2 * 1024 * 1024  # a listing's texts are a few kilobytes


class TranslationFileError(ValueError):
    """The upload is not a PO file we can read, or not for a language of this listing."""


@dataclass
class ImportPlan:
    """What a translated file would change: texts to apply, and what is left out and why."""

    locale: str
    apply: dict = field(default_factory=dict)  # {"title": ..., "terms": {source: text}}
    conflicts: list[dict] = field(default_factory=list)  # source, own, theirs
    unknown: list[str] = field(default_factory=list)  # sources the listing no longer has


def missing_po(listing_id: int, locale: str, rows: list[dict], column: int) -> bytes:
    """The texts of grid ``column`` that have no translation yet, as a PO file."""
    catalog = Catalog(
        locale=locale,
        project=f"listing-{listing_id}",
        fuzzy=False,
        header_comment=f"# Texts of listing {listing_id} still missing in {locale}.",
    )
    for row in rows:
        cell = row["cells"][column]
        if cell["source"] != "missing" or not row["source"]:
            continue
        context = "term" if row["field"] == "terms" else row["field"]
        catalog.add(row["source"], "", context=context)
    out = io.BytesIO()
    write_po(out, catalog, width=0, omit_header=False)
    return out.getvalue()


def read_translated(data: bytes, locale: str) -> list[tuple[str, str, str]]:
    """(context, source, translation) of every translated entry in a PO file's bytes.

    Raises TranslationFileError: too big, unreadable, or for another language.
    """
    if len(data) > MAX_BYTES:
        raise TranslationFileError("too_big")
    try:
        catalog = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, UnicodeDecodeError, ValueError) as exc:
        raise TranslationFileError("unreadable") from exc
    if catalog.locale is not None and str(catalog.locale) != locale:
        raise TranslationFileError("other_language")
    entries = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        text = message.string if isinstance(message.string, str) else ""
        if message.context in CONTEXTS and text.strip():
            entries.append((message.context, message.id, text.strip()))
    return entries


def plan_import(
    locale: str, entries: list[tuple[str, str, str]], rows: list[dict], own: dict
) -> ImportPlan:
    """Sort the file's entries into texts to apply, conflicts with own text, unknown sources.

    ``rows`` are the grid rows (their current sources); ``own`` the exporter's own
    texts in ``locale`` (``{"title": ..., "terms": {...}}``).
    """
    plan = ImportPlan(locale)
    known = {("term" if r["field"] == "terms" else r["field"], r["source"]) for r in rows}
    own_terms = own.get("terms") or {}
    for context, source, text in entries:
        if (context, source) not in known:
            plan.unknown.append(source)
            continue
        mine = own_terms.get(source) if context == "term" else own.get(context)
        if mine and mine != text:
            plan.conflicts.append({"source": source, "own": mine, "theirs": text})
            continue
        if context == "term":
            plan.apply.setdefault("terms", {})[source] = text
        else:
            plan.apply[context] = text
    return plan

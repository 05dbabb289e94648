"""A listing's translation grid: each text a buyer reads x each market language.

Each cell holds the exporter's own text (what the page lets them edit) and the
text buyers get now, with where it comes from: the exporter, the glossary,
machine translation, our category tree, or nowhere yet (missing).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from adapters.han import has_han
from connector.listings.form_input import copy_localized, form_terms, values_from_listing
from connector.listings.form_page import localized_rows
from connector.models import Listing

SOURCE_LABELS = {
    "exporter": _l("Exporter"),
    "glossary": _l("Glossary"),
    "machine": _l("Machine"),
    "same": _l("Same in every language"),
    "empty": _l("Empty"),
    "missing": _l("Missing"),
}


def _cell(name: str, own: str, current: str | None, source: str | None) -> dict:
    if own:
        source = "exporter"
    elif not current or has_han(current) or source in (None, "untranslated"):
        source, current = "missing", None
    return {
        "name": name,
        "own": own,
        "current": current,
        "source": source,
        "source_label": str(SOURCE_LABELS.get(source, source)),
    }


def grid(listing: Listing, localized: dict) -> dict:
    """Columns (languages), rows (source texts) and one cell per pair, for the page."""
    values = values_from_listing(listing)
    values["localized"] = {locale: copy_localized(text) for locale, text in localized.items()}
    columns = localized_rows(values)
    translations = listing.translations or {}
    rows = [
        {"label": _l("Title"), "source": listing.title_zh, "field": "title", "long": False},
        {
            "label": _l("Description"),
            "source": listing.description_zh or "",
            "field": "description",
            "long": True,
        },
    ]
    terms = form_terms(values)
    rows += [{"label": None, "source": term, "field": "terms", "long": False} for term in terms]
    for row in rows:
        row["cells"] = []
        for column in columns:
            locale = column["locale"]
            done = translations.get(locale) or {}
            if row["field"] == "terms":
                own = next(t["text"] for t in column["terms"] if t["source"] == row["source"])
                key = next(t["key"] for t in column["terms"] if t["source"] == row["source"])
                name = f"localized.{locale}.terms.{key}"
                row["key"] = key
                current = (done.get("terms") or {}).get(row["source"])
                source = (done.get("term_sources") or {}).get(row["source"])
            else:
                own = column[row["field"]]
                name = f"localized.{locale}.{row['field']}"
                current = done.get(row["field"])
                source = (done.get("sources") or {}).get(row["field"])
            row["cells"].append(_cell(name, own, current, source))
    return {"columns": columns, "rows": rows}

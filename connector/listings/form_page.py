"""The listing form as a page: labels, rows to show, where each error is and links to.

The conversion between posted fields and listing data is in
:mod:`connector.listings.form_input`; this module only arranges it for people.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from connector.categories import category_tree
from connector.categories import language_of as category_language
from connector.extensions import db
from connector.listings.form_input import (
    LOCALIZED_FIELDS,
    ROW_FIELDS,
    UPLOAD_FIELD,
    blank_row,
    form_terms,
)
from connector.models import StoredImage
from connector.offers.localize import term_key

# Blank rows a page shows at least, so the form works without JavaScript.
MIN_ROWS = {"attributes": 1, "price_tiers": 3, "variants": 1, "customizations": 1}
# The schema's list limits, so the "Add" buttons stop where the server would.
MAX_ROWS = {"attributes": 50, "price_tiers": 10, "variants": 200, "customizations": 20}

LABELS = {
    "supplier_id": _l("Factory"),
    "title_zh": _l("Title (Chinese)"),
    "description_zh": _l("Description (Chinese)"),
    "category": _l("Category"),
    "hs_code": _l("HS code"),
    "weight_g": _l("Packed weight (g)"),
    "length_cm": _l("Length (cm)"),
    "width_cm": _l("Width (cm)"),
    "height_cm": _l("Height (cm)"),
    "units_per_carton": _l("Pieces per carton"),
    "carton_length_cm": _l("Carton length (cm)"),
    "carton_width_cm": _l("Carton width (cm)"),
    "carton_height_cm": _l("Carton height (cm)"),
    "carton_weight_g": _l("Full carton weight (g)"),
    "lead_time_days": _l("Lead time (days)"),
    "moq": _l("Minimum order quantity"),
    "attributes": _l("Attributes"),
    "price_tiers": _l("Price tiers"),
    "variants": _l("Variants"),
    "customizations": _l("Customization options"),
    "images": _l("Images"),
    "image_files": _l("Upload images"),
    "localized": _l("Own translations"),
    "option_names": _l("Option names"),
    "status": _l("Status"),
}
ROW_LABELS = {
    "attributes": _l("Attribute %(n)s"),
    "price_tiers": _l("Tier %(n)s"),
    "variants": _l("Variant %(n)s"),
    "customizations": _l("Customization %(n)s"),
    "images": _l("Image %(n)s"),
}
COLUMN_LABELS = {
    "attributes.name": _l("Name"),
    "attributes.value": _l("Value"),
    "price_tiers.min_qty": _l("From quantity"),
    "price_tiers.unit_price": _l("Unit price (CNY)"),
    "variants.sku": _l("SKU"),
    "variants.options": _l("Option values"),
    "variants.price": _l("Own price"),
    "variants.price_delta": _l("Price change"),
    "variants.stock": _l("Stock"),
    "customizations.name": _l("Name"),
    "customizations.extra_unit_cost": _l("Extra cost per unit (CNY)"),
    "customizations.extra_moq": _l("Extra minimum order"),
    "customizations.setup_fee": _l("Setup fee per order (CNY)"),
    "images.sha256": _l("Uploaded image"),
    "images.url": _l("Image address (URL)"),
    "localized.title": _l("Title"),
    "localized.description": _l("Description"),
}


def rows_to_render(values: dict) -> dict[str, list[dict]]:
    """Each row section padded with blank rows up to its minimum."""
    slots = len(values["option_names"])
    padded = {}
    for section in ROW_FIELDS:
        rows = list(values[section])
        rows += [blank_row(section, slots) for _ in range(MIN_ROWS[section] - len(rows))]
        padded[section] = rows
    return padded


def _market_locales() -> list[str]:
    from connector.offers.localize import market_locales

    try:
        return market_locales()
    except KeyError:  # markets not loaded in this app
        current_app.logger.warning("no markets loaded; the form offers no own translations")
        return []


def language_name(locale: str) -> str:
    """``ru_KZ`` as the reader's language names it: "Russian (Kazakhstan)", "俄语 (哈萨克斯坦)"."""
    reader = Locale.parse(str(get_locale() or "en"))
    try:
        return Locale.parse(locale).get_display_name(reader) or locale
    except (UnknownLocaleError, ValueError):
        # CLDR lacks some pairs (ru_UZ); name the language and the country separately.
        language, _sep, territory = locale.partition("_")
        try:
            name = Locale.parse(language).get_display_name(reader) or language
        except (UnknownLocaleError, ValueError):
            return locale
        return f"{name} ({reader.territories.get(territory, territory)})" if territory else name


def localized_rows(values: dict) -> list[dict]:
    """One row per market language (and any language the listing already has text for).

    Each row carries the listing's short texts that need translating, with the
    exporter's own translation of each (the field a "what to fix" link opens).
    """
    locales = list(dict.fromkeys([*_market_locales(), *values["localized"]]))
    sources = form_terms(values)
    rows = []
    for locale in locales:
        own = values["localized"].get(locale, {})
        own_terms = own.get("terms") or {}
        rows.append(
            {
                "locale": locale,
                "name": language_name(locale),
                **{name: own.get(name, "") for name in LOCALIZED_FIELDS},
                "terms": [
                    {"key": term_key(source), "source": source, "text": own_terms.get(source, "")}
                    for source in sources
                ],
            }
        )
    return rows


def category_choices() -> list[dict]:
    """The tree for the picker: each stored (Chinese) path, named in the reader's language."""
    tree = category_tree()
    reader = category_language(str(get_locale() or "en"))
    choices = []
    for node in tree.all():
        source = tree.path(node, "zh_Hans")
        shown = tree.path(node, reader) or tree.path(node, "en")
        hint = _("HS %(heading)s", heading=node.hs_hint) if node.hs_hint else ""
        choices.append({"value": source, "label": " · ".join(p for p in (shown, hint) if p)})
    return choices


def image_previews(values: dict) -> list[dict]:
    """The image rows with where to show each one from (thumbnail once it is ready)."""
    previews = []
    for ref in values["images"]:
        # External addresses are not loaded into our pages; only our own files are.
        preview = None
        sha = ref.get("sha256")
        if sha:
            stored = db.session.get(StoredImage, sha) if len(sha) == 64 else None
            if stored is not None:
                endpoint = "images.thumbnail" if stored.has_thumbnail else "images.original"
                preview = url_for(endpoint, sha256=stored.sha256)
        previews.append({**ref, "preview": preview})
    return previews


def row_label(section: str, index) -> str:
    """The legend of one row: "Tier 2"; a template row (index not a number) says "Tier …"."""
    number = index + 1 if isinstance(index, int) else "…"
    return str(ROW_LABELS[section]) % {"n": number}


def row_label_pattern(section: str) -> str:
    """The legend with its number left open, for the script that adds rows."""
    return str(ROW_LABELS[section])


def describe(path: str) -> str:
    """A person's name for an error path: ``price_tiers.1.unit_price`` → "Tier 2: Unit price"."""
    parts = path.split(".")
    if path in LABELS:
        return str(LABELS[path])
    if parts[0] == "option_names" and len(parts) == 2 and parts[1].isdigit():
        return _("Option %(n)s name", n=int(parts[1]) + 1)
    if parts[0] == "localized" and len(parts) == 4 and parts[2] == "terms":
        column = _("Translation")
        return f"{language_name(parts[1])}: {column}"
    if parts[0] == "localized" and len(parts) == 2:
        return language_name(parts[1])
    if parts[0] == "localized" and len(parts) == 3:
        column = COLUMN_LABELS.get(f"localized.{parts[2]}")
        return f"{language_name(parts[1])}: {column}" if column else language_name(parts[1])
    if parts[0] in ROW_LABELS and len(parts) >= 2 and parts[1].isdigit():
        row = str(ROW_LABELS[parts[0]]) % {"n": int(parts[1]) + 1}
        column = COLUMN_LABELS.get(f"{parts[0]}.{parts[2]}") if len(parts) > 2 else None
        return f"{row}: {column}" if column else row
    if path == "_schema":
        return ""
    return path


# The order fields appear in on the page, so the error summary reads top to bottom.
PAGE_ORDER = (
    "supplier_id",
    "title_zh",
    "category",
    "description_zh",
    "attributes",
    "localized",
    "moq",
    "price_tiers",
    "option_names",
    "variants",
    "customizations",
    "weight_g",
    "lead_time_days",
    "hs_code",
    "length_cm",
    "width_cm",
    "height_cm",
    "units_per_carton",
    "carton_length_cm",
    "carton_width_cm",
    "carton_height_cm",
    "carton_weight_g",
    "images",
    UPLOAD_FIELD,
)
_VARIANT_COLUMNS = ("sku", "option_values", "options", "price", "price_delta", "stock")


def page_position(path: str) -> tuple:
    """Sort key: where the field of an error path sits on the page."""
    parts = path.split(".")
    head = PAGE_ORDER.index(parts[0]) if parts[0] in PAGE_ORDER else len(PAGE_ORDER)
    row = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1
    columns = _VARIANT_COLUMNS if parts[0] == "variants" else ROW_FIELDS.get(parts[0], ())
    column = columns.index(parts[2]) if len(parts) > 2 and parts[2] in columns else -1
    return head, row, column


def anchor(path: str) -> str:
    """The id of the element an error summary entry links to."""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "variants" and parts[2] == "options":
        return f"f-variants-{parts[1]}-option_values-0"
    if len(parts) == 1 and parts[0] in ROW_LABELS:
        return f"section-{parts[0]}"
    if path == "_schema":
        return "listing-form"
    if len(parts) == 2 and parts[0] == "localized":
        return f"localized-{parts[1]}"
    return "f-" + path.replace(".", "-")

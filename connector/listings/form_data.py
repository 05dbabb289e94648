"""The listing form: posted fields to the API's input dict, and listings back to form values.

Inputs are named by the dotted paths the schema uses for its errors
(``price_tiers.1.unit_price``), so an error lands beside the field that caused
it. Rows left entirely empty are dropped and the rest renumbered, and the page
is re-rendered from that compacted data so the error indexes match the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError
from flask import current_app, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from connector.extensions import db
from connector.listings.images import ImageRejected, store_image
from connector.models import Listing, ListingStatus, StoredImage

SCALARS = (
    "title_zh",
    "description_zh",
    "category",
    "hs_code",
    "weight_g",
    "length_cm",
    "width_cm",
    "height_cm",
    "units_per_carton",
    "carton_length_cm",
    "carton_width_cm",
    "carton_height_cm",
    "carton_weight_g",
    "lead_time_days",
    "moq",
)
ROW_FIELDS = {
    "attributes": ("name", "value"),
    "price_tiers": ("min_qty", "unit_price"),
    "variants": ("sku", "price", "price_delta", "stock"),
    "customizations": ("name", "extra_unit_cost", "extra_moq", "setup_fee"),
}
# Blank rows a page shows at least, so the form works without JavaScript.
MIN_ROWS = {"attributes": 1, "price_tiers": 3, "variants": 1, "customizations": 1}
# The schema's list limits, so the "Add" buttons stop where the server would.
MAX_ROWS = {"attributes": 50, "price_tiers": 10, "variants": 200, "customizations": 20}
OPTION_SLOTS = 3  # like Option1..Option3 Name in a shop import
OPTION_NAME_MAX = 40
UPLOAD_FIELD = "image_files"

_ROW_KEY = re.compile(r"^(attributes|price_tiers|variants|customizations|images)\.(\d{1,4})\.(.+)$")
_OPTION_NAME_KEY = re.compile(r"^option_names\.(\d{1,2})$")
_OPTION_VALUE = re.compile(r"^option_values\.(\d{1,2})$")
_MAX_OPTION_SLOTS = 20
_LOCALIZED_KEY = re.compile(
    r"^localized\.([A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8}){0,2})\.(title|description)$"
)
LOCALIZED_FIELDS = ("title", "description")

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


@dataclass
class PostedListing:
    """What a form post amounts to: values to re-render, the API payload, early errors."""

    values: dict
    payload: dict
    errors: dict[str, list[str]] = field(default_factory=dict)


def _text(raw: str | None) -> str:
    # Browsers send textarea line breaks as CRLF; store what the user saw.
    return (raw or "").replace("\r\n", "\n")


def _blank(value) -> bool:
    if isinstance(value, list):
        return all(_blank(v) for v in value)
    return value is None or str(value).strip() == ""


def _rows_by_index(form: Mapping[str, str]) -> dict[str, dict[int, dict]]:
    rows: dict[str, dict[int, dict]] = {}
    for key in form:
        match = _ROW_KEY.match(key)
        if match:
            section, index, name = match.group(1), int(match.group(2)), match.group(3)
            rows.setdefault(section, {}).setdefault(index, {})[name] = _text(form.get(key))
    return rows


def _option_slots(form: Mapping[str, str]) -> int:
    highest = OPTION_SLOTS - 1
    for key in form:
        match = _OPTION_NAME_KEY.match(key)
        if match:
            highest = max(highest, int(match.group(1)))
    return min(highest + 1, _MAX_OPTION_SLOTS)


def _variant_row(raw: dict, slots: int) -> dict:
    row = {name: raw.get(name, "") for name in ROW_FIELDS["variants"]}
    values = [""] * slots
    for key, value in raw.items():
        match = _OPTION_VALUE.match(key)
        if match and int(match.group(1)) < slots:
            values[int(match.group(1))] = value
    row["option_values"] = values
    return row


def values_from_form(form: Mapping[str, str]) -> dict:
    """The posted form as strings, rows compacted: what the page re-renders."""
    values: dict = {name: _text(form.get(name)) for name in SCALARS}
    values["supplier_id"] = form.get("supplier_id", "")
    slots = _option_slots(form)
    values["option_names"] = [_text(form.get(f"option_names.{k}")) for k in range(slots)]
    rows = _rows_by_index(form)
    for section, names in ROW_FIELDS.items():
        ordered = [rows.get(section, {})[i] for i in sorted(rows.get(section, {}))]
        if section == "variants":
            kept = [_variant_row(raw, slots) for raw in ordered]
        else:
            kept = [{name: raw.get(name, "") for name in names} for raw in ordered]
        values[section] = [row for row in kept if not _blank(list(row.values()))]
    images = []
    for index in sorted(rows.get("images", {})):
        raw = rows["images"][index]
        if raw.get("remove"):
            continue
        ref = {"sha256": raw.get("sha256", "").strip(), "url": raw.get("url", "").strip()}
        if ref["sha256"] or ref["url"]:
            images.append(ref)
    values["images"] = images
    values["localized"] = _localized_from_form(form)
    return values


def _localized_from_form(form: Mapping[str, str]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for key in form:
        match = _LOCALIZED_KEY.match(key)
        if match:
            text = texts.setdefault(match.group(1), dict.fromkeys(LOCALIZED_FIELDS, ""))
            text[match.group(2)] = _text(form.get(key))
    return texts


def _present(row: Mapping[str, str], names: Iterable[str]) -> dict:
    """Only the filled fields: an empty input means the field was not given."""
    return {name: row[name] for name in names if not _blank(row.get(name))}


def _options(values: dict, errors: dict[str, list[str]]) -> list[str | None]:
    """The usable option name per slot (None where unnamed or invalid), noting errors."""
    names: list[str | None] = []
    seen: set[str] = set()
    for slot, raw in enumerate(values["option_names"]):
        name = raw.strip()
        used = any(not _blank(v["option_values"][slot]) for v in values["variants"])
        key = f"option_names.{slot}"
        if not name:
            if used:
                errors[key] = [_("Name this option, or clear its values in the variants.")]
            names.append(None)
        elif len(name) > OPTION_NAME_MAX:
            errors[key] = [_("Use 1 to 40 characters.")]
            names.append(None)
        elif name in seen:
            errors[key] = [_("Another option already has this name.")]
            names.append(None)
        else:
            seen.add(name)
            names.append(name)
    return names


def payload_from_values(values: dict, action: str | None) -> PostedListing:
    """Build the input ``validate_listing`` takes; ``action`` is the button pressed."""
    errors: dict[str, list[str]] = {}
    payload: dict = {
        "status": ListingStatus.SUBMITTED.value if action == "submit" else ListingStatus.DRAFT.value
    }
    payload.update(_present(values, SCALARS))
    for section in ("attributes", "price_tiers", "customizations"):
        payload[section] = [_present(row, ROW_FIELDS[section]) for row in values[section]]
    option_names = _options(values, errors)
    variants = []
    for row in values["variants"]:
        variant = _present(row, ROW_FIELDS["variants"])
        variant["options"] = {
            name: value.strip()
            for name, value in zip(option_names, row["option_values"], strict=True)
            if name and not _blank(value)
        }
        variants.append(variant)
    payload["variants"] = variants
    payload["images"] = [
        {key: ref[key] for key in ("sha256", "url") if ref.get(key)} for ref in values["images"]
    ]
    payload["localized"] = {
        locale: _present(text, LOCALIZED_FIELDS)
        for locale, text in values["localized"].items()
        if not _blank(list(text.values()))
    }
    return PostedListing(values=values, payload=payload, errors=errors)


def store_uploads(
    files: Iterable[FileStorage], supplier_id: int | None, values: dict
) -> tuple[list[str], list[str]]:
    """Keep each uploaded file and add it to ``values["images"]``.

    Returns the hashes of newly stored images (for thumbnails, after commit) and
    the messages for files that were refused. The caller commits.
    """
    new: list[str] = []
    problems: list[str] = []
    known = {ref["sha256"] for ref in values["images"] if ref.get("sha256")}
    for upload in files:
        if upload is None or not upload.filename:
            continue  # the browser sends an empty part when no file was chosen
        try:
            stored = store_image(upload.stream, supplier_id)
        except ImageRejected as exc:
            problems.append(f"{upload.filename}: {exc.message}")
            continue
        if stored.sha256 in known:
            continue
        known.add(stored.sha256)
        values["images"].append({"sha256": stored.sha256, "url": ""})
        if not stored.has_thumbnail:
            new.append(stored.sha256)
    return new, problems


# marshmallow reports a Dict's errors under "key" and "value"; the form has neither.
_REMAP = (
    (re.compile(r"^(variants\.\d+\.options)\..+$"), r"\1"),
    (re.compile(r"^(localized\.[^.]+)\.value\.(title|description)$"), r"\1.\2"),
    (re.compile(r"^(localized\.[^.]+)\.(key|value)$"), r"\1.title"),
)


def remap_errors(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Move errors the form has no input for onto the nearest one it has."""
    mapped: dict[str, list[str]] = {}
    for key, messages in errors.items():
        target = key
        for pattern, replacement in _REMAP:
            if pattern.match(key):
                target = pattern.sub(replacement, key)
                break
        bucket = mapped.setdefault(target, [])
        bucket.extend(m for m in messages if m not in bucket)
    return mapped


def values_from_listing(listing: Listing) -> dict:
    """A stored listing as form values (strings), via the API's input shape."""
    from connector.listings.service import listing_input

    data = listing_input(listing)
    values: dict = {name: "" if data.get(name) is None else str(data[name]) for name in SCALARS}
    values["supplier_id"] = str(listing.supplier_id)
    names: list[str] = []
    for variant in data["variants"]:
        for name in variant["options"]:
            if name not in names:
                names.append(name)
    values["option_names"] = names + [""] * max(0, OPTION_SLOTS - len(names))

    def text(value) -> str:
        return "" if value is None else str(value)

    values["attributes"] = [
        {k: text(a.get(k)) for k in ("name", "value")} for a in data["attributes"]
    ]
    values["price_tiers"] = [
        {k: text(t[k]) for k in ROW_FIELDS["price_tiers"]} for t in data["price_tiers"]
    ]
    values["customizations"] = [
        {k: text(c[k]) for k in ROW_FIELDS["customizations"]} for c in data["customizations"]
    ]
    values["variants"] = [
        {
            **{k: text(v[k]) for k in ROW_FIELDS["variants"]},
            "option_values": [text(v["options"].get(name)) for name in values["option_names"]],
        }
        for v in data["variants"]
    ]
    values["images"] = [
        {"sha256": ref.get("sha256") or "", "url": ref.get("url") or ""} for ref in data["images"]
    ]
    values["localized"] = {
        locale: {name: text.get(name) or "" for name in LOCALIZED_FIELDS}
        for locale, text in (data.get("localized") or {}).items()
    }
    return values


def blank_values() -> dict:
    values: dict = dict.fromkeys(SCALARS, "")
    values["supplier_id"] = ""
    values["option_names"] = [""] * OPTION_SLOTS
    for section in ROW_FIELDS:
        values[section] = []
    values["images"] = []
    values["localized"] = {}
    return values


def blank_row(section: str, option_slots: int = OPTION_SLOTS) -> dict:
    row = dict.fromkeys(ROW_FIELDS[section], "")
    if section == "variants":
        row["option_values"] = [""] * option_slots
    return row


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
    """One row per market language (and any language the listing already has text for)."""
    locales = list(dict.fromkeys([*_market_locales(), *values["localized"]]))
    return [
        {
            "locale": locale,
            "name": language_name(locale),
            **{
                name: values["localized"].get(locale, {}).get(name, "") for name in LOCALIZED_FIELDS
            },
        }
        for locale in locales
    ]


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
    return "f-" + path.replace(".", "-")

"""The listing form's data: posted fields to the API's input dict, and listings back to form values.

Inputs are named by the dotted paths the schema uses for its errors
(``price_tiers.1.unit_price``), so an error lands beside the field that caused
it. Rows left entirely empty are dropped and the rest renumbered, and the page
is re-rendered from that compacted data so the error indexes match the rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from connector.listings.images import ImageRejected, store_image
from connector.models import Listing, ListingStatus
from connector.offers.localize import buyer_terms, term_key

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
# A translated short text: localized.<locale>.terms.<key>, its Chinese source in
# term_sources.<key> (a hidden field), so names stay short and free of punctuation.
_LOCALIZED_TERM_KEY = re.compile(
    r"^localized\.([A-Za-z]{2,3}(?:_[A-Za-z0-9]{2,8}){0,2})\.terms\.([0-9a-f]{12})$"
)
_TERM_SOURCE_KEY = re.compile(r"^term_sources\.([0-9a-f]{12})$")


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
    values["localized"] = localized_from_form(form)
    return values


def localized_from_form(form: Mapping[str, str]) -> dict[str, dict]:
    texts: dict[str, dict] = {}
    sources = {}
    for key in form:
        match = _TERM_SOURCE_KEY.match(key)
        if match and term_key(_text(form.get(key))) == match.group(1):
            sources[match.group(1)] = _text(form.get(key))
    for key in form:
        match = _LOCALIZED_KEY.match(key)
        if match:
            text = texts.setdefault(match.group(1), _blank_localized())
            text[match.group(2)] = _text(form.get(key))
            continue
        match = _LOCALIZED_TERM_KEY.match(key)
        if match and match.group(2) in sources:
            text = texts.setdefault(match.group(1), _blank_localized())
            text["terms"][sources[match.group(2)]] = _text(form.get(key)).strip()
    return texts


def merge_localized(stored: dict, posted: dict) -> dict:
    """The stored own texts with the posted ones laid over: an emptied field is removed.

    Only the texts the page showed are posted, so the others are kept as they are.
    """
    merged = {locale: copy_localized(text) for locale, text in stored.items()}
    for locale, text in posted.items():
        entry = merged.setdefault(locale, _blank_localized())
        entry.update({name: text[name] for name in LOCALIZED_FIELDS if name in text})
        entry["terms"].update(text.get("terms") or {})
    result = {}
    for locale, text in merged.items():
        entry = {name: text[name] for name in LOCALIZED_FIELDS if text.get(name)}
        terms = {source: own for source, own in text["terms"].items() if own}
        if terms:
            entry["terms"] = terms
        if entry:
            result[locale] = entry
    return result


def copy_localized(text: dict) -> dict:
    return {**text, "terms": dict(text.get("terms") or {})}


def _blank_localized() -> dict:
    return {**dict.fromkeys(LOCALIZED_FIELDS, ""), "terms": {}}


def form_terms(values: dict) -> list[str]:
    """The short texts of the listing as the form holds it, that need translating."""
    pairs = []
    for row in values["variants"]:
        for name, value in zip(values["option_names"], row["option_values"], strict=False):
            if name.strip() and value.strip():
                pairs.append((name.strip(), value.strip()))
    return buyer_terms(
        values.get("category", "").strip() or None,
        [{k: row.get(k, "").strip() for k in ("name", "value")} for row in values["attributes"]],
        pairs,
        [row.get("name", "").strip() for row in values["customizations"]],
    )


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
    payload["localized"] = {}
    for locale, text in values["localized"].items():
        entry = _present(text, LOCALIZED_FIELDS)
        terms = {source: own for source, own in (text.get("terms") or {}).items() if own}
        if terms:
            entry["terms"] = terms
        if entry:
            payload["localized"][locale] = entry
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
_TERM_ERROR = re.compile(r"^(localized\.[^.]+)\.value\.terms\.(.+)\.(key|value)$")
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
        term = _TERM_ERROR.match(key)
        if term:
            target = f"{term.group(1)}.terms.{term_key(term.group(2))}"
        for pattern, replacement in _REMAP:
            if not term and pattern.match(key):
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
        locale: {
            **{name: text.get(name) or "" for name in LOCALIZED_FIELDS},
            "terms": dict(text.get("terms") or {}),
        }
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

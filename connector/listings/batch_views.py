"""Missing texts of all of a factory's listings (all listings, for ops) in one file per
language, PO or XLIFF 2.0, and the translated file read back, conflicts chosen explicitly."""

from __future__ import annotations

from flask import abort, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from connector.listings import translation_batch as batch
from connector.listings.form_page import language_name
from connector.listings.views import bp

FILE_FIELD = "translation_file"
CONTENT_TYPES = {
    "po": "text/x-gettext-translation; charset=utf-8",
    "xliff": "application/xliff+xml; charset=utf-8",
}
EXTENSIONS = {"po": "po", "xliff": "xlf"}


def file_response(body: bytes, fmt: str, locale: str):
    response = make_response(body)
    response.headers["Content-Type"] = CONTENT_TYPES[fmt]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="listings-{locale}.{EXTENSIONS[fmt]}"'
    )
    return response


def export(user, locale: str, fmt: str, supplier_id: int | None) -> bytes:
    texts = batch.missing_texts(user, locale, supplier_id)
    return batch.export_po(texts, locale) if fmt == "po" else batch.export_xliff(texts, locale)


def _render(errors: dict, status: int = 200, result: batch.BatchResult | None = None):
    locales = batch.known_locales()
    body = render_template(
        "listings/translation_batch.html",
        languages=[{"locale": loc, "name": language_name(loc)} for loc in locales],
        errors=errors,
        result=result,
        file_field=FILE_FIELD,
        chosen=request.form.get("locale") or (locales[0] if locales else ""),
    )
    return body, status


@bp.get("/listings/translations")
def batch_translations():
    """Work with a translator on every listing at once."""
    return _render({})


@bp.get("/listings/translations/missing.<fmt>")
def batch_missing_file(fmt: str):
    locale = request.args.get("locale", "")
    if fmt not in batch.FORMATS or locale not in batch.known_locales():
        abort(404)
    supplier_id = batch.supplier_filter(current_user, request.args.get("supplier_id"))
    return file_response(export(current_user, locale, fmt, supplier_id), fmt, locale)


@bp.post("/listings/translations/import")
def batch_import():
    locale = request.form.get("locale", "")
    upload = request.files.get(FILE_FIELD)
    if locale not in batch.known_locales():
        return _render({"locale": [_("Choose a language of the markets.")]}, 422)
    if upload is None or not upload.filename:
        return _render({FILE_FIELD: [_("Choose a PO or XLIFF file.")]}, 422)
    try:
        entries = batch.read_file(upload.read(batch.MAX_BYTES + 1), locale)
        result = batch.import_entries(current_user, locale, entries)
    except batch.BatchFileError as exc:
        return _render({FILE_FIELD: [batch.problem_text(exc)]}, 422)
    return _render({}, 200, result)


@bp.post("/listings/translations/resolve")
def batch_resolve():
    """The conflicts someone chose to settle with the file's text; the rest keep their own."""
    locale = request.form.get("locale", "")
    if locale not in batch.known_locales():
        abort(404)
    choices = []
    for index in request.form.getlist("take"):
        prefix = f"conflict-{index}-"
        unit = request.form.get(prefix + "unit", "")
        text = (request.form.get(prefix + "text") or "").strip()
        if unit and text:
            choices.append(
                {"unit": unit, "own": request.form.get(prefix + "own", ""), "text": text}
            )
    if not choices:
        return _render({"take": [_("Tick the texts that should replace your own.")]}, 422)
    try:
        result = batch.resolve(current_user, locale, choices)
    except batch.BatchFileError as exc:
        return _render({"take": [batch.problem_text(exc)]}, 422)
    return _render({}, 200, result)


def batch_url() -> str:
    return url_for("onboarding.batch_translations")

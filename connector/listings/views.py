"""The exporter's listing pages: the list, the onboarding form, and one listing."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from connector.errors import flatten_errors
from connector.extensions import db
from connector.factory import stock
from connector.listings import (
    form_input,
    form_page,
    service,
    translation_files,
    translation_grid,
)
from connector.listings.images import enqueue_thumbnail
from connector.markets.registry import markets
from connector.models import Listing, ListingStatus, Role, Supplier
from connector.offers import present
from connector.offers.service import offers_of
from connector.params import page_number, whole_number

bp = Blueprint("onboarding", __name__)

PAGE_SIZE = 50


@bp.before_request
def _only_exporters_and_ops():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role == Role.OPS:
        return None
    if current_user.role == Role.EXPORTER and current_user.supplier_id is not None:
        return None
    abort(403)


def _is_ops() -> bool:
    return current_user.role == Role.OPS


def _visible_or_404(listing_id: int) -> Listing:
    try:
        return service.get_visible(current_user, listing_id)
    except service.NotVisible:
        abort(404)


def _suppliers() -> list[Supplier]:
    return list(db.session.execute(select(Supplier).order_by(Supplier.name)).scalars())


@bp.get("/listings")
def index():
    status = request.args.get("status") or None
    if status not in (None, *[s.value for s in ListingStatus]):
        status = None
    page = page_number(request.args)
    items, total = service.page_of_listings(current_user, status, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    return render_template(
        "listings/index.html",
        listings=items,
        total=total,
        status=status,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        show_supplier=_is_ops(),
        statuses=[s.value for s in ListingStatus],
    )


@bp.get("/listings/<int:listing_id>")
def detail(listing_id: int):
    listing = _visible_or_404(listing_id)
    return render_template(
        "listings/detail.html",
        listing=listing,
        data=service.listing_output(listing, base=""),  # our own images, from this host
        language_name=form_page.language_name,
        offers=offers_of(listing.id),
        # Stock is what is left to sell; these units are held for open orders.
        reserved=stock.reserved_by_sku(listing.id),
        markets=markets(),
        present=present,
        anchor=form_page.anchor,
    )


@bp.route("/listings/<int:listing_id>/translations", methods=["GET", "POST"])
def translations(listing_id: int):
    """Every text of the listing in every language, with where each comes from; editable."""
    listing = _visible_or_404(listing_id)
    if request.method == "GET":
        return _render_grid(listing, form_input.values_from_listing(listing)["localized"], {})
    own = form_input.localized_from_form(request.form)
    data = service.listing_input(listing)
    data["localized"] = form_input.merge_localized(data.get("localized") or {}, own)
    errors: dict[str, list[str]] = {}
    try:
        clean = service.validate_listing(data)
        service.replace_listing(listing, clean, _expected_revision())
    except ValidationError as exc:
        db.session.rollback()
        errors = form_input.remap_errors(flatten_errors(exc.messages))
    except service.StaleRevision:
        db.session.rollback()
        errors = {
            "_schema": [
                _("Someone saved this listing after you opened it. Check the texts and save again.")
            ]
        }
    if errors:
        current = form_input.values_from_listing(listing)["localized"]
        return _render_grid(listing, form_input.merge_localized(current, own), errors, 422)
    flash(_("The translations are saved; the offers are being updated."), "success")
    return redirect(url_for("onboarding.translations", listing_id=listing.id))


@bp.get("/listings/<int:listing_id>/translations/<locale>.po")
def missing_texts_file(listing_id: int, locale: str):
    """The texts still missing in ``locale``, as a PO file for a translator."""
    listing = _visible_or_404(listing_id)
    grid = translation_grid.grid(listing, form_input.values_from_listing(listing)["localized"])
    column = _column_of(grid, locale)
    body = translation_files.missing_po(listing.id, locale, grid["rows"], column)
    response = make_response(body)
    response.headers["Content-Type"] = "text/x-gettext-translation; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="listing-{listing.id}-{locale}.po"'
    )
    return response


@bp.post("/listings/<int:listing_id>/translations/import")
def import_translations(listing_id: int):
    """A translated PO file read back: applied where it adds, conflicts shown, never overwritten."""
    listing = _visible_or_404(listing_id)
    stored = form_input.values_from_listing(listing)["localized"]
    grid = translation_grid.grid(listing, stored)
    locale = request.form.get("locale", "")
    upload = request.files.get(IMPORT_FIELD)
    errors: dict[str, list[str]] = {}
    if locale not in [column["locale"] for column in grid["columns"]]:
        errors["locale"] = [_("Choose a language of this listing.")]
    elif upload is None or not upload.filename:
        errors[IMPORT_FIELD] = [_("Choose a PO file.")]
    if errors:
        return _render_grid(listing, stored, errors, 422)
    try:
        entries = translation_files.read_translated(
            upload.read(translation_files.MAX_BYTES + 1), locale
        )
    except translation_files.TranslationFileError as exc:
        errors[IMPORT_FIELD] = [IMPORT_PROBLEMS[str(exc)]]
        return _render_grid(listing, stored, errors, 422)
    plan = translation_files.plan_import(locale, entries, grid["rows"], stored.get(locale) or {})
    if plan.apply:
        data = service.listing_input(listing)
        data["localized"] = form_input.merge_localized(stored, {locale: plan.apply})
        try:
            service.replace_listing(listing, service.validate_listing(data))
        except ValidationError as exc:
            db.session.rollback()
            errors = form_input.remap_errors(flatten_errors(exc.messages))
            return _render_grid(listing, stored, errors, 422)
        stored = form_input.values_from_listing(listing)["localized"]
    return _render_grid(listing, stored, {}, 200, imported=plan)


IMPORT_FIELD = "po_file"
IMPORT_PROBLEMS = {
    "unreadable": _l("This is not a PO file we can read."),
    "other_language": _l("This file is for another language than the one chosen."),
    "too_big": _l("This file is too big for one listing's texts."),
}


def _column_of(grid: dict, locale: str) -> int:
    for index, column in enumerate(grid["columns"]):
        if column["locale"] == locale:
            return index
    abort(404)


def _render_grid(listing: Listing, localized: dict, errors: dict, status: int = 200, imported=None):
    summary = [
        {"anchor": form_page.anchor(path), "label": form_page.describe(path), "message": message}
        for path, messages in errors.items()
        for message in messages
    ]
    body = render_template(
        "listings/translations.html",
        listing=listing,
        grid=translation_grid.grid(listing, localized),
        errors=errors,
        imported=imported,
        import_field=IMPORT_FIELD,
        summary=summary,
    )
    return body, status


@bp.route("/listings/new", methods=["GET", "POST"])
def new():
    if request.method == "GET":
        return _render_form(form_input.blank_values(), {}, listing=None)
    supplier_id, supplier_errors = _chosen_supplier()
    return _save(listing=None, supplier_id=supplier_id, early_errors=supplier_errors)


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
def edit(listing_id: int):
    listing = _visible_or_404(listing_id)
    if request.method == "GET":
        # ?focus=<field path>: a "what to fix" link opens the page on the field that fixes it.
        focus = request.args.get("focus", "")[:200] or None
        values = form_input.values_from_listing(listing)
        return _render_form(values, {}, listing=listing, focus=focus)
    return _save(listing=listing, supplier_id=listing.supplier_id, early_errors={})


def _chosen_supplier() -> tuple[int | None, dict[str, list[str]]]:
    """Exporters act for their own supplier; ops pick one in the form."""
    if not _is_ops():
        return current_user.supplier_id, {}
    raw = request.form.get("supplier_id", "").strip()
    supplier_id = whole_number(raw, 1)
    supplier = db.session.get(Supplier, supplier_id) if supplier_id else None
    if supplier is None:
        return None, {"supplier_id": [_("Choose the factory this listing belongs to.")]}
    return supplier.id, {}


def _save(listing: Listing | None, supplier_id: int | None, early_errors: dict):
    values = form_input.values_from_form(request.form)
    new_images, upload_problems = form_input.store_uploads(
        request.files.getlist(form_input.UPLOAD_FIELD), supplier_id, values
    )
    # Keep the uploads even if the rest of the form has errors: the page
    # carries them as hidden fields, so nothing has to be chosen again.
    db.session.commit()
    for sha256 in new_images:
        enqueue_thumbnail(sha256)

    posted = form_input.payload_from_values(values, request.form.get("action"))
    errors = {**early_errors, **posted.errors}
    if upload_problems:
        errors[form_input.UPLOAD_FIELD] = upload_problems
    try:
        data = service.validate_listing(posted.payload)
    except ValidationError as exc:
        errors.update(form_input.remap_errors(flatten_errors(exc.messages)))
        data = None
    if errors or data is None:
        return _render_form(values, errors, listing=listing, status=422)
    try:
        if listing is None:
            listing = service.create_listing(current_user, supplier_id, data)
        else:
            listing = service.replace_listing(listing, data, _expected_revision())
    except service.StaleRevision:
        db.session.rollback()
        errors = {
            "_schema": [
                _(
                    "Someone saved this listing after you opened it. Your changes "
                    "are below; check them against the current listing and save "
                    "again."
                )
            ]
        }
        return _render_form(values, errors, listing=listing, status=409)
    except ValidationError as exc:
        db.session.rollback()
        errors = form_input.remap_errors(flatten_errors(exc.messages))
        saved = listing if listing is not None and listing.id else None
        return _render_form(values, errors, listing=saved, status=422)
    if listing.status == ListingStatus.SUBMITTED:
        flash(_("The listing is submitted."), "success")
    else:
        flash(_("The listing is saved as a draft."), "success")
    return redirect(url_for("onboarding.detail", listing_id=listing.id))


def _expected_revision() -> int | None:
    """The revision the form was opened at; a form that says something else is a 400."""
    raw = request.form.get("revision", "")
    if not raw:
        return None
    revision = whole_number(raw)
    if revision is None:
        abort(400)
    return revision


def _render_form(
    values: dict,
    errors: dict[str, list[str]],
    listing: Listing | None,
    status: int = 200,
    focus: str | None = None,
):
    summary = [
        {"anchor": form_page.anchor(path), "label": form_page.describe(path), "message": message}
        for path, messages in sorted(
            errors.items(), key=lambda item: form_page.page_position(item[0])
        )
        for message in messages
    ]
    body = render_template(
        "listings/form.html",
        listing=listing,
        values=values,
        rows=form_page.rows_to_render(values),
        images=form_page.image_previews(values),
        localized=form_page.localized_rows(values),
        localized_open=bool(
            any(any(text.values()) for text in values["localized"].values())
            or any(path.startswith("localized") for path in errors)
            or (focus or "").startswith("localized")
        ),
        focus=focus,
        categories=form_page.category_choices(),
        errors=errors,
        summary=summary,
        labels=form_page.LABELS,
        columns=form_page.COLUMN_LABELS,
        row_label=form_page.row_label,
        row_label_pattern=form_page.row_label_pattern,
        max_rows=form_page.MAX_ROWS,
        blank_row=form_page.blank_row,
        suppliers=_suppliers() if _is_ops() and listing is None else None,
        upload_field=form_input.UPLOAD_FIELD,
    )
    return body, status


# The all-listings translation files add their pages to this blueprint.
from connector.listings import batch_views  # noqa: E402,F401

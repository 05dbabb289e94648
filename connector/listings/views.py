"""The exporter's listing pages: the list, the onboarding form, and one listing."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from connector.errors import flatten_errors
from connector.extensions import db
from connector.factory import stock
from connector.listings import form_data, service
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
        language_name=form_data.language_name,
        offers=offers_of(listing.id),
        # Stock is what is left to sell; these units are held for open orders.
        reserved=stock.reserved_by_sku(listing.id),
        markets=markets(),
        present=present,
        anchor=form_data.anchor,
    )


@bp.route("/listings/new", methods=["GET", "POST"])
def new():
    if request.method == "GET":
        return _render_form(form_data.blank_values(), {}, listing=None)
    supplier_id, supplier_errors = _chosen_supplier()
    return _save(listing=None, supplier_id=supplier_id, early_errors=supplier_errors)


@bp.route("/listings/<int:listing_id>/edit", methods=["GET", "POST"])
def edit(listing_id: int):
    listing = _visible_or_404(listing_id)
    if request.method == "GET":
        return _render_form(form_data.values_from_listing(listing), {}, listing=listing)
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
    values = form_data.values_from_form(request.form)
    new_images, upload_problems = form_data.store_uploads(
        request.files.getlist(form_data.UPLOAD_FIELD), supplier_id, values
    )
    # Keep the uploads even if the rest of the form has errors: the page
    # carries them as hidden fields, so nothing has to be chosen again.
    db.session.commit()
    for sha256 in new_images:
        enqueue_thumbnail(sha256)

    posted = form_data.payload_from_values(values, request.form.get("action"))
    errors = {**early_errors, **posted.errors}
    if upload_problems:
        errors[form_data.UPLOAD_FIELD] = upload_problems
    try:
        data = service.validate_listing(posted.payload)
    except ValidationError as exc:
        errors.update(form_data.remap_errors(flatten_errors(exc.messages)))
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
        errors = form_data.remap_errors(flatten_errors(exc.messages))
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


def _render_form(values: dict, errors: dict[str, list[str]], listing: Listing | None, status=200):
    summary = [
        {"anchor": form_data.anchor(path), "label": form_data.describe(path), "message": message}
        for path, messages in sorted(
            errors.items(), key=lambda item: form_data.page_position(item[0])
        )
        for message in messages
    ]
    body = render_template(
        "listings/form.html",
        listing=listing,
        values=values,
        rows=form_data.rows_to_render(values),
        images=form_data.image_previews(values),
        localized=form_data.localized_rows(values),
        localized_open=bool(
            any(any(text.values()) for text in values["localized"].values())
            or any(path.startswith("localized") for path in errors)
        ),
        errors=errors,
        summary=summary,
        labels=form_data.LABELS,
        columns=form_data.COLUMN_LABELS,
        row_label=form_data.row_label,
        row_label_pattern=form_data.row_label_pattern,
        max_rows=form_data.MAX_ROWS,
        blank_row=form_data.blank_row,
        suppliers=_suppliers() if _is_ops() and listing is None else None,
        upload_field=form_data.UPLOAD_FIELD,
    )
    return body, status

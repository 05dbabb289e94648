"""The shipments pages: the board, one shipment, and what ops do to them."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from redis.exceptions import RedisError
from sqlalchemy import select

from connector.auth.views import safe_next
from connector.extensions import db
from connector.fields import text_problem
from connector.markets.registry import markets
from connector.models import Shipment, ShipmentDocument
from connector.ops import actions, board, bulk, chart, fixes, labels, rq_state
from connector.ops.blueprint import bp, web_actor
from connector.orders import pii
from connector.orders.adapters import default_service, document_kinds
from connector.orders.parcel import measure
from connector.orders.service import supplier_name
from connector.orders.states import FINAL, RETRYABLE
from connector.params import page_number, whole_number

PAGE_SIZE = 50
CHART_DAYS = 14


@bp.app_context_processor
def _ops_labels() -> dict:
    return {"ops_labels": labels}


def board_url(args: dict, **changes) -> str:
    """The board's address with ``changes`` applied to the query (None removes a key)."""
    query = {key: value for key, value in args.items() if key != "page"}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return url_for("ops.board", **query)


@bp.get("/")
def home():
    return redirect(url_for("ops.board"))


def _filter_or_400() -> tuple[board.ShipmentFilter, str | None]:
    try:
        return board.ShipmentFilter.from_args(request.args), None
    except board.BadFilter as exc:
        return board.ShipmentFilter(), str(exc)


@bp.get("/shipments", endpoint="board")
def board_page():
    flt, problem = _filter_or_400()
    page = page_number(request.args)
    rows, total = board.page_of_shipments(flt, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    facets = board.facet_counts(flt)
    failures = board.failures_by_day(CHART_DAYS, flt)
    body = render_template(
        "ops/board.html",
        flt=flt,
        args=flt.to_args(),
        problem=problem,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        facets=facets,
        totals=board.state_totals(),
        retryable=board.retryable_count(flt),
        failures=failures,
        chart=chart.geometry(failures),
        market_codes=sorted(markets()),
        adapters=sorted(current_app.config["SHIPPING_ADAPTERS"]),
        states=board.STATE_ORDER,
        retryable_states=RETRYABLE,
        board_url=board_url,
    )
    return body, 400 if problem else 200


def _shipment_or_404(shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None:
        abort(404)
    return shipment


def _documents(shipment: Shipment) -> list:
    return db.session.execute(
        select(
            ShipmentDocument.kind,
            ShipmentDocument.content_type,
            ShipmentDocument.size_bytes,
            ShipmentDocument.created_at,
        )
        .where(ShipmentDocument.shipment_id == shipment.id)
        .order_by(ShipmentDocument.kind)
    ).all()


def _service_setting(adapter: str) -> str | None:
    return default_service(adapter) or None


def _service_name(adapter: str, code: str | None) -> str | None:
    for choice, label in fixes.service_choices(adapter):
        if choice == code:
            return f"{code} · {label}"
    return code


def _jobs(shipment: Shipment) -> tuple[list[rq_state.JobInfo], bool]:
    try:
        return rq_state.shipment_jobs(shipment), True
    except RedisError:
        return [], False


@bp.get("/shipments/<int:shipment_id>")
def shipment_page(shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    lines = list(shipment.lines)
    jobs, redis_ok = _jobs(shipment)
    service = shipment.service or _service_setting(shipment.adapter)
    return render_template(
        "ops/shipment.html",
        shipment=shipment,
        order=shipment.order,
        lines=lines,
        parcel=measure(lines) if lines else None,
        declared_value=sum((line.line_total for line in lines), 0),
        ship_to=fixes.current_address(shipment),
        factory=supplier_name(shipment.supplier_id),
        documents=_documents(shipment),
        jobs=jobs,
        redis_ok=redis_ok,
        service=_service_name(shipment.adapter, service),
        can_retry=shipment.state in RETRYABLE and not shipment.cancel_requested,
        can_cancel=shipment.state not in FINAL and not shipment.cancel_requested,
        can_fix=fixes.fixable(shipment),
        why_not_fixable=None if fixes.fixable(shipment) else fixes.why_not_fixable(shipment),
        other_legs=[leg for leg in shipment.order.shipments if leg.id != shipment.id],
    )


@bp.get("/shipments/<int:shipment_id>/documents/<kind>")
def shipment_document(shipment_id: int, kind: str):
    """A label or receipt as the service gave it, served so it can never run as our page."""
    if kind not in document_kinds():
        abort(404)
    _shipment_or_404(shipment_id)
    document = db.session.execute(
        select(ShipmentDocument).where(
            ShipmentDocument.shipment_id == shipment_id, ShipmentDocument.kind == kind
        )
    ).scalar_one_or_none()
    if document is None:
        abort(404)
    response = Response(document.data, content_type=document.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _back(default: str) -> str:
    return safe_next(request.form.get("next")) or default


@bp.post("/shipments/<int:shipment_id>/retry")
def retry_one(shipment_id: int):
    _shipment_or_404(shipment_id)
    try:
        actions.retry(shipment_id, web_actor())
    except actions.NotAllowed as exc:
        flash(
            _(
                "Shipment %(id)s was not retried: it is %(state)s.",
                id=shipment_id,
                state=labels.state_label(exc.state),
            ),
            "error",
        )
    else:
        flash(
            _(
                "Shipment %(id)s is queued to be sent again; the carrier is asked first.",
                id=shipment_id,
            ),
            "success",
        )
    return redirect(_back(url_for("ops.shipment_page", shipment_id=shipment_id)))


@bp.post("/shipments/<int:shipment_id>/cancel")
def cancel_one(shipment_id: int):
    _shipment_or_404(shipment_id)
    try:
        shipment = actions.cancel(shipment_id, web_actor())
    except actions.NotAllowed as exc:
        flash(
            _(
                "Shipment %(id)s was not cancelled: it is %(state)s.",
                id=shipment_id,
                state=labels.state_label(exc.state),
            ),
            "error",
        )
    else:
        if shipment.state == "cancelled":
            flash(_("Shipment %(id)s is cancelled.", id=shipment_id), "success")
        else:
            flash(
                _(
                    "Shipment %(id)s will be cancelled at the carrier first; "
                    "its state changes when the carrier confirms.",
                    id=shipment_id,
                ),
                "success",
            )
    return redirect(url_for("ops.shipment_page", shipment_id=shipment_id))


def _selected_ids() -> list[int]:
    ids = []
    for raw in request.form.getlist("id"):
        shipment_id = whole_number(raw, 1)
        if shipment_id is not None:
            ids.append(shipment_id)
    return ids


def _flash_outcomes(outcomes: list[actions.Outcome]) -> None:
    done = [o for o in outcomes if o.ok]
    refused = [o for o in outcomes if not o.ok]
    if done:
        flash(
            ngettext(
                "%(num)d shipment is queued to be sent again.",
                "%(num)d shipments are queued to be sent again.",
                len(done),
            ),
            "success",
        )
    if refused:
        listed = ", ".join(
            f"#{o.shipment_id} ({labels.state_label(o.state)})" for o in refused[:10]
        )
        flash(
            ngettext(
                "%(num)d shipment could not be retried: %(list)s.",
                "%(num)d shipments could not be retried: %(list)s.",
                len(refused),
                list=listed,
            ),
            "error",
        )


@bp.post("/shipments/retry-selected")
def retry_selected():
    ids = _selected_ids()
    if not ids:
        flash(_("Select the shipments to retry first."), "error")
    else:
        _flash_outcomes(actions.retry_many(ids, web_actor()))
    return redirect(_back(url_for("ops.board")))


@bp.get("/shipments/retry-matching")
def retry_matching_confirm():
    flt, problem = _filter_or_400()
    if problem:
        flash(problem, "error")
        return redirect(url_for("ops.board"))
    count = board.retryable_count(flt)
    sample = board.page_of_shipments(
        board.ShipmentFilter.build(ids=board.retryable_ids(flt, limit=20)), 20, 0
    )[0]
    return render_template(
        "ops/retry_matching.html",
        flt=flt,
        args=flt.to_args(),
        count=count,
        sample=sample,
        limit=bulk.MAX_BATCH,
    )


@bp.post("/shipments/retry-matching")
def retry_matching():
    try:
        flt = board.ShipmentFilter.from_dict(
            {
                "states": request.form.getlist("state"),
                "market": request.form.get("market"),
                "adapter": request.form.get("adapter"),
                "reason": request.form.get("reason"),
                "q": request.form.get("q"),
                "ids": (request.form.get("ids") or "").split(","),
            }
        )
    except board.BadFilter as exc:
        flash(str(exc), "error")
        return redirect(url_for("ops.board"))
    try:
        started = bulk.start_retry(flt, web_actor())
    except bulk.QueueUnavailable:
        flash(_("The job queue is unavailable; nothing was retried. Try again shortly."), "error")
        return redirect(url_for("ops.board", **flt.to_args()))
    if started.job_id is None:
        flash(_("No shipment matching this filter can be retried now."), "info")
        return redirect(url_for("ops.board", **flt.to_args()))
    return redirect(url_for("ops.job_page", job_id=started.job_id, **flt.to_args()))


# -- fixing data -------------------------------------------------------------------------


def _changes_from_form(shipment: Shipment, current: dict | None) -> fixes.Changes:
    changes = fixes.Changes()
    errors: dict[str, list[str]] = {}
    for name in fixes.ADDRESS_FIELDS:
        raw = request.form.get(f"ship_to.{name}")
        if raw is None:
            continue
        value = raw.strip()
        problem = text_problem(value)
        if problem:
            errors[f"ship_to.{name}"] = [str(problem)]
            continue
        if name in pii.MASKED:
            # Shown masked: an empty box keeps what is stored.
            if value:
                changes.address[name] = value
        elif current is not None and value != (current.get(name) or ""):
            changes.address[name] = value
    for line in shipment.lines:
        raw = (request.form.get(f"weight.{line.id}") or "").strip()
        if not raw:
            continue
        grams = whole_number(raw)
        if grams is None:
            errors[f"weight.{line.id}"] = [_("Give the weight in whole grams, 1 to 1000000.")]
            continue
        if grams != line.unit_weight_g:
            changes.unit_weights[line.id] = grams
    service = (request.form.get("service") or "").strip()
    # The shipment's own service, or the configured one it would go with: choosing that
    # again is no change.
    current = shipment.service or _service_setting(shipment.adapter)
    if service and service != current:
        changes.service = service
    if errors:
        raise fixes.FixInvalid(errors)
    return changes


def _render_fix(shipment: Shipment, errors: dict, status: int = 200):
    current = fixes.current_address(shipment)
    lines = list(shipment.lines)
    values = {key: value for key, value in request.form.items()} if request.method == "POST" else {}
    body = render_template(
        "ops/fix.html",
        shipment=shipment,
        ship_to=current,
        lines=lines,
        parcel=measure(lines) if lines else None,
        values=values,
        errors=errors,
        masked_fields=pii.MASKED,
        address_fields=fixes.ADDRESS_FIELDS,
        services=fixes.service_choices(shipment.adapter),
        current_service=shipment.service or _service_setting(shipment.adapter),
        other_legs=[
            leg
            for leg in shipment.order.shipments
            if leg.id != shipment.id and leg.state not in ("pending", "cancelled")
        ],
    )
    return body, status


@bp.route("/shipments/<int:shipment_id>/fix", methods=["GET", "POST"])
def fix_page(shipment_id: int):
    shipment = _shipment_or_404(shipment_id)
    if not fixes.fixable(shipment):
        flash(fixes.why_not_fixable(shipment), "error")
        return redirect(url_for("ops.shipment_page", shipment_id=shipment_id))
    if request.method == "GET":
        return _render_fix(shipment, {})
    current = fixes.current_address(shipment)
    try:
        changes = _changes_from_form(shipment, current)
        result = actions.fix(shipment_id, web_actor(), changes)
    except fixes.FixInvalid as exc:
        shipment = _shipment_or_404(shipment_id)
        return _render_fix(shipment, exc.errors, 422)
    except fixes.FixNotAllowed as exc:
        flash(str(exc), "error")
        return redirect(url_for("ops.shipment_page", shipment_id=shipment_id))
    except pii.PiiUnreadable:
        flash(_("The buyer's address cannot be decrypted with the configured keys."), "error")
        return redirect(url_for("ops.shipment_page", shipment_id=shipment_id))
    if result.changed:
        flash(_("The shipment's data is saved."), "success")
        if result.other_legs_at_service:
            flash(
                _(
                    "Other legs of this order are already at a carrier; they keep the old "
                    "address. Contact the carrier to change them."
                ),
                "info",
            )
    else:
        flash(_("Nothing was changed."), "info")
    if request.form.get("action") == "save_retry":
        try:
            actions.retry(shipment_id, web_actor())
        except actions.NotAllowed as exc:
            flash(
                _(
                    "Shipment %(id)s was not retried: it is %(state)s.",
                    id=shipment_id,
                    state=labels.state_label(exc.state),
                ),
                "error",
            )
        else:
            flash(
                _(
                    "Shipment %(id)s is queued to be sent again; the carrier is asked first.",
                    id=shipment_id,
                ),
                "success",
            )
    return redirect(url_for("ops.shipment_page", shipment_id=shipment_id))

"""The exporter's order pages: orders to confirm, what to make, what to pack, and pay.

Only exporters of a factory reach these pages, and every query starts from their own
supplier (``connector.factory.orders``): another factory's order or shipment is a 404.
The buyer never appears: pages show the destination's country, province and city.
"""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
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
from flask_login import current_user
from sqlalchemy import select

from connector.extensions import db
from connector.factory import deadline, orders, printing, refusal, steps
from connector.models import Role, ShipmentDocument
from connector.models.types import utcnow
from connector.ops.labels import DOCUMENT_LABELS, STATE_TONES, state_label
from connector.orders.adapters import document_kinds
from connector.orders.errors import NotVisible

bp = Blueprint("factory", __name__, url_prefix="/factory")

STEP_ENDPOINTS = {
    steps.CONFIRMED: "confirm",
    steps.PACKED: "packed",
    steps.HANDED_OVER: "handed_over",
}


@bp.before_request
def _only_exporters_of_a_factory():
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role == Role.EXPORTER and current_user.supplier_id is not None:
        return None
    abort(403)


@bp.app_context_processor
def _factory_labels() -> dict:
    return {
        "factory_state_label": state_label,
        "factory_state_tone": lambda state: STATE_TONES.get(state, "neutral"),
        "factory_step_labels": steps.STEP_LABELS,
        "factory_document_labels": DOCUMENT_LABELS,
    }


def _shipment_or_404(shipment_id: int):
    try:
        return orders.get_shipment(current_user, shipment_id)
    except NotVisible:
        abort(404)


def _day_or_404(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(404)


def _next_step(taken: dict) -> str | None:
    if steps.REFUSED in taken:
        return None  # cancelled, or about to be
    return next((step for step in steps.ORDER if step not in taken), None)


@bp.get("/orders")
def index():
    shipments = orders.shipments_of(current_user)
    taken = {shipment.id: steps.of(shipment.id) for shipment in shipments}
    waiting = orders.to_confirm(current_user)
    now = utcnow()
    return render_template(
        "factory/index.html",
        waiting=waiting,
        shipments=shipments,
        taken=taken,
        next_step={s.id: _next_step(taken[s.id]) for s in shipments},
        destination=orders.destination,
        amount=_amount,
        pay=orders.pay(current_user),
        step_endpoints=STEP_ENDPOINTS,
        late={s.id for s in waiting if deadline.is_late(s, False, now)},
    )


def _amount(shipment) -> str | None:
    amounts = [line.factory_amount_cny for line in shipment.lines]
    if not amounts or None in amounts:
        return None
    return str(sum(amounts))


@bp.get("/production")
def production():
    day = _day_or_404(request.args.get("day"))
    return render_template(
        "factory/production.html",
        days=orders.production(current_user, day),
        day=day,
    )


@bp.get("/shipments/<int:shipment_id>")
def shipment(shipment_id: int):
    """One shipment's pack list, state and steps: printable as it is."""
    return _shipment_page(_shipment_or_404(shipment_id))


def _shipment_page(found, reason: str | None = None, refuse_error: str | None = None):
    pack = orders.pack_list(found)
    open_ = found.state not in orders.CLOSED
    refused = refusal.of(found.id)
    body = render_template(
        "factory/shipment.html",
        pack=pack,
        next_step=_next_step(pack.steps) if open_ and refused is None else None,
        step_endpoints=STEP_ENDPOINTS,
        documents=_documents(found.id),
        refusal=refused,
        can_refuse=open_ and steps.CONFIRMED not in pack.steps,
        reason=reason,
        refuse_error=refuse_error,
    )
    return body, 400 if refuse_error else 200


@bp.post("/shipments/<int:shipment_id>/refuse")
def refuse(shipment_id: int):
    """Refuse the order with a reason (the seller reads it); the shipment is cancelled."""
    found = _shipment_or_404(shipment_id)
    reason = (request.form.get("reason") or "").strip()
    if not 3 <= len(reason) <= refusal.REASON_MAX:
        return _shipment_page(found, reason, _("Say why in 3 to 300 characters."))
    try:
        refusal.refuse(found, reason, current_user)
    except steps.StepRefused as exc:
        flash(exc.message, "error")
    else:
        flash(_("Shipment %(id)s: refused.", id=found.id), "success")
    return redirect(url_for("factory.shipment", shipment_id=found.id))


@bp.get("/pack-lists")
def pack_lists():
    """Every open pack list of one order day, one per printed page."""
    day = _day_or_404(request.args.get("day")) or utcnow().date()
    return render_template(
        "factory/pack_lists.html",
        packs=orders.pack_lists_of_day(current_user, day),
        day=day,
    )


def _pdf(data: bytes, filename: str) -> Response:
    response = Response(data, content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/shipments/<int:shipment_id>/pack-list.pdf")
def pack_list_pdf(shipment_id: int):
    """The shipment's pack list (or, fully managed, its inbound note with box and SKU
    labels) as a PDF."""
    found = _shipment_or_404(shipment_id)
    return _pdf(printing.pack_list_pdf(orders.pack_list(found)), f"shipment-{found.id}.pdf")


@bp.get("/batch.pdf")
def day_batch():
    """The day's batch in one PDF: each open shipment's carrier label and pack list."""
    day = _day_or_404(request.args.get("day")) or utcnow().date()
    data, missing = printing.day_batch(current_user, day)
    response = _pdf(data, f"batch-{day.isoformat()}.pdf")
    # How many carrier labels are not in it yet (the labels job fetches them).
    response.headers["X-Labels-Missing"] = str(missing)
    return response


SCAN_STEPS = (steps.PACKED, steps.HANDED_OVER)


@bp.route("/scan", methods=["GET", "POST"])
def scan():
    """One field for a barcode scanner: a scanned label (tracking number or our shipment
    code) then Enter marks that shipment packed or handed over, as chosen on the page."""
    step = request.form.get("step") or request.args.get("step") or steps.PACKED
    if step not in SCAN_STEPS:
        step = steps.PACKED
    if request.method == "GET":
        return render_template("factory/scan.html", step=step, result=None)
    code = (request.form.get("code") or "").strip()
    found = orders.find_by_code(current_user, code)
    if found is None:
        result = {"ok": False, "code": code, "message": _("Not found: %(code)s", code=code)}
        return render_template("factory/scan.html", step=step, result=result), 404
    try:
        record = steps.take(found, step, current_user)
    except steps.StepRefused as exc:
        result = {"ok": False, "code": code, "shipment": found, "message": exc.message}
        return render_template("factory/scan.html", step=step, result=result), 409
    result = {"ok": True, "code": code, "shipment": found, "record": record}
    return render_template("factory/scan.html", step=step, result=result)


def _take(shipment_id: int, step: str):
    found = _shipment_or_404(shipment_id)
    try:
        steps.take(found, step, current_user)
    except steps.StepRefused as exc:
        flash(exc.message, "error")
    else:
        flash(_("Shipment %(id)s: %(step)s.", id=found.id, step=steps.STEP_LABELS[step]), "success")
    # Back to the list the button was on, or to the shipment's own page.
    if request.form.get("next") == "index":
        return redirect(url_for("factory.index"))
    return redirect(url_for("factory.shipment", shipment_id=found.id))


@bp.post("/shipments/<int:shipment_id>/confirm")
def confirm(shipment_id: int):
    return _take(shipment_id, steps.CONFIRMED)


@bp.post("/shipments/<int:shipment_id>/packed")
def packed(shipment_id: int):
    return _take(shipment_id, steps.PACKED)


@bp.post("/shipments/<int:shipment_id>/handed-over")
def handed_over(shipment_id: int):
    return _take(shipment_id, steps.HANDED_OVER)


def _documents(shipment_id: int) -> list:
    return db.session.execute(
        select(ShipmentDocument.kind, ShipmentDocument.size_bytes)
        .where(ShipmentDocument.shipment_id == shipment_id)
        .order_by(ShipmentDocument.kind)
    ).all()


@bp.get("/shipments/<int:shipment_id>/documents/<kind>")
def document(shipment_id: int, kind: str):
    """The carrier's label or the warehouse's labels, to print (never run as our page)."""
    if kind not in document_kinds():
        abort(404)
    _shipment_or_404(shipment_id)
    found = db.session.execute(
        select(ShipmentDocument).where(
            ShipmentDocument.shipment_id == shipment_id, ShipmentDocument.kind == kind
        )
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    response = Response(found.data, content_type=found.content_type)
    response.headers["Content-Disposition"] = f'inline; filename="{found.filename}"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

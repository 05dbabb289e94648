"""One shipment's page and its documents; what the other shipment pages share."""

from __future__ import annotations

from flask import abort, flash, render_template
from flask_babel import gettext as _
from redis.exceptions import RedisError

from connector.downloads import document_response
from connector.extensions import db
from connector.models import Shipment
from connector.ops import actions, fixes, labels, rq_state
from connector.ops.blueprint import bp, web_actor
from connector.orders import documents
from connector.orders.adapters import default_service, document_kinds
from connector.orders.parcel import measure
from connector.orders.service import supplier_name
from connector.orders.states import FINAL, RETRYABLE


@bp.app_context_processor
def _ops_labels() -> dict:
    return {"ops_labels": labels}


def shipment_or_404(shipment_id: int) -> Shipment:
    shipment = db.session.get(Shipment, shipment_id)
    if shipment is None:
        abort(404)
    return shipment


def configured_service(adapter: str) -> str | None:
    """The service level the adapter's configuration gives shipments that name none."""
    return default_service(adapter) or None


def flash_retried(shipment_id: int) -> None:
    """Retry one shipment and say how it went (the shipment page and the fix form)."""
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
    shipment = shipment_or_404(shipment_id)
    lines = list(shipment.lines)
    jobs, redis_ok = _jobs(shipment)
    service = shipment.service or configured_service(shipment.adapter)
    return render_template(
        "ops/shipment.html",
        shipment=shipment,
        order=shipment.order,
        lines=lines,
        parcel=measure(lines) if lines else None,
        declared_value=sum((line.line_total for line in lines), 0),
        ship_to=fixes.current_address(shipment),
        factory=supplier_name(shipment.supplier_id),
        documents=documents.listed(shipment.id),
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
    shipment_or_404(shipment_id)
    document = documents.first_of(shipment_id, (kind,))
    if document is None:
        abort(404)
    return document_response(document)

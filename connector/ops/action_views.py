"""What ops do to shipments from the pages: retry or cancel one, retry a selection,
retry every match of a filter (a background job). Each goes through
``connector.ops.actions``, which audits it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from connector.auth.views import safe_next
from connector.ops import actions, board, bulk, labels
from connector.ops.blueprint import bp, web_actor
from connector.ops.board_views import filter_or_400
from connector.ops.shipment_views import flash_retried, shipment_or_404
from connector.orders.shipment_filter import (
    BadFilter,
    ShipmentFilter,
    retryable_count,
    retryable_ids,
)
from connector.params import whole_number


def _back(default: str) -> str:
    return safe_next(request.form.get("next")) or default


@bp.post("/shipments/<int:shipment_id>/retry")
def retry_one(shipment_id: int):
    shipment_or_404(shipment_id)
    flash_retried(shipment_id)
    return redirect(_back(url_for("ops.shipment_page", shipment_id=shipment_id)))


@bp.post("/shipments/<int:shipment_id>/cancel")
def cancel_one(shipment_id: int):
    shipment_or_404(shipment_id)
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
    flt, problem = filter_or_400()
    if problem:
        flash(problem, "error")
        return redirect(url_for("ops.board"))
    count = retryable_count(flt)
    sample = board.page_of_shipments(ShipmentFilter.build(ids=retryable_ids(flt, limit=20)), 20, 0)[
        0
    ]
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
        flt = ShipmentFilter.from_dict(
            {
                "states": request.form.getlist("state"),
                "market": request.form.get("market"),
                "adapter": request.form.get("adapter"),
                "reason": request.form.get("reason"),
                "q": request.form.get("q"),
                "ids": (request.form.get("ids") or "").split(","),
            }
        )
    except BadFilter as exc:
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

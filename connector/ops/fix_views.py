"""The fix form: change a shipment's address, weights or service before it is sent again."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from connector.address_messages import address_errors
from connector.fields import text_problem
from connector.models import Shipment
from connector.ops import actions, fixes
from connector.ops.blueprint import bp, web_actor
from connector.ops.shipment_views import configured_service, flash_retried, shipment_or_404
from connector.orders import pii
from connector.orders.address import AddressRejected
from connector.orders.parcel import measure
from connector.params import whole_number


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
    current = shipment.service or configured_service(shipment.adapter)
    if service and service != current:
        changes.service = service
    if errors:
        raise fixes.FixInvalid(errors)
    return changes


def _render_fix(shipment: Shipment, errors: dict, status: int = 200):
    current = fixes.current_address(shipment)
    # The field the carrier refused, in clear (ops cannot retype what they cannot read).
    revealed = fixes.reveal_rejected(shipment, web_actor()) if current is not None else None
    if revealed is not None:
        current = {**current, revealed[0]: revealed[1]}
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
        masked_fields=tuple(name for name in pii.MASKED if not revealed or name != revealed[0]),
        rejected=fixes.rejected_field(shipment),
        address_fields=fixes.ADDRESS_FIELDS,
        services=fixes.service_choices(shipment.adapter),
        current_service=shipment.service or configured_service(shipment.adapter),
        other_legs=[
            leg
            for leg in shipment.order.shipments
            if leg.id != shipment.id and leg.state not in ("pending", "cancelled")
        ],
    )
    return body, status


@bp.route("/shipments/<int:shipment_id>/fix", methods=["GET", "POST"])
def fix_page(shipment_id: int):
    shipment = shipment_or_404(shipment_id)
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
        shipment = shipment_or_404(shipment_id)
        return _render_fix(shipment, exc.errors, 422)
    except AddressRejected as exc:
        shipment = shipment_or_404(shipment_id)
        return _render_fix(shipment, address_errors(exc), 422)
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
        flash_retried(shipment_id)
    return redirect(url_for("ops.shipment_page", shipment_id=shipment_id))

"""The sandbox page: faults for the local carrier simulators (only when there are some)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from connector.ops import sandbox
from connector.ops.blueprint import bp, web_actor
from connector.params import whole_number

FAULT_LABELS = {
    "timeout": _l("Make the next shipments time out"),
    "refuse_address": _l("Refuse the address of the next shipments"),
    "down": _l("Go down for a minute"),
}


@bp.context_processor
def _sandbox_nav() -> dict:
    return {"ops_sandbox_on": bool(sandbox.sandbox_carriers())}


def _render(values: dict, errors: dict, status: int = 200):
    body = render_template(
        "ops/sandbox.html",
        carriers=sandbox.carriers_now(),
        faults=FAULT_LABELS,
        values=values,
        errors=errors,
        max_count=sandbox.MAX_COUNT,
    )
    return body, status


@bp.get("/sandbox")
def sandbox_page():
    if not sandbox.sandbox_carriers():
        abort(404)
    return _render({"count": "1"}, {})


@bp.post("/sandbox/faults")
def sandbox_fault():
    if not sandbox.sandbox_carriers():
        abort(404)
    values = {name: request.form.get(name, "") for name in ("carrier", "fault", "count")}
    errors: dict[str, list[str]] = {}
    if values["carrier"] not in sandbox.sandbox_carriers():
        errors["carrier"] = [_("Choose one of the sandbox carriers.")]
    if values["fault"] not in sandbox.FAULTS:
        errors["fault"] = [_("Choose one of the faults.")]
    count = whole_number(values["count"]) if values["fault"] != "down" else 1
    if count is None or not 1 <= count <= sandbox.MAX_COUNT:
        errors["count"] = [_("Give a whole number of shipments, 1 to %(n)s.", n=sandbox.MAX_COUNT)]
    if errors:
        return _render(values, errors, 422)
    carrier, fault = values["carrier"], values["fault"]
    try:
        sandbox.set_fault(web_actor(), carrier, fault, count)
    except sandbox.SandboxRefused:
        return _render(values, {"fault": [_("This carrier cannot take that fault.")]}, 422)
    except sandbox.SandboxUnavailable:
        flash(
            _("The sandbox of %(carrier)s is not answering: is it running?", carrier=carrier),
            "error",
        )
        return redirect(url_for("ops.sandbox_page"))
    if fault == "down":
        flash(_("%(carrier)s is down for a minute.", carrier=carrier), "success")
    else:
        flash(
            _(
                "%(carrier)s: %(fault)s (%(count)s).",
                carrier=carrier,
                fault=FAULT_LABELS[fault],
                count=count,
            ),
            "success",
        )
    return redirect(url_for("ops.sandbox_page"))


@bp.post("/sandbox/<carrier>/clear")
def sandbox_clear(carrier: str):
    if carrier not in sandbox.sandbox_carriers():
        abort(404)
    try:
        sandbox.clear_faults(web_actor(), carrier)
    except (sandbox.SandboxUnavailable, sandbox.SandboxRefused):
        flash(
            _("The sandbox of %(carrier)s is not answering: is it running?", carrier=carrier),
            "error",
        )
        return redirect(url_for("ops.sandbox_page"))
    flash(_("%(carrier)s works normally again.", carrier=carrier), "success")
    return redirect(url_for("ops.sandbox_page"))

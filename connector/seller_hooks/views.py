"""The seller's webhooks page: endpoints, their secrets (shown once), deliveries, resend.

The same services as ``/api/v1/webhook-endpoints``; forms answer errors beside the
field. Only sellers have webhooks; another seller's endpoint or delivery is a 404.
"""

from __future__ import annotations

import orjson
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from connector.models import Role, User
from connector.models.types import utcnow
from connector.ops.audit import Actor
from connector.seller_hooks import delivery as deliveries
from connector.seller_hooks import endpoints, messages
from connector.seller_hooks.events import EVENT_TYPES

bp = Blueprint("seller_hooks", __name__, url_prefix="/account/webhooks")
DELIVERIES_SHOWN = 50
NO_STORE = {"Cache-Control": "no-store"}


def _seller() -> User:
    if current_user.role != Role.SELLER:
        abort(404)
    return current_user._get_current_object()


def _actor() -> Actor:
    return Actor.of(_seller(), "web")


def _endpoint(endpoint_id: int):
    endpoint = endpoints.endpoint_of(_seller(), endpoint_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _rows(seller: User) -> list[dict]:
    now = utcnow()
    return [
        {
            "endpoint": endpoint,
            "notice": messages.notice(endpoint.disabled_reason, endpoint.disabled_at),
            "old_secret_until": endpoints.previous_secret_valid_until(endpoint, now),
        }
        for endpoint in endpoints.endpoints_of(seller)
    ]


def _page(seller: User, status: int = 200, **context):
    context.setdefault("errors", {})
    context.setdefault("form", {"url": "", "description": "", "events": list(EVENT_TYPES)})
    body = render_template(
        "account/webhooks.html",
        rows=_rows(seller),
        event_types=EVENT_TYPES,
        event_labels=messages.EVENT_LABELS,
        **context,
    )
    # A secret may be on this page: no cache keeps a copy.
    return body, status, NO_STORE


@bp.get("/")
@login_required
def index():
    return _page(_seller())


@bp.post("/")
@login_required
def create():
    seller = _seller()
    form = {
        "url": request.form.get("url", "").strip(),
        "description": request.form.get("description", "").strip()[:200],
        "events": request.form.getlist("events"),
    }
    try:
        made = endpoints.create(_actor(), seller, form["url"], form["events"], form["description"])
    except endpoints.EndpointRefused as exc:
        return _page(seller, 422, form=form, errors={exc.field: [messages.refusal(exc.code)]})
    return _page(seller, new_secret=made.secret, new_endpoint=made.endpoint)


@bp.post("/<int:endpoint_id>/enabled")
@login_required
def set_enabled(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    enable = request.form.get("enabled") == "1"
    endpoints.update(_actor(), endpoint, {"enabled": enable})
    flash(_("The endpoint is enabled.") if enable else _("The endpoint is disabled."), "success")
    return redirect(url_for("seller_hooks.index"))


@bp.post("/<int:endpoint_id>/rotate")
@login_required
def rotate(endpoint_id: int):
    seller = _seller()
    made = endpoints.rotate_secret(_actor(), _endpoint(endpoint_id))
    return _page(
        seller,
        new_secret=made.secret,
        new_endpoint=made.endpoint,
        rotated=True,
        old_secret_hours=endpoints.settings()["old_secret_hours"],
    )


@bp.post("/<int:endpoint_id>/delete")
@login_required
def delete(endpoint_id: int):
    endpoints.delete(_actor(), _endpoint(endpoint_id))
    flash(_("The endpoint is removed."), "success")
    return redirect(url_for("seller_hooks.index"))


@bp.get("/<int:endpoint_id>")
@login_required
def detail(endpoint_id: int):
    endpoint = _endpoint(endpoint_id)
    items, total = deliveries.deliveries_of(endpoint, None, DELIVERIES_SHOWN, 0)
    return render_template(
        "account/webhook.html",
        endpoint=endpoint,
        notice=messages.notice(endpoint.disabled_reason, endpoint.disabled_at),
        deliveries=items,
        total=total,
        pretty=lambda text: orjson.dumps(orjson.loads(text), option=orjson.OPT_INDENT_2).decode(),
    )


@bp.post("/deliveries/<int:delivery_id>/resend")
@login_required
def resend(delivery_id: int):
    seller = _seller()
    found = deliveries.delivery_of(seller.id, delivery_id)
    if found is None:
        abort(404)
    try:
        deliveries.resend(_actor(), found)
    except deliveries.CannotResend as exc:
        flash(messages.refusal(exc.code), "error")
    else:
        flash(_("The delivery is sent again."), "success")
    return redirect(url_for("seller_hooks.detail", endpoint_id=found.endpoint_id))

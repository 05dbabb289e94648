"""The seller's shops page: connect a marketplace shop per market, see each product's sync.

The same write path as ``/api/v1/channel-connections`` (``connector.channels.connections``);
errors sit beside their fields, and credentials are never printed back.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from connector.api.channel_connections import connection_view, product_view, products_of
from connector.channels import connections, push
from connector.channels.reason_messages import CONNECTION_ERRORS, STATUS_LABELS
from connector.models import Role
from connector.ops.audit import Actor

bp = Blueprint("shops", __name__)


@bp.before_request
@login_required
def _sellers_only():
    if current_user.role != Role.SELLER:
        abort(403)


def _form_field(field: str) -> str:
    """The API's field names (``credentials.api_key``) as the form's (``secret``)."""
    if field.startswith("credentials."):
        return "secret"
    if field.startswith("options."):
        return "option"
    return field


def _render(values: dict, errors: dict, status: int = 200):
    body = render_template(
        "channels/shops.html",
        shops=[connection_view(row) for row in connections.connections_of(current_user)],
        channels=connections.CHANNELS,
        markets=current_user.markets or [],
        status_labels=STATUS_LABELS,
        values=values,
        errors=errors,
    )
    return body, status, {"Cache-Control": "no-store"}


@bp.get("/shops")
def shops_page():
    return _render({"channel": "shopee", "enabled": True}, {})


@bp.post("/shops")
def connect_shop():
    values = {name: request.form.get(name, "").strip() for name in ("channel", "market", "shop_id")}
    values["option"] = request.form.get("option", "").strip()
    values["enabled"] = request.form.get("enabled") == "on"
    spec = connections.CHANNELS.get(values["channel"])
    secret = request.form.get("secret", "").strip()
    try:
        if spec is None:
            raise connections.ConnectionRefused("channel", "channel_unknown")
        options = {spec.options[0]: values["option"]} if spec.options and values["option"] else {}
        row = connections.connect(
            Actor.of(current_user, "web"),
            current_user,
            values["channel"],
            values["market"],
            values["shop_id"],
            {name: secret for name in spec.secrets},
            options,
            values["enabled"],
        )
    except connections.ConnectionRefused as error:
        errors = {_form_field(error.field): [str(CONNECTION_ERRORS[error.code])]}
        return _render(values, errors, 409 if error.code == "already_connected" else 422)
    flash(_("The shop is connected; your offers are on their way."), "success")
    return redirect(url_for("shops.shop_page", connection_id=row.id))


def _own(connection_id: int):
    row = connections.connection_of(current_user, connection_id)
    if row is None:
        abort(404)
    return row


@bp.get("/shops/<int:connection_id>")
def shop_page(connection_id: int):
    row = _own(connection_id)
    status = request.args.get("status") or None
    body = render_template(
        "channels/shop.html",
        shop=connection_view(row),
        products=[product_view(item) for item in products_of(row, status)],
        status=status,
    )
    return body, 200, {"Cache-Control": "no-store"}


@bp.post("/shops/<int:connection_id>/enabled")
def toggle_shop(connection_id: int):
    row = _own(connection_id)
    connections.change(Actor.of(current_user, "web"), row, enabled=not row.enabled)
    return redirect(url_for("shops.shop_page", connection_id=connection_id))


@bp.post("/shops/<int:connection_id>/sync")
def sync_shop(connection_id: int):
    push.resync(_own(connection_id))
    flash(_("Pushing again now."), "success")
    return redirect(url_for("shops.shop_page", connection_id=connection_id))


@bp.post("/shops/<int:connection_id>/delete")
def delete_shop(connection_id: int):
    connections.disconnect(Actor.of(current_user, "web"), _own(connection_id))
    flash(_("The shop is disconnected."), "success")
    return redirect(url_for("shops.shops_page"))

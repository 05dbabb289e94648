"""The channels page: ops map our categories to each marketplace's category ids."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from connector.feeds import categories
from connector.ops.blueprint import bp, web_actor


def _render(values: dict, errors: dict, status: int = 200):
    body = render_template(
        "ops/channels.html",
        mappings=categories.mappings(),
        channels=categories.MAPPED_CHANNELS,
        values=values,
        errors=errors,
    )
    return body, status


@bp.get("/channels")
def channels_page():
    return _render({"channel": categories.MAPPED_CHANNELS[0]}, {})


@bp.post("/channels/categories")
def put_category():
    values = {
        name: request.form.get(name, "") for name in ("channel", "category", "channel_category_id")
    }
    try:
        data = categories.CategoryMappingSchema().load(values)
    except ValidationError as exc:
        errors = {name: [str(m) for m in messages] for name, messages in exc.messages.items()}
        return _render(values, errors, 422)
    categories.put_mapping(
        web_actor(), data["channel"], data["category"], data["channel_category_id"]
    )
    flash(
        _(
            "%(category)s is %(channel_id)s on %(channel)s.",
            category=data["category"],
            channel_id=data["channel_category_id"],
            channel=data["channel"],
        ),
        "success",
    )
    return redirect(url_for("ops.channels_page"))


@bp.post("/channels/categories/<int:mapping_id>/delete")
def delete_category(mapping_id: int):
    if not categories.delete_mapping(web_actor(), mapping_id):
        abort(404)
    flash(_("The mapping is removed."), "success")
    return redirect(url_for("ops.channels_page"))

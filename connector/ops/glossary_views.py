"""The glossary review page: terms exporters translated that the glossary lacks or
renders otherwise; ops approve (as written or edited) or reject each one."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from adapters.han import has_han
from connector.fields import text_problem
from connector.offers import glossary_review
from connector.ops.blueprint import bp, web_actor

STATUS_LABELS = {
    "pending": _l("waiting"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
}


def _render(errors: dict, status: int = 200, values: dict | None = None):
    body = render_template(
        "ops/glossary.html",
        pending=glossary_review.suggestions("pending"),
        decided=glossary_review.recent_decisions(),
        entries=list(glossary_review.entries()),
        errors=errors,
        values=values or {},
        status_label=lambda s: str(STATUS_LABELS.get(s, s)),
    )
    return body, status


@bp.get("/glossary")
def glossary_page():
    return _render({})


def _decided(
    decide: Callable[[], glossary_review.Decision], said: Callable[[glossary_review.Decision], str]
):
    """Run ops' decision, then back to the page saying what happened.

    Someone may have decided first (another tab, another person): the page
    then says how, and nothing changes. No such suggestion answers 404.
    """
    try:
        done = decide()
    except LookupError:
        abort(404)
    except glossary_review.NotPending as exc:
        flash(
            _(
                "This suggestion was already %(status)s.",
                status=STATUS_LABELS[exc.suggestion.status],
            ),
            "error",
        )
        return redirect(url_for("ops.glossary_page"))
    flash(said(done), "success")
    return redirect(url_for("ops.glossary_page"))


@bp.post("/glossary/suggestions/<int:suggestion_id>/approve")
def approve_suggestion(suggestion_id: int):
    value = (request.form.get("value") or "").strip()
    field = f"value-{suggestion_id}"
    problem = text_problem(value) if value else None
    if problem:
        return _render({field: [str(problem)]}, 422, {field: value})
    try:
        return _decided(
            lambda: glossary_review.approve(suggestion_id, web_actor(), value or None, han=has_han),
            lambda done: _(
                "%(term)s is now translated as %(value)s in %(language)s.",
                term=done.suggestion.term,
                value=done.entry.value,
                language=done.suggestion.language,
            ),
        )
    except glossary_review.BadValue:
        errors = {
            field: [_("Give the translation in the market's language, at most 500 characters.")]
        }
        return _render(errors, 422, {field: value})


@bp.post("/glossary/suggestions/<int:suggestion_id>/reject")
def reject_suggestion(suggestion_id: int):
    return _decided(
        lambda: glossary_review.reject(suggestion_id, web_actor()),
        lambda done: _("The suggestion for %(term)s is rejected.", term=done.suggestion.term),
    )

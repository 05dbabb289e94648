"""The glossary grows from exporters' own translations, through ops review.

When a submitted listing carries the exporter's own translation of a term and
the glossary lacks that term or renders it otherwise, a suggestion is kept
(once per term, language and text). Ops approve it (as written or edited) or
reject it; an approved entry sits beside the JSON files and every later
localization uses it (:func:`current_glossary`). Each decision is audited
with who took it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from adapters.translation.glossary import Glossary, default_glossary, language_of, normalize_term
from connector.extensions import db
from connector.models import GlossaryEntry, GlossarySuggestion, Listing
from connector.models.types import utcnow
from connector.ops import audit
from connector.ops.audit import Actor

STATUSES = ("pending", "approved", "rejected")
# The group of a new term, when the glossary files do not know it yet.
NEW_TERM_GROUP = "exporter"
MAX_VALUE = 500


class NotPending(Exception):
    """The suggestion was already approved or rejected."""

    def __init__(self, suggestion: GlossarySuggestion) -> None:
        super().__init__(suggestion.status)
        self.suggestion = suggestion


class BadValue(ValueError):
    """An edited value that is empty, too long, or still Chinese."""


def current_glossary() -> Glossary:
    """The shipped glossary with every approved entry beside it."""
    rows = db.session.execute(
        select(GlossaryEntry.term, GlossaryEntry.language, GlossaryEntry.value, GlossaryEntry.group)
    ).all()
    base = default_glossary()
    return base.with_entries(rows) if rows else base


def propose_from(listing: Listing, glossary: Glossary, han) -> int:
    """Suggestions for the listing's own term translations that the glossary lacks or
    renders otherwise; returns how many are new. ``han`` tells Chinese text apart."""
    added = 0
    for locale, texts in (listing.localized or {}).items():
        lang = language_of(locale)
        for term, own in ((texts or {}).get("terms") or {}).items():
            own = (own or "").strip()
            if not own or han(own) or len(own) > MAX_VALUE or len(term) > 200:
                continue
            known = glossary.lookup(term, lang)
            if known is not None and normalize_term(known) == normalize_term(own):
                continue
            if _exists(term, lang, own):
                continue
            try:
                # A savepoint: another worker proposing the same text at the same time
                # must not fail this listing's localization.
                with db.session.begin_nested():
                    db.session.add(
                        GlossarySuggestion(
                            term=term,
                            language=lang,
                            proposed=own,
                            glossary_value=known,
                            supplier_id=listing.supplier_id,
                            listing_id=listing.id,
                        )
                    )
            except IntegrityError:
                continue
            added += 1
    return added


def _exists(term: str, lang: str, proposed: str) -> bool:
    found = db.session.execute(
        select(func.count(GlossarySuggestion.id)).where(
            GlossarySuggestion.term == term,
            GlossarySuggestion.language == lang,
            GlossarySuggestion.proposed == proposed,
        )
    ).scalar_one()
    return bool(found)


def suggestions(status: str | None = "pending", limit: int = 200) -> list[GlossarySuggestion]:
    """Suggestions in ``status`` (all with None), oldest first."""
    query = select(GlossarySuggestion).order_by(GlossarySuggestion.id).limit(limit)
    if status:
        query = query.where(GlossarySuggestion.status == status)
    return list(db.session.execute(query).scalars())


def recent_decisions(limit: int = 20) -> list[GlossarySuggestion]:
    """The latest approvals and rejections, newest first."""
    query = (
        select(GlossarySuggestion)
        .where(GlossarySuggestion.status != "pending")
        .order_by(GlossarySuggestion.reviewed_at.desc(), GlossarySuggestion.id.desc())
        .limit(limit)
    )
    return list(db.session.execute(query).scalars())


@dataclass(frozen=True)
class Decision:
    suggestion: GlossarySuggestion
    entry: GlossaryEntry | None


def approve(suggestion_id: int, actor: Actor, value: str | None = None, han=None) -> Decision:
    """Approve a suggestion, as proposed or with ``value`` instead; the entry is used
    from now on. LookupError, NotPending, BadValue."""
    suggestion = _pending(suggestion_id, actor, "glossary.approve")
    chosen = (value if value is not None else suggestion.proposed).strip()
    if not chosen or len(chosen) > MAX_VALUE or (han is not None and han(chosen)):
        raise BadValue(chosen)
    entry = db.session.execute(
        select(GlossaryEntry).where(
            GlossaryEntry.term == suggestion.term, GlossaryEntry.language == suggestion.language
        )
    ).scalar_one_or_none()
    group = default_glossary().group_of(suggestion.term) or NEW_TERM_GROUP
    if entry is None:
        entry = GlossaryEntry(term=suggestion.term, language=suggestion.language, group=group)
        db.session.add(entry)
    entry.value = chosen
    entry.suggestion_id = suggestion.id
    entry.approved_by_id = actor.user_id
    entry.approved_by = actor.name
    entry.approved_at = utcnow()
    _decide(suggestion, "approved", actor)
    db.session.commit()
    audit.record(
        actor,
        "glossary.approve",
        "glossary_suggestion",
        suggestion.id,
        details={**_details(suggestion), "value": chosen, "edited": chosen != suggestion.proposed},
    )
    return Decision(suggestion, entry)


def reject(suggestion_id: int, actor: Actor) -> Decision:
    """Reject a suggestion: the glossary stays as it is. LookupError, NotPending."""
    suggestion = _pending(suggestion_id, actor, "glossary.reject")
    _decide(suggestion, "rejected", actor)
    db.session.commit()
    audit.record(
        actor, "glossary.reject", "glossary_suggestion", suggestion.id, details=_details(suggestion)
    )
    return Decision(suggestion, None)


def _pending(suggestion_id: int, actor: Actor, action: str) -> GlossarySuggestion:
    suggestion = db.session.get(GlossarySuggestion, suggestion_id)
    if suggestion is None:
        raise LookupError(suggestion_id)
    if suggestion.status != "pending":
        audit.record(
            actor,
            action,
            "glossary_suggestion",
            suggestion.id,
            result="refused",
            details={**_details(suggestion), "status": suggestion.status},
        )
        raise NotPending(suggestion)
    return suggestion


def _decide(suggestion: GlossarySuggestion, status: str, actor: Actor) -> None:
    suggestion.status = status
    suggestion.reviewed_at = utcnow()
    suggestion.reviewed_by_id = actor.user_id
    suggestion.reviewed_by = actor.name


def _details(suggestion: GlossarySuggestion) -> dict:
    return {
        "term": suggestion.term,
        "language": suggestion.language,
        "proposed": suggestion.proposed,
        "glossary_value": suggestion.glossary_value,
    }


def as_dict(suggestion: GlossarySuggestion) -> dict:
    return {
        "id": suggestion.id,
        "term": suggestion.term,
        "language": suggestion.language,
        "proposed": suggestion.proposed,
        "glossary_value": suggestion.glossary_value,
        "status": suggestion.status,
        "listing_id": suggestion.listing_id,
        "created_at": suggestion.created_at,
        "reviewed_at": suggestion.reviewed_at,
        "reviewed_by": suggestion.reviewed_by,
    }


def entries(language: str | None = None) -> Iterable[GlossaryEntry]:
    query = select(GlossaryEntry).order_by(GlossaryEntry.language, GlossaryEntry.term)
    if language:
        query = query.where(GlossaryEntry.language == language)
    return db.session.execute(query).scalars()

"""Machine translations remembered by (text, source, target), so each is paid for once;
glossary terms exporters suggested and ops reviewed."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db
from connector.models.types import UTCDateTime, utcnow


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TranslationMemo(db.Model):
    __tablename__ = "translation_memo"
    __table_args__ = (UniqueConstraint("source", "target", "text_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(16))
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    translated: Mapped[str] = mapped_column(Text)
    provider: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GlossarySuggestion(db.Model):
    """An exporter's own translation of a term that the glossary lacks or renders
    otherwise, waiting for ops to approve (perhaps edited) or reject it."""

    __tablename__ = "glossary_suggestion"
    __table_args__ = (UniqueConstraint("term", "language", "proposed"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(200))
    # The glossary language (vi, ru, kk…), not a locale.
    language: Mapped[str] = mapped_column(String(8), index=True)
    proposed: Mapped[str] = mapped_column(String(500))
    # What the glossary said when the suggestion was made (None: no entry).
    glossary_value: Mapped[str | None] = mapped_column(String(500))
    # pending | approved | rejected
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id", ondelete="SET NULL"))
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The reviewer's e-mail as it was then, like the audit log keeps it.
    reviewed_by: Mapped[str | None] = mapped_column(String(254))


class GlossaryEntry(db.Model):
    """A reviewed term beside the glossary files: used by every localization from
    its approval on, in its language only."""

    __tablename__ = "glossary_entry"
    __table_args__ = (UniqueConstraint("term", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(8))
    value: Mapped[str] = mapped_column(String(500))
    group: Mapped[str] = mapped_column(String(32))
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("glossary_suggestion.id", ondelete="SET NULL")
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    approved_by: Mapped[str] = mapped_column(String(254))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

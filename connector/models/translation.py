"""Machine translations remembered by (text, source, target), so each is paid for once."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
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

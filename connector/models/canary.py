"""A value only the install's buyer-data keys open, written once at first start."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db
from connector.models.types import UTCDateTime, utcnow


class PiiCanary(db.Model):
    """One row: a Fernet token under ``PII_KEYS``. A host whose keys cannot open it
    would fail on every order it reads, so it refuses to start instead."""

    __tablename__ = "pii_canary"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

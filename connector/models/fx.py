"""FX rates as published (history kept) and the health of each rate provider."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db
from connector.models.types import Money, UTCDateTime, utcnow


class FxRateStatus(StrEnum):
    ACCEPTED = "accepted"  # prices may use it
    QUARANTINED = "quarantined"  # jumped past the market's limit: waits for a person
    REJECTED = "rejected"  # a person judged it wrong; never used


class FxRate(db.Model):
    """1 ``base`` = ``rate`` ``quote``, as ``source`` published it for ``as_of``.

    Only ``accepted`` rates price anything. A fetched rate that moved more than
    the limit from the last accepted one of its pair and source is kept
    ``quarantined`` with that ``reference_rate`` and its ``move_pct``, until ops
    accept or reject it (``reviewed_by_id``, ``reviewed_at``).
    """

    __tablename__ = "fx_rate"
    __table_args__ = (
        UniqueConstraint("base", "quote", "source", "as_of"),
        Index("ix_fx_rate_pair_as_of", "base", "quote", "as_of"),
        Index("ix_fx_rate_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Money(24, 10))
    source: Mapped[str] = mapped_column(String(40))
    as_of: Mapped[datetime] = mapped_column(UTCDateTime)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    path: Mapped[list] = mapped_column(JSON, default=list)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        String(16), default=FxRateStatus.ACCEPTED.value, server_default="accepted"
    )
    reference_rate: Mapped[Decimal | None] = mapped_column(Money(24, 10))
    move_pct: Mapped[Decimal | None] = mapped_column(Money(24, 4))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FxProviderState(db.Model):
    """Last outcome of each provider, for /healthz and the ops pages."""

    __tablename__ = "fx_provider_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_code: Mapped[str | None] = mapped_column(String(60))
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    quotes_stored: Mapped[int] = mapped_column(Integer, default=0)

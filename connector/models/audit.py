"""The audit log: who did what to which thing, when, from where, and how it ended."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from connector.extensions import db
from connector.models.types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    """One action by a person (ops pages, API, CLI) or by a job acting for one.

    ``actor`` keeps the e-mail (or ``cli:<login>``) as it was at the time, so an
    entry still says who acted after the account is renamed or removed.
    """

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    actor: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(16))
    # web | api | cli | job
    source: Mapped[str] = mapped_column(String(8))
    # e.g. shipment.retry, shipment.fix, fx.manual_rate, rq.requeue_job
    action: Mapped[str] = mapped_column(String(64), index=True)
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    # ok | refused | failed | queued
    result: Mapped[str] = mapped_column(String(16), index=True)

"""Recording ops actions in the audit log, and reading it back."""

from __future__ import annotations

import getpass
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from connector.extensions import db
from connector.models import AuditEntry, User

log = logging.getLogger(__name__)

RESULTS = ("ok", "refused", "failed", "queued")
SOURCES = ("web", "api", "cli", "job")


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, an API token's user, or someone at the command line."""

    name: str
    role: str
    source: str
    user_id: int | None = None

    @classmethod
    def of(cls, user: User, source: str) -> Actor:
        return cls(name=user.email, role=str(user.role), source=source, user_id=user.id)

    @classmethod
    def cli(cls, name: str | None = None) -> Actor:
        return cls(name=f"cli:{name or _login()}", role="ops", source="cli")

    def as_job(self) -> Actor:
        """The same person, acting through a background job they started."""
        return Actor(self.name, self.role, "job", self.user_id)

    @property
    def label(self) -> str:
        """How shipment events name the actor (``ops:ana@example.com``)."""
        return f"{self.role}:{self.name}" if not self.name.startswith("cli:") else self.name

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "source": self.source, "id": self.user_id}

    @classmethod
    def from_dict(cls, data: dict) -> Actor:
        return cls(data["name"], data["role"], data["source"], data.get("id"))


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a container without /etc/passwd entry
        return "unknown"


def record(
    actor: Actor,
    action: str,
    target_type: str,
    target_id: Any = None,
    *,
    result: str = "ok",
    details: dict | None = None,
    commit: bool = True,
) -> AuditEntry | None:
    """Write one audit entry. An audit write that fails is logged and does not undo
    the action it describes (that has already been committed)."""
    if result not in RESULTS:
        raise ValueError(f"audit result must be one of {RESULTS}")
    entry = AuditEntry(
        actor_id=actor.user_id,
        actor=actor.name[:254],
        role=actor.role[:16],
        source=actor.source[:8],
        action=action[:64],
        target_type=target_type[:32],
        target_id=None if target_id is None else str(target_id)[:64],
        details=details or {},
        result=result,
    )
    try:
        db.session.add(entry)
        if commit:
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("audit entry %s on %s %s not written", action, target_type, target_id)
        return None
    return entry


@dataclass(frozen=True)
class AuditQuery:
    action: str | None = None
    actor: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    result: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _conditions(query: AuditQuery) -> list:
    conditions = []
    if query.action:
        # "shipment" matches every shipment.* action; "shipment.retry" only itself.
        if "." in query.action:
            conditions.append(AuditEntry.action == query.action)
        else:
            conditions.append(AuditEntry.action.like(query.action.replace("%", "") + ".%"))
    if query.actor:
        conditions.append(func.lower(AuditEntry.actor) == query.actor.lower())
    if query.target_type:
        conditions.append(AuditEntry.target_type == query.target_type)
    if query.target_id:
        conditions.append(AuditEntry.target_id == query.target_id)
    if query.result:
        conditions.append(AuditEntry.result == query.result)
    if query.since:
        conditions.append(AuditEntry.at >= query.since)
    if query.until:
        conditions.append(AuditEntry.at < query.until)
    return conditions


def page_of_entries(query: AuditQuery, limit: int, offset: int) -> tuple[list[AuditEntry], int]:
    """Entries matching ``query``, newest first, and how many match in all."""
    conditions = _conditions(query)
    rows = db.session.execute(
        select(AuditEntry)
        .where(*conditions)
        .order_by(AuditEntry.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    total = db.session.execute(select(func.count(AuditEntry.id)).where(*conditions)).scalar_one()
    return list(rows), total


def entry_output(entry: AuditEntry) -> dict:
    return {
        "id": entry.id,
        "at": entry.at,
        "actor": entry.actor,
        "actor_id": entry.actor_id,
        "role": entry.role,
        "source": entry.source,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "details": entry.details or {},
        "result": entry.result,
    }

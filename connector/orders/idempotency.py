"""``Idempotency-Key`` for POSTs that create things: the first answer, replayed.

A key belongs to one caller. The first request that *succeeds* with a key has
its answer stored (encrypted: it carries the buyer's address) in the same
transaction as what it created; a later request with the key and the same
method, path and JSON body gets that answer again, one with another body gets
409. Requests that failed validation store nothing, so the client may fix the
body and send it again under the same key. Records expire after
``FULFILMENT["idempotency_hours"]``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from connector.extensions import db
from connector.models import IdempotencyRecord
from connector.models.types import utcnow
from connector.orders import pii

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


def fingerprint(method: str, path: str, body) -> str:
    """SHA-256 of the request as it matters: key order and whitespace do not."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def find(user_id: int, key: str) -> IdempotencyRecord | None:
    """The caller's record for ``key``; an expired one is deleted (in the caller's
    transaction) so the key can be used afresh."""
    record = db.session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key
        )
    ).scalar_one_or_none()
    oldest = utcnow() - timedelta(hours=current_app.config["FULFILMENT"]["idempotency_hours"])
    if record is not None and record.created_at < oldest:
        db.session.delete(record)
        db.session.flush()
        return None
    return record


def remember(
    user_id: int, key: str, request_hash: str, status: int, body: dict, resource_id: int | None
) -> None:
    """Store the answer in the caller's transaction (the unique key settles races)."""
    db.session.add(
        IdempotencyRecord(
            user_id=user_id,
            key=key,
            request_hash=request_hash,
            status_code=status,
            response_encrypted=pii.encrypt(body),
            resource_id=resource_id,
            created_at=utcnow(),
        )
    )


def replay(record: IdempotencyRecord) -> tuple[dict, int]:
    return pii.decrypt(record.response_encrypted), record.status_code


def purge_expired() -> int:
    """Delete records past their retention (run by the sweep); returns how many."""
    oldest = utcnow() - timedelta(hours=current_app.config["FULFILMENT"]["idempotency_hours"])
    result = db.session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < oldest)
    )
    db.session.commit()
    return result.rowcount

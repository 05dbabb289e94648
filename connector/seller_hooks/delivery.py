"""Delivering webhooks: claim a due delivery, sign and send it, log the attempt, plan the
next one; resend on request; the sweep that finds deliveries whose job was lost.

At least once: a delivery row exists before its job (``events``), a worker claims
it with one conditional UPDATE under a lease before sending (two jobs for the same
attempt: one sends), and a worker that dies mid-send leaves a lease that runs out,
after which the sweep sends it again with the same ``webhook-id``.

Retries follow ``WEBHOOKS["retry_delays"]`` after the first attempt (5 s, 5 min,
30 min, 2 h, 5 h, 10 h and the rest of the day), or a longer ``Retry-After``; after
the last the delivery has failed. An endpoint that answers nothing but failures
for ``disable_after_seconds`` (a day) is disabled, as is one that answers 410 Gone
(the scheme's "stop sending"); the seller sees why and enables it again.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from adapters.webhooks import client, signing
from connector.extensions import db
from connector.models import WebhookAttempt, WebhookDelivery
from connector.models import WebhookEndpoint as Endpoint
from connector.models.types import utcnow
from connector.ops import audit
from connector.ops.audit import Actor
from connector.seller_hooks.endpoints import DISABLED_FAILING, DISABLED_GONE, signing_secrets
from connector.seller_hooks.events import enqueue_delivery

log = logging.getLogger(__name__)
D = WebhookDelivery.__table__.c
E = Endpoint.__table__.c
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
SWEEP_LIMIT = 500


class CannotResend(Exception):
    """The delivery cannot be sent again now; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Outcome:
    status: str  # delivered | pending (retry planned) | failed | not_claimed | lease_lost
    retry_in: float | None = None
    attempt: int | None = None


def settings() -> dict:
    return current_app.config["WEBHOOKS"]


def retry_delay(failures: int, retry_after: float | None = None) -> float | None:
    """Seconds before the next attempt after ``failures`` failed ones; None: give up."""
    delays = settings()["retry_delays"]
    if failures < 1 or failures > len(delays):
        return None
    delay = float(delays[failures - 1])
    if retry_after:
        # The receiver asked for a pause: take it, within the day an endpoint is given.
        delay = max(delay, min(float(retry_after), float(settings()["disable_after_seconds"])))
    return delay


def _claimable(now: datetime):
    return and_(
        D.status == PENDING,
        D.next_attempt_at <= now,
        or_(D.lease_expires_at.is_(None), D.lease_expires_at < now),
    )


@dataclass(frozen=True)
class _Claim:
    token: str
    number: int
    resend: bool


def _claim(delivery_id: int, now: datetime) -> _Claim | None:
    token = uuid.uuid4().hex
    row = db.session.execute(
        update(WebhookDelivery.__table__)
        .where(D.id == delivery_id, _claimable(now))
        .values(
            lease_token=token,
            lease_expires_at=now + timedelta(seconds=settings()["lease_seconds"]),
            attempt_count=D.attempt_count + 1,
        )
        .returning(D.attempt_count, D.attempt_base)
    ).first()
    if row is None:
        db.session.rollback()
        return None
    number, base = row
    _log_lost_attempt(delivery_id, number - 1, now)
    db.session.commit()
    return _Claim(token, number, resend=base > 0 and number == base + 1)


def _log_lost_attempt(delivery_id: int, number: int, now: datetime) -> None:
    """An earlier claim that left no attempt: its worker died (or overran its lease)
    after claiming, perhaps after sending. The log says so, rather than skip a number."""
    if number < 1:
        return
    logged = db.session.execute(
        select(WebhookAttempt.id).where(
            WebhookAttempt.delivery_id == delivery_id, WebhookAttempt.number == number
        )
    ).first()
    if logged is None:
        db.session.add(
            WebhookAttempt(
                delivery_id=delivery_id,
                number=number,
                started_at=now,
                duration_ms=0,
                error_code="worker_lost",
                error_message="the worker ended before recording this attempt",
                resend=False,
            )
        )


def deliver(delivery_id: int, now: datetime | None = None) -> Outcome:
    """One attempt at a due delivery; safe to call any number of times."""
    now = now or utcnow()
    claim = _claim(delivery_id, now)
    if claim is None:
        return Outcome("not_claimed")
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = db.session.get(Endpoint, delivery.endpoint_id)
    if not endpoint.enabled:
        return _give_up(delivery_id, claim, "endpoint_disabled")
    body = delivery.payload.encode()
    timestamp = int(now.timestamp())
    headers = signing.headers(signing_secrets(endpoint, now), delivery.message_id, timestamp, body)
    config = settings()
    result = client.post(
        _session(config["allow_local"]),
        endpoint.url,
        body,
        headers,
        allow_local=config["allow_local"],
        timeout=tuple(config["timeout"]),
    )
    db.session.rollback()  # nothing of ours is held during the call
    return _record(delivery_id, endpoint.id, claim, result, now)


def _session(allow_local: bool):
    sessions = current_app.extensions.setdefault("webhook_sessions", {})
    if allow_local not in sessions:
        sessions[allow_local] = client.make_session(allow_local)
    return sessions[allow_local]


def _attempt_row(delivery_id: int, claim: _Claim, result: client.AttemptResult, now: datetime):
    return WebhookAttempt(
        delivery_id=delivery_id,
        number=claim.number,
        started_at=now,
        duration_ms=result.duration_ms,
        status_code=result.status_code,
        error_code=result.error_code,
        error_message=(result.error_message or "")[:300] or None,
        response_excerpt=result.excerpt[:1024] or None,
        resend=claim.resend,
    )


def _owned(delivery_id: int, claim: _Claim):
    return and_(D.id == delivery_id, D.lease_token == claim.token)


def _record(
    delivery_id: int,
    endpoint_id: int,
    claim: _Claim,
    result: client.AttemptResult,
    now: datetime,
) -> Outcome:
    delivered = result.delivered
    error = None if delivered else (result.error_code or f"http_{result.status_code}")
    values: dict = {
        "lease_token": None,
        "lease_expires_at": None,
        "last_status_code": result.status_code,
        "last_error": error,
    }
    delay = None
    if delivered:
        values.update(status=DELIVERED, delivered_at=now, next_attempt_at=None)
    else:
        failures = claim.number - _base(delivery_id)
        delay = None if result.status_code == 410 else retry_delay(failures, result.retry_after)
        if delay is None:
            values.update(status=FAILED, next_attempt_at=None)
        else:
            values.update(next_attempt_at=now + timedelta(seconds=delay))
    written = db.session.execute(
        update(WebhookDelivery.__table__).where(_owned(delivery_id, claim)).values(**values)
    )
    if written.rowcount != 1:
        db.session.rollback()
        log.warning("webhook delivery %s attempt %s overran its lease", delivery_id, claim.number)
        return Outcome("lease_lost", attempt=claim.number)
    db.session.add(_attempt_row(delivery_id, claim, result, now))
    _endpoint_health(endpoint_id, delivered, result.status_code, now)
    db.session.commit()
    if delay is not None:
        enqueue_delivery(delivery_id, claim.number, delay)
        return Outcome(PENDING, retry_in=delay, attempt=claim.number)
    log.info("webhook delivery %s attempt %s: %s", delivery_id, claim.number, error or "delivered")
    return Outcome(DELIVERED if delivered else FAILED, attempt=claim.number)


def _base(delivery_id: int) -> int:
    return db.session.execute(select(D.attempt_base).where(D.id == delivery_id)).scalar_one()


def _endpoint_health(endpoint_id: int, delivered: bool, status: int | None, now: datetime):
    """A success ends the endpoint's failing spell; a day of failures (or a 410) disables it.

    Conditional updates, so deliveries of one endpoint finishing at once agree."""
    table = Endpoint.__table__
    if delivered:
        db.session.execute(update(table).where(E.id == endpoint_id).values(failing_since=None))
        return
    db.session.execute(
        update(table)
        .where(E.id == endpoint_id, E.failing_since.is_(None))
        .values(failing_since=now)
    )
    limit = now - timedelta(seconds=settings()["disable_after_seconds"])
    gone = status == 410
    disabled = db.session.execute(
        update(table)
        .where(E.id == endpoint_id, E.enabled.is_(True), or_(E.failing_since <= limit, gone))
        .values(
            enabled=False,
            disabled_at=now,
            disabled_reason=DISABLED_GONE if gone else DISABLED_FAILING,
            updated_at=now,
        )
    )
    if disabled.rowcount:
        log.warning("webhook endpoint %s disabled (%s)", endpoint_id, "gone" if gone else "failing")


def _give_up(delivery_id: int, claim: _Claim, code: str) -> Outcome:
    """The endpoint was disabled: the delivery waits for the seller to resend it."""
    db.session.execute(
        update(WebhookDelivery.__table__)
        .where(_owned(delivery_id, claim))
        .values(
            status=FAILED,
            lease_token=None,
            lease_expires_at=None,
            next_attempt_at=None,
            last_error=code,
            # Not an attempt: nothing was sent.
            attempt_count=D.attempt_count - 1,
        )
    )
    db.session.commit()
    return Outcome(FAILED)


# -- resend and sweep ---------------------------------------------------------------------


def resend(actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the delivery again now, with the same webhook id and a fresh retry schedule."""
    endpoint = db.session.get(Endpoint, delivery.endpoint_id)
    if not endpoint.enabled:
        raise CannotResend("endpoint_disabled")
    now = utcnow()
    written = db.session.execute(
        update(WebhookDelivery.__table__)
        .where(
            D.id == delivery.id,
            or_(D.status != PENDING, D.lease_expires_at.is_(None), D.lease_expires_at < now),
        )
        .values(
            status=PENDING,
            attempt_base=D.attempt_count,
            next_attempt_at=now,
            last_error=None,
            delivered_at=None,
        )
    )
    if written.rowcount != 1:
        db.session.rollback()
        raise CannotResend("delivery_in_flight")
    db.session.commit()
    db.session.refresh(delivery)
    audit.record(
        actor,
        "seller.webhook_resend",
        "webhook_delivery",
        delivery.id,
        details={"endpoint_id": delivery.endpoint_id, "webhook_id": delivery.message_id},
    )
    enqueue_delivery(delivery.id, delivery.attempt_count)
    return delivery


def sweep(now: datetime | None = None, limit: int = SWEEP_LIMIT) -> int:
    """Enqueue deliveries due for a while with no worker on them (their job was lost)."""
    now = now or utcnow()
    late = now - timedelta(seconds=2 * settings()["sweep_seconds"])
    rows = db.session.execute(
        select(D.id, D.attempt_count)
        .where(_claimable(late))
        .order_by(D.next_attempt_at)
        .limit(limit)
    ).all()
    db.session.rollback()
    for row in rows:
        enqueue_delivery(row.id, row.attempt_count)
    return len(rows)


# -- reading ------------------------------------------------------------------------------


def deliveries_of(
    endpoint: Endpoint, status: str | None, limit: int, offset: int
) -> tuple[list[WebhookDelivery], int]:
    """An endpoint's deliveries, newest first, and how many there are."""
    conditions = [WebhookDelivery.endpoint_id == endpoint.id]
    if status:
        conditions.append(WebhookDelivery.status == status)
    items = db.session.execute(
        select(WebhookDelivery)
        .where(*conditions)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
        .offset(offset)
    ).scalars()
    total = db.session.execute(
        select(func.count(WebhookDelivery.id)).where(*conditions)
    ).scalar_one()
    return list(items), total


def delivery_of(seller_id: int, delivery_id: int) -> WebhookDelivery | None:
    """The seller's delivery, or None (another seller's is not found either)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.seller_id != seller_id:
        return None
    return delivery

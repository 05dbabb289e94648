"""Sellers' webhook endpoints: create, change, rotate the secret, delete; each seller's own.

A secret is made here and shown once (``whsec_`` + base64, per the Standard
Webhooks scheme); it is stored encrypted with the buyer-data keys because it must
be read to sign. Rotating keeps the old secret signing beside the new one for
``WEBHOOKS["old_secret_hours"]`` (or the hours asked), so a receiver can switch
without losing a message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from adapters.webhooks.addresses import UnsafeAddress, check_resolved
from adapters.webhooks.signing import new_secret
from connector.extensions import db
from connector.models import User
from connector.models import WebhookEndpoint as Endpoint
from connector.models.types import utcnow
from connector.ops import audit
from connector.ops.audit import Actor
from connector.orders import pii
from connector.seller_hooks.events import EVENT_TYPES

DISABLED_FAILING = "failing"
DISABLED_GONE = "gone"


class EndpointRefused(ValueError):
    """What the seller sent cannot be saved; ``field`` and a stable ``code`` say why."""

    def __init__(self, field: str, code: str, detail: str = ""):
        super().__init__(f"{field}: {code}")
        self.field, self.code, self.detail = field, code, detail


@dataclass(frozen=True)
class NewSecret:
    endpoint: Endpoint
    secret: str  # shown once


def settings() -> dict:
    return current_app.config["WEBHOOKS"]


def check_url(url: str) -> str:
    """The URL if webhooks may go there (see ``adapters.webhooks.addresses``)."""
    try:
        check_resolved(url, settings()["allow_local"])
    except UnsafeAddress as exc:
        raise EndpointRefused("url", exc.code, exc.detail) from exc
    return url


def _events(values: Iterable[str]) -> list[str]:
    chosen = sorted(set(values))
    unknown = [value for value in chosen if value not in EVENT_TYPES]
    if unknown or not chosen:
        raise EndpointRefused("events", "unknown_event" if unknown else "no_event")
    return chosen


def _seal(secret: str) -> str:
    return pii.encrypt({"secret": secret})


def _open(sealed: str) -> str:
    return pii.decrypt(sealed)["secret"]


def endpoints_of(seller: User) -> list[Endpoint]:
    return list(
        db.session.execute(
            select(Endpoint).where(Endpoint.seller_id == seller.id).order_by(Endpoint.id)
        ).scalars()
    )


def endpoint_of(seller: User, endpoint_id: int) -> Endpoint | None:
    """The seller's endpoint, or None (another seller's endpoint is not found either)."""
    endpoint = db.session.get(Endpoint, endpoint_id)
    if endpoint is None or endpoint.seller_id != seller.id:
        return None
    return endpoint


def _audit(actor: Actor, action: str, endpoint: Endpoint, **details) -> None:
    """Who changed which endpoint; the secret never, only its last characters."""
    audit.record(
        actor,
        f"seller.webhook_{action}",
        "webhook_endpoint",
        endpoint.id,
        details={"url": endpoint.url, "events": list(endpoint.events or []), **details},
    )


def create(
    actor: Actor,
    seller: User,
    url: str,
    events: Iterable[str],
    description: str | None = None,
) -> NewSecret:
    """A new, enabled endpoint (committed) and its secret, to show once."""
    now = utcnow()
    secret = new_secret()
    endpoint = Endpoint(
        seller_id=seller.id,
        url=check_url(url),
        events=_events(events),
        description=description or None,
        enabled=True,
        secret_encrypted=_seal(secret),
        secret_hint=secret[-4:],
        created_at=now,
        updated_at=now,
    )
    db.session.add(endpoint)
    db.session.commit()
    _audit(actor, "create", endpoint, secret_hint=endpoint.secret_hint)
    return NewSecret(endpoint, secret)


def update(actor: Actor, endpoint: Endpoint, changes: dict) -> Endpoint:
    """Change the URL, events, description or ``enabled`` (committed). Enabling an endpoint
    that was disabled clears the notice and starts its failure clock afresh."""
    if "url" in changes:
        endpoint.url = check_url(changes["url"])
    if "events" in changes:
        endpoint.events = _events(changes["events"])
    if "description" in changes:
        endpoint.description = changes["description"] or None
    if "enabled" in changes:
        if changes["enabled"] and not endpoint.enabled:
            endpoint.disabled_at = None
            endpoint.disabled_reason = None
            endpoint.failing_since = None
        endpoint.enabled = bool(changes["enabled"])
    endpoint.updated_at = utcnow()
    db.session.commit()
    _audit(actor, "update", endpoint, enabled=endpoint.enabled, changed=sorted(changes))
    return endpoint


def delete(actor: Actor, endpoint: Endpoint) -> None:
    """Remove the endpoint with its deliveries and their attempts."""
    _audit(actor, "delete", endpoint)
    db.session.delete(endpoint)
    db.session.commit()


def rotate_secret(actor: Actor, endpoint: Endpoint, keep_old_hours: int | None = None) -> NewSecret:
    """A new secret; the one it replaces keeps signing for ``keep_old_hours`` (0: not at all)."""
    now = utcnow()
    hours = settings()["old_secret_hours"] if keep_old_hours is None else keep_old_hours
    secret = new_secret()
    if hours > 0:
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.previous_secret_expires_at = now + timedelta(hours=hours)
    else:
        endpoint.previous_secret_encrypted = None
        endpoint.previous_secret_expires_at = None
    endpoint.secret_encrypted = _seal(secret)
    endpoint.secret_hint = secret[-4:]
    endpoint.updated_at = now
    db.session.commit()
    _audit(actor, "rotate_secret", endpoint, secret_hint=endpoint.secret_hint, keep_old_hours=hours)
    return NewSecret(endpoint, secret)


def signing_secrets(endpoint: Endpoint, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one until it expires."""
    found = [_open(endpoint.secret_encrypted)]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires is not None and expires > now:
        found.append(_open(endpoint.previous_secret_encrypted))
    return found


def previous_secret_valid_until(endpoint: Endpoint, now: datetime) -> datetime | None:
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted and expires is not None and expires > now:
        return expires
    return None

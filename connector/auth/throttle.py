"""Failed sign-ins counted in Redis per account and per address, so that every web
process shares the count; too many within the window and sign-in is refused, even
with the right password, until the window passes."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from flask import current_app
from redis.exceptions import RedisError

from connector.services import get_redis

log = logging.getLogger(__name__)
PREFIX = "login-failures:"


@dataclass(frozen=True)
class Throttled(Exception):
    """Too many failed sign-ins; ``retry_after`` is in seconds."""

    retry_after: int


def _keys(email: str, address: str | None) -> list[tuple[str, int]]:
    settings = current_app.config["LOGIN_THROTTLE"]
    # The address is hashed so Redis holds no plain email addresses.
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return [
        (f"{PREFIX}account:{account}", settings["per_account"]),
        (f"{PREFIX}address:{address or 'unknown'}", settings["per_address"]),
    ]


def check(email: str, address: str | None) -> None:
    """Raise :class:`Throttled` when this account or address failed too often lately."""
    try:
        redis = get_redis()
        for key, limit in _keys(email, address):
            count = int(redis.get(key) or 0)
            if count >= limit:
                raise Throttled(max(1, redis.ttl(key)))
    except RedisError:
        # Like the API's limits: a guard, not a gate. Redis down must not stop sign-in.
        log.warning("login throttle unavailable; sign-in not limited", exc_info=True)


def record_failure(email: str, address: str | None) -> None:
    window = current_app.config["LOGIN_THROTTLE"]["window_seconds"]
    try:
        with get_redis().pipeline() as pipe:
            for key, _limit in _keys(email, address):
                # The window starts at the first failure; later ones do not extend it.
                pipe.set(key, 0, ex=window, nx=True)
                pipe.incr(key)
            pipe.execute()
    except RedisError:
        log.warning("login throttle unavailable; failure not counted", exc_info=True)


def record_success(email: str, address: str | None) -> None:
    """A right password clears the account's count (the address's count stays)."""
    try:
        get_redis().delete(_keys(email, address)[0][0])
    except RedisError:
        log.warning("login throttle unavailable", exc_info=True)

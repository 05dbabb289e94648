"""The auth cache: who a credential belongs to, kept under the auth epoch.

A principal is what the fast path needs to answer without the database: the
role, the markets it may read and its presentation key (what, beside the
request, makes its pages differ from another caller's). It is stored by the
digest of the credential, never the credential itself.
"""

from __future__ import annotations

import hashlib

import orjson
from redis import Redis, RedisError

from connector.feeds import settings as channel_settings
from connector.feeds.page_cache.keys import PRINCIPAL_TTL_SECONDS, principal_key
from connector.models import Role, User


def presentation_key(user: User) -> str:
    """What, beside the request, makes this caller's pages differ from another's.

    A seller's channel settings (brand, link template, channels, margins) and ops'
    category mappings shape the bytes; "" when neither exists, so every plain caller
    shares one page. Both tables are watched under the auth epoch, so a change to
    either is a new key on the next request.
    """
    settings = channel_settings.settings_of(user) if user.role == Role.SELLER else {}
    mappings = channel_settings.all_category_maps()
    if not settings and not mappings:
        return ""
    blob = orjson.dumps([settings, mappings], option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(blob).hexdigest()[:16]


def may_read(principal: dict, code: str, fmt: str) -> bool:
    """Whether a cached API token's principal may read market ``code``'s feed (any format:
    the channels a seller chose are checked by the view, which sees the settings)."""
    return principal["role"] in (Role.SELLER, Role.OPS) and (
        principal["role"] == Role.OPS or code in principal["markets"]
    )


def scope_of(user: User) -> dict:
    """What an API token's principal may read: its role and markets."""
    return {"role": user.role, "markets": list(user.markets or [])}


def remember(client: Redis, digest: str, epoch: bytes, user: User, scope: dict) -> None:
    """Keep ``user``'s principal (``scope`` and presentation key) under the epoch read
    before the user was loaded."""
    value = {"epoch": epoch.decode(), **scope, "p": presentation_key(user)}
    try:
        client.set(principal_key(digest), orjson.dumps(value), ex=PRINCIPAL_TTL_SECONDS)
    except RedisError:
        pass

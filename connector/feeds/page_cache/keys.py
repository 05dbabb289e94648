"""The page cache's names in Redis and how long each kind of entry lives."""

from __future__ import annotations

PREFIX = "feeds:"
MARKET_EPOCH = PREFIX + "epoch:market"
AUTH_EPOCH = PREFIX + "epoch:auth"
# Bounds on staleness should an increment be lost (a process killed between its
# commit and the increment, Redis briefly down).
MARKET_TTL_SECONDS = 30
PRINCIPAL_TTL_SECONDS = 60  # also how often a token's last_used_at is refreshed
PAGE_TTL_SECONDS = 3600


def market_key(code: str) -> str:
    """The market's cached state (change number, rate summary)."""
    return PREFIX + "market:" + code


def principal_key(digest: str) -> str:
    """A caller's cached principal, by the digest of its credential."""
    return PREFIX + "token:" + digest


def rate_key(bucket: str, window_start: int) -> str:
    """The rate-limit counter of one caller's key in one fixed window."""
    return f"{PREFIX}rate:{bucket}:{window_start}"


def meta_key(page: str, encoding: str) -> str:
    return f"{PREFIX}page:{page}:{encoding}:meta"


def body_key(page: str, encoding: str) -> str:
    return f"{PREFIX}page:{page}:{encoding}:body"

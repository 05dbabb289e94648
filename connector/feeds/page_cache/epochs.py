"""Invalidation: every commit that writes a table a cached entry is made of moves an epoch.

Principals and market states are valid for one *epoch*: a counter in Redis that
every commit writing the tables they are made of increments, after the commit.
A reader that misses stores what it read from the database under the epoch it
saw *before* reading, so a write racing it leaves an entry that is already
stale, never a stale entry that looks fresh. So a revoked token is refused on
the next request, and a changed offer shows on the next page.
"""

from __future__ import annotations

import re

import orjson
from flask import has_app_context
from redis import RedisError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from connector.feeds.page_cache.keys import AUTH_EPOCH, MARKET_EPOCH
from connector.services import get_redis

# Tables whose writes make cached entries stale, and which epoch they move. A
# table added to what a page or a principal is made of (presentation settings,
# say) is added here.
WATCHED_TABLES = {
    "offer": MARKET_EPOCH,
    "feed_counter": MARKET_EPOCH,
    "fx_rate": MARKET_EPOCH,
    "api_token": AUTH_EPOCH,
    "user_account": AUTH_EPOCH,
    "seller_channel_settings": AUTH_EPOCH,
    "channel_category": AUTH_EPOCH,
}
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def valid_for(raw: bytes | None, epoch: bytes) -> dict | None:
    """The entry ``raw`` when it was stored under ``epoch``, else None (missing or stale)."""
    if not raw:
        return None
    value = orjson.loads(raw)
    return value if value.get("epoch") == epoch.decode() else None


def watch_writes() -> None:
    """Increment the epochs after every commit that wrote a watched table, whoever wrote it
    (ORM, Core or text SQL, any session, jobs included)."""
    if event.contains(Engine, "after_cursor_execute", _note_write):
        return
    event.listen(Engine, "after_cursor_execute", _note_write)
    event.listen(Engine, "commit", _committing)
    event.listen(Engine, "rollback", _rolled_back)
    event.listen(Pool, "checkin", _after_commit)


def _note_write(conn, cursor, statement, parameters, context, executemany) -> None:
    match = _WRITE.match(statement)
    if match is None:
        return
    epoch = WATCHED_TABLES.get(match.group(1).lower())
    if epoch is None:
        return
    if epoch == AUTH_EPOCH and _only_marks_use(statement):
        return
    conn.info.setdefault("feeds_pending", set()).add(epoch)
    if has_app_context():
        conn.info["feeds_redis"] = get_redis()


def _only_marks_use(statement: str) -> bool:
    """``last_used_at`` moves once a minute per token and changes nothing a cache holds."""
    head = statement.split("WHERE", 1)[0]
    return "last_used_at" in head and head.count("=") == 1


def _committing(conn) -> None:
    # Called just before the database commits: the increment waits for the check-in.
    pending = conn.info.pop("feeds_pending", None)
    if pending:
        conn.info.setdefault("feeds_committed", set()).update(pending)


def _rolled_back(conn) -> None:
    conn.info.pop("feeds_pending", None)


def _after_commit(dbapi_connection, record) -> None:
    committed = record.info.pop("feeds_committed", None)
    client = record.info.pop("feeds_redis", None)
    if not committed or client is None:
        return
    try:
        pipe = client.pipeline(transaction=False)
        for epoch in committed:
            pipe.incr(epoch)
        pipe.execute()
    except RedisError:
        pass  # the entries' TTL bounds how long they outlive the change

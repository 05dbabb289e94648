"""Whole numbers and times read from URLs, headers and forms, bounded before they are used.

``str.isdigit()`` says yes to "²" and "٣", which ``int()`` then refuses or reads as
3, and ``int()`` of twenty nines overflows the database's BIGINT: both were 500s.
Every page number, id and revision typed by a person goes through here instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import abort

MAX_ID = 2**63 - 1  # a database BIGINT
MAX_PAGE = 100_000

_WHOLE = re.compile(r"[0-9]{1,19}")  # ASCII digits only, and no more than a BIGINT has


def whole_number(text: str | None, low: int = 0, high: int = MAX_ID) -> int | None:
    """``text`` as an int in ``[low, high]``; None for anything else (blank included)."""
    text = (text or "").strip()
    if not _WHOLE.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page a list view asks for: 1 when absent, a 404 when it is not a page number."""
    raw = args.get(name)
    if raw is None or raw == "":
        return 1
    page = whole_number(raw, 1, MAX_PAGE)
    if page is None:
        abort(404)
    return page


def in_utc(moment: datetime) -> datetime | None:
    """An aware time in UTC, or None when UTC cannot hold it (0001-01-01T00:00+14:00)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return None

"""A fixed set of real published rates from one stated date: the offline default.

``make run`` and demos have no network, so they read the rates from a JSON file
(``data/snapshot-<date>.json``) holding figures copied from the sources' own
publications, each with its source, as-of time and source URL. Quotes come back
with source ``snapshot:<original source>`` and the original as-of, so anything
priced from them shows how old they are.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from adapters.errors import BadResponse
from adapters.fx.base import NoRatesPublished, Quote, check_currency, parse_positive_decimal

NAME = "snapshot"
DATA_DIR = Path(__file__).parent / "data"
DEFAULT_PATH = DATA_DIR / "snapshot-2024-04-24.json"


def parse_snapshot(text: str | bytes) -> tuple[date, list[Quote]]:
    """The stated date and the quotes of one snapshot file."""
    try:
        document = json.loads(text)
        stated = date.fromisoformat(document["snapshot_date"])
        entries = document["rates"]
        return stated, [_quote(entry) for entry in entries]
    except BadResponse:
        raise
    except (ValueError, KeyError, TypeError) as exc:
        raise BadResponse(f"unreadable snapshot: {exc!r}", provider=NAME) from exc


def _quote(entry: dict) -> Quote:
    if not entry.get("source_url"):
        raise BadResponse(f"entry without source_url: {entry}", provider=NAME)
    base = check_currency(entry["base"], provider=NAME)
    quote = check_currency(entry["quote"], provider=NAME)
    as_of = datetime.fromisoformat(entry["as_of"])
    if as_of.utcoffset() is None:
        raise BadResponse(f"as_of without a UTC offset: {entry['as_of']}", provider=NAME)
    return Quote(
        base=base,
        quote=quote,
        rate=parse_positive_decimal(entry["rate"], provider=NAME, what=f"{base}/{quote}"),
        source=f"{NAME}:{entry['source']}",
        as_of=as_of,
        path=tuple(entry.get("path", ())),
    )


class SnapshotProvider:
    """Serves the quotes of one snapshot file; never touches the network."""

    name = NAME

    def __init__(self, path: str | Path = DEFAULT_PATH) -> None:
        self.path = Path(path)

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> SnapshotProvider:
        """Settings key: ``path`` (default: the bundled snapshot)."""
        return cls(settings.get("path") or DEFAULT_PATH)

    def fetch(self, on: date | None = None) -> list[Quote]:
        """All quotes of the snapshot; with ``on``, only if ``on`` is its stated date."""
        try:
            text = self.path.read_bytes()
        except OSError as exc:
            raise BadResponse(f"cannot read {self.path}: {exc}", provider=NAME) from exc
        stated, quotes = parse_snapshot(text)
        if on is not None and on != stated:
            raise NoRatesPublished(f"the snapshot holds {stated}, not {on}", provider=NAME)
        return quotes

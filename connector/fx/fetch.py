"""Fetching every configured provider at once, each within its own deadline."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.errors import AdapterError, DeadlineExceeded
from adapters.fx import Quote, build_provider
from adapters.fx.base import deadline_of

log = logging.getLogger(__name__)

# How long past its own deadline a provider may run before the refresh stops waiting
# for it. The adapters bound themselves; this only guards against one that does not.
GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Fetched:
    """What one provider gave: its quotes, or the error that stopped it."""

    name: str
    quotes: tuple[Quote, ...] = ()
    error: AdapterError | None = None


class _Fetch(threading.Thread):
    """One provider's fetch in a daemon thread (abandoned, never joined, if it overruns)."""

    def __init__(self, name: str, settings: Mapping[str, Any]) -> None:
        super().__init__(name=f"fx-fetch-{name}", daemon=True)
        self.provider_name = name
        self.settings = settings
        self.deadline = deadline_of(settings)
        self.started_at = 0.0
        self.result: Fetched | None = None

    def start(self) -> None:
        self.started_at = time.monotonic()
        super().start()

    def run(self) -> None:
        try:
            quotes = build_provider(self.provider_name, self.settings).fetch()
            self.result = Fetched(self.provider_name, tuple(quotes))
        except AdapterError as exc:
            self.result = Fetched(self.provider_name, error=exc)
        except Exception as exc:  # a bug in one provider must not cost the others their rates
            log.exception("fx provider %s crashed", self.provider_name)
            error = AdapterError(repr(exc), code="provider_crashed", provider=self.provider_name)
            self.result = Fetched(self.provider_name, error=error)

    def outcome(self) -> Fetched:
        """Wait until the provider is done, or its deadline and the grace have passed."""
        left = self.started_at + self.deadline + GRACE_SECONDS - time.monotonic()
        self.join(max(left, 0.0))
        if self.is_alive() or self.result is None:
            error = DeadlineExceeded(
                f"still fetching {self.deadline + GRACE_SECONDS:g}s after it started; abandoned",
                provider=self.provider_name,
            )
            return Fetched(self.provider_name, error=error)
        return self.result


def fetch_all(names: Sequence[str], settings: Mapping[str, Mapping[str, Any]]) -> list[Fetched]:
    """Every named provider's quotes, fetched concurrently, in the order of ``names``.

    One slow or failing provider delays and spoils none of the others: each runs
    in its own thread, under its own deadline (the ``deadline`` setting).
    """
    fetches = [_Fetch(name, settings.get(name) or {}) for name in names]
    for fetch in fetches:
        fetch.start()
    return [fetch.outcome() for fetch in fetches]

"""The one HTTP call that delivers a webhook, through a session that only connects to
allowed addresses (``addresses.address_allowed``), follows no redirects and reads at
most an excerpt of the answer. Every outcome is returned as an ``AttemptResult`` to be
logged; nothing here retries (the delivery job does, on its schedule).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from adapters.http import USER_AGENT
from adapters.webhooks.addresses import UnsafeAddress, address_allowed, check_url

EXCERPT_BYTES = 1024
# The scheme recommends giving receivers 15 to 30 seconds; the whole attempt, body
# included, ends by the deadline.
DEFAULT_TIMEOUT = (5.0, 15.0)
DEADLINE_SECONDS = 20.0


class AddressRefused(Exception):
    """The socket reached an address webhooks may not go to; nothing was sent."""

    def __init__(self, address: str):
        super().__init__(f"address_internal: {address}")
        self.address = address


@dataclass(frozen=True)
class AttemptResult:
    """What one attempt got: a status and an excerpt, or an error code and message."""

    status_code: int | None
    duration_ms: int
    excerpt: str = ""
    error_code: str | None = None
    error_message: str | None = None
    retry_after: float | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@cache
def _pool_classes(allow_local: bool) -> dict[str, type]:
    """Connection pools whose sockets are checked right after connecting."""

    def guarded(base: type) -> type:
        class Guarded(base):
            def _new_conn(self):
                sock = super()._new_conn()
                peer = sock.getpeername()[0]
                if not address_allowed(peer, allow_local):
                    sock.close()
                    raise AddressRefused(peer)
                return sock

        return Guarded

    class Pool(HTTPConnectionPool):
        ConnectionCls = guarded(HTTPConnection)

    class SecurePool(HTTPSConnectionPool):
        ConnectionCls = guarded(HTTPSConnection)

    return {"http": Pool, "https": SecurePool}


class _GuardedAdapter(HTTPAdapter):
    def __init__(self, allow_local: bool):
        self._allow_local = allow_local
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._allow_local)


def make_session(allow_local: bool) -> requests.Session:
    """A session for webhooks: guarded sockets, no proxies or netrc from the environment."""
    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = USER_AGENT
    adapter = _GuardedAdapter(allow_local)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def post(
    session: requests.Session,
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_local: bool,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    deadline: float = DEADLINE_SECONDS,
) -> AttemptResult:
    """POST one webhook; every outcome (refusal, network error, any status) as a result."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_url(url, allow_local)
    except UnsafeAddress as exc:
        return AttemptResult(None, took(), error_code=exc.code, error_message=str(exc))
    try:
        response = session.post(
            url,
            data=body,
            headers={**headers, "Content-Type": "application/json"},
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        )
    except AddressRefused as exc:
        return AttemptResult(None, took(), error_code="address_internal", error_message=str(exc))
    except requests.Timeout as exc:
        return AttemptResult(None, took(), error_code="timeout", error_message=_short(exc))
    except requests.ConnectionError as exc:
        return AttemptResult(
            None, took(), error_code="connection_failed", error_message=_short(exc)
        )
    except requests.RequestException as exc:
        return AttemptResult(None, took(), error_code="request_failed", error_message=_short(exc))
    excerpt = _excerpt(response, started, deadline)
    return AttemptResult(
        response.status_code,
        took(),
        excerpt=excerpt,
        retry_after=_retry_after(response.headers.get("Retry-After")),
    )


def _excerpt(response: requests.Response, started: float, deadline: float) -> str:
    """The start of the answer, read until ``EXCERPT_BYTES`` or the deadline."""
    chunks: list[bytes] = []
    size = 0
    try:
        while size < EXCERPT_BYTES and time.monotonic() - started < deadline:
            chunk = response.raw.read1(EXCERPT_BYTES - size, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except (urllib3.exceptions.HTTPError, OSError):
        pass  # the status is what counts; an answer cut short keeps what arrived
    finally:
        response.close()
    return b"".join(chunks).decode("utf-8", "replace")


def _retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def _short(exc: BaseException) -> str:
    return str(exc)[:300]

"""The one way adapters make HTTP calls: a session with explicit timeouts."""

from __future__ import annotations

import math
import time
from typing import Any

import requests
import urllib3.exceptions
from urllib3.exceptions import ConnectTimeoutError

from adapters.errors import (
    BadResponse,
    DeadlineExceeded,
    OutcomeUnknown,
    ProviderUnavailable,
    ProviderUnreachable,
)

DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
READ_CHUNK = 64 * 1024  # bytes asked of one read of a body under a deadline
USER_AGENT = "crossborder-connector/0.1"


def parse_timeout(raw: Any, default: tuple[float, float] = DEFAULT_TIMEOUT) -> tuple[float, float]:
    """(connect, read) seconds from a setting: unset or empty gives ``default``; one
    number (or ``"3"``) sets both; a pair (or ``"3.05,10"``) sets each.

    Raises ``ValueError`` for anything else, or a part that is not a positive number.
    """
    if raw is None or raw == "":
        return default
    if isinstance(raw, list | tuple):
        parts = list(raw)
    else:
        parts = [part.strip() for part in raw.split(",")] if isinstance(raw, str) else [raw]
        parts = parts * 2 if len(parts) == 1 else parts
    if len(parts) != 2:
        raise ValueError(f"timeout must be seconds or (connect, read), got {raw!r}")
    try:
        connect, read = (float(part) for part in parts)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"timeout must be seconds or (connect, read), got {raw!r}") from exc
    if not (connect > 0 and read > 0 and math.isfinite(connect) and math.isfinite(read)):
        raise ValueError(f"timeout must be positive seconds, got {raw!r}")
    return connect, read


def make_session(headers: dict[str, str] | None = None) -> requests.Session:
    """A session for one service; callers pass ``timeout=`` on every request."""
    session = requests.Session()
    session.headers["User-Agent"] = USER_AGENT
    session.headers.update(headers or {})
    # Retries are ours to decide (jobs retry with backoff); no silent re-sends here.
    adapter = requests.adapters.HTTPAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    provider: str,
    timeout: tuple[float, float] = DEFAULT_TIMEOUT,
    deadline: float | None = None,
    **kwargs,
) -> requests.Response:
    """Make one call; map network failures, 429 and 5xx to transient adapter errors.

    A failure before the request went out (:class:`ProviderUnreachable`) is told
    apart from one after it (:class:`OutcomeUnknown`): only the second may have
    acted at the service, so only after it must a caller look before re-sending.

    ``timeout`` bounds connecting and each read. ``deadline`` (seconds) bounds the
    whole call, body included: the body is streamed and the elapsed time checked
    between reads, so a server dripping a byte at a time cannot hold the caller
    for longer than about the deadline plus one read (each read's timeout is also
    capped by the deadline). Past it: :class:`DeadlineExceeded`.
    """
    started = time.monotonic()
    if deadline is not None:
        timeout = (min(timeout[0], deadline), min(timeout[1], deadline))
        kwargs["stream"] = True
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.ConnectTimeout as exc:
        raise ProviderUnreachable(
            f"timed out connecting to {url}; nothing was sent",
            code="connect_timeout",
            provider=provider,
        ) from exc
    except requests.Timeout as exc:
        _raise_if_past(started, deadline, url, provider, exc)
        raise OutcomeUnknown(
            f"sent to {url}, no answer in time; the service may have acted",
            code="timeout",
            provider=provider,
        ) from exc
    except requests.ConnectionError as exc:
        _raise_if_past(started, deadline, url, provider, exc)
        if _never_connected(exc):
            raise ProviderUnreachable(
                f"could not connect to {url}; nothing was sent",
                code="connection_failed",
                provider=provider,
            ) from exc
        raise OutcomeUnknown(
            f"connection to {url} dropped after sending; the service may have acted",
            code="connection_dropped",
            provider=provider,
        ) from exc
    except requests.RequestException as exc:
        raise ProviderUnavailable(str(exc), provider=provider) from exc
    if response.status_code == 429:
        response.close()
        raise ProviderUnavailable(
            "rate limited",
            code="rate_limited",
            provider=provider,
            retry_after=_retry_after(response),
        )
    if response.status_code >= 500:
        response.close()
        raise ProviderUnavailable(
            f"HTTP {response.status_code}", code="server_error", provider=provider
        )
    if deadline is not None:
        _read_body_by(response, started, deadline, url, provider)
    return response


def _never_connected(exc: requests.ConnectionError) -> bool:
    """Whether the connection failed before anything was written (refused, DNS, connect
    timeout). Anything else (a reset or close while waiting for the answer, TLS trouble)
    may come after the service read the request, so it counts as sent."""
    reason = exc.args[0] if exc.args else None
    # requests wraps urllib3's MaxRetryError, whose ``reason`` is the underlying error;
    # NewConnectionError and NameResolutionError are ConnectTimeoutError subclasses.
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, ConnectTimeoutError)


def _read_body_by(
    response: requests.Response, started: float, deadline: float, url: str, provider: str
) -> None:
    """Read a streamed body into ``response.content``, giving up once past the deadline.

    ``read1`` returns after one read of the socket with whatever has arrived;
    ``read(n)`` would wait for ``n`` bytes and let a drip run on between checks.
    """
    chunks: list[bytes] = []
    try:
        while True:
            _raise_if_past(started, deadline, url, provider)
            chunk = response.raw.read1(READ_CHUNK, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        # A read timed out (capped by the deadline) or the connection broke mid-body.
        _raise_if_past(started, deadline, url, provider, exc)
        code = "timeout" if isinstance(exc, urllib3.exceptions.TimeoutError) else "body_incomplete"
        raise ProviderUnavailable(
            f"reading the answer of {url} failed: {exc}", code=code, provider=provider
        ) from exc
    finally:
        response.close()
    # What requests itself does once it has read a body: later .content/.text use it.
    response._content = b"".join(chunks)
    response._content_consumed = True


def _raise_if_past(
    started: float,
    deadline: float | None,
    url: str,
    provider: str,
    cause: BaseException | None = None,
) -> None:
    if deadline is None:
        return
    elapsed = time.monotonic() - started
    if elapsed >= deadline:
        raise DeadlineExceeded(
            f"no complete answer from {url} within {deadline:g}s", provider=provider
        ) from cause


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def expect_ok(response: requests.Response, provider: str) -> requests.Response:
    if not response.ok:
        raise BadResponse(
            f"HTTP {response.status_code}", code=f"http_{response.status_code}", provider=provider
        )
    return response

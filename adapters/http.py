"""The one way adapters make HTTP calls: a session with explicit timeouts."""

from __future__ import annotations

import requests
from urllib3.exceptions import ConnectTimeoutError

from adapters.errors import BadResponse, OutcomeUnknown, ProviderUnavailable, ProviderUnreachable

DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
USER_AGENT = "crossborder-connector/0.1"


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
    **kwargs,
) -> requests.Response:
    """Make one call; map network failures, 429 and 5xx to transient adapter errors.

    A failure before the request went out (:class:`ProviderUnreachable`) is told
    apart from one after it (:class:`OutcomeUnknown`): only the second may have
    acted at the service, so only after it must a caller look before re-sending.
    """
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.ConnectTimeout as exc:
        raise ProviderUnreachable(
            f"timed out connecting to {url}; nothing was sent",
            code="connect_timeout",
            provider=provider,
        ) from exc
    except requests.Timeout as exc:
        raise OutcomeUnknown(
            f"sent to {url}, no answer in time; the service may have acted",
            code="timeout",
            provider=provider,
        ) from exc
    except requests.ConnectionError as exc:
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
        raise ProviderUnavailable(
            "rate limited",
            code="rate_limited",
            provider=provider,
            retry_after=_retry_after(response),
        )
    if response.status_code >= 500:
        raise ProviderUnavailable(
            f"HTTP {response.status_code}", code="server_error", provider=provider
        )
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

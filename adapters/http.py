"""The one way adapters make HTTP calls: a session with explicit timeouts."""

from __future__ import annotations

import requests

from adapters.errors import BadResponse, ProviderUnavailable

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
    """Make one call; map network failures, 429 and 5xx to transient adapter errors."""
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        raise ProviderUnavailable(
            f"timed out calling {url}", code="timeout", provider=provider
        ) from exc
    except requests.ConnectionError as exc:
        raise ProviderUnavailable(
            f"could not connect to {url}", code="connection_failed", provider=provider
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

"""Errors every adapter raises: a stable code, and whether a retry may help."""

from __future__ import annotations


class AdapterError(Exception):
    """A failure talking to an outside service.

    ``code`` is stable (ops filter and alert on it); ``transient`` says whether
    retrying later may succeed (timeouts, 429, 5xx) or a person must act.
    """

    code = "adapter_error"
    transient = True

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        transient: bool | None = None,
        provider: str | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if transient is not None:
            self.transient = transient
        self.provider = provider
        self.retry_after = retry_after

    def __str__(self) -> str:
        where = f"{self.provider}: " if self.provider else ""
        return f"{where}{self.code}: {self.message}"


class ProviderUnavailable(AdapterError):
    """The service did not answer usefully: timeout, refused connection, 5xx, 429."""

    code = "provider_unavailable"
    transient = True


class ProviderUnreachable(ProviderUnavailable):
    """Nothing reached the service (connection refused, name not resolved, connect
    timeout): it cannot have acted, so sending again is safe."""

    code = "connection_failed"


class OutcomeUnknown(ProviderUnavailable):
    """The request went out and no answer came back (read timeout, connection dropped):
    the service may have acted on it. Look our key up there before sending it again."""

    code = "outcome_unknown"


class DeadlineExceeded(ProviderUnavailable):
    """The call ran past its total deadline (a slow drip of bytes, a stalled library call).

    Per-read timeouts cannot catch a server that sends one byte just often enough;
    the deadline bounds the whole call. Transient: the next run may be faster.
    """

    code = "deadline_exceeded"
    transient = True


class ProviderNotConfigured(AdapterError):
    """No URL or credentials are configured for this service."""

    code = "not_configured"
    transient = False


class BadResponse(AdapterError):
    """The service answered, but not in the documented format (garbage, malformed XML)."""

    code = "bad_response"
    transient = True


class Rejected(AdapterError):
    """The service refused our request as invalid; retrying the same request cannot help."""

    code = "rejected"
    transient = False

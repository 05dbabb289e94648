"""Where a seller's webhook may point: never into our own networks (SSRF).

A URL is checked twice. When the seller saves it: https only, no credentials,
no address literal or host name that is internal, and (when the name resolves
within a moment) no internal address behind the name. When we connect: the
address the socket actually reached is checked again before a byte is sent, so a
name that later resolves somewhere internal (DNS rebinding) is refused too.
In a development or sandbox configuration (``allow_local``) a receiver on this
machine (127.0.0.1, ::1, localhost) is allowed, over http as well.
"""

from __future__ import annotations

import ipaddress
import socket
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
RESOLVE_SECONDS = 2.0
LOCAL_NAMES = ("localhost", "localhost.localdomain")
# Names that only mean something inside a network (RFC 6761, 6762, 8375 and cloud metadata).
INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet")


class UnsafeAddress(ValueError):
    """The URL may not receive webhooks; ``code`` says why (stable, for messages)."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def address_allowed(address: str, allow_local: bool) -> bool:
    """Whether a connection may go to this IP address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return allow_local
    # Private, link-local (cloud metadata), shared (CGNAT), reserved, documentation ranges
    # are all not global; multicast never answers HTTP.
    return ip.is_global and not ip.is_multicast


def _is_local_name(host: str) -> bool:
    return host in LOCAL_NAMES or host.endswith(".localhost")


def _loopback(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_url(url: str, allow_local: bool) -> None:
    """Raise ``UnsafeAddress`` unless ``url`` may receive webhooks (no network used)."""
    if not url or len(url) > MAX_URL_LENGTH or any(ch.isspace() for ch in url):
        raise UnsafeAddress("url_invalid")
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError as exc:
        raise UnsafeAddress("url_invalid", "port") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress("url_invalid")
    if parts.username is not None or parts.password is not None:
        raise UnsafeAddress("url_credentials")
    host = parts.hostname.rstrip(".").lower()
    literal = _literal(host)
    local = _is_local_name(host) or (literal is not None and _loopback(literal))
    if local:
        if not allow_local:
            raise UnsafeAddress("address_internal", host)
        return
    if parts.scheme != "https":
        raise UnsafeAddress("https_required")
    if literal is not None:
        if not address_allowed(host, allow_local=False):
            raise UnsafeAddress("address_internal", host)
        return
    if "." not in host or host.endswith(INTERNAL_SUFFIXES):
        raise UnsafeAddress("address_internal", host)


def _resolve(host: str) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)]


def check_resolved(url: str, allow_local: bool, seconds: float = RESOLVE_SECONDS) -> None:
    """``check_url``, then the addresses the host name resolves to now, if it resolves
    within ``seconds`` (a name that does not resolve yet is checked when we connect)."""
    check_url(url, allow_local)
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if _literal(host) is not None or _is_local_name(host):
        return
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        addresses = pool.submit(_resolve, host).result(timeout=seconds)
    except (OSError, FutureTimeout, UnicodeError):
        return
    finally:
        pool.shutdown(wait=False)
    for address in addresses:
        if not address_allowed(address, allow_local):
            raise UnsafeAddress("address_internal", address)

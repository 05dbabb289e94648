"""Made pages: each page's small meta and its body per coding in Redis, bodies copied per process.

Redis keeps each page's meta (the change number it was made for, ETag,
headers), fetched in the lookup's round trip, and its body; each web process
keeps copies of the bodies it served lately, so a hot page's bytes are not
moved out of Redis per request.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import orjson
from redis import Redis, RedisError

from connector.feeds.page_cache.keys import PAGE_TTL_SECONDS, body_key, meta_key
from connector.feeds.service import RENDER_VERSION


@dataclass
class Rendered:
    """What an endpoint renders for a page: bytes, type, strong ETag and headers."""

    body: bytes
    content_type: str
    etag: str
    headers: dict[str, str] = field(default_factory=dict)


def page_key(endpoint: str, code: str, fmt: str, args, presentation: str) -> str:
    """The page's name: the same for every caller of the market with the same presentation."""
    parts = (
        endpoint,
        code,
        fmt,
        sorted(args.items(multi=True)),
        presentation,
        RENDER_VERSION,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def meta_of(rendered: Rendered, seq: int) -> dict:
    return {
        "seq": seq,
        # Names this rendering: what a process's copy of the body is kept under.
        "made": secrets.token_hex(8),
        "etag": rendered.etag,
        "type": rendered.content_type,
        "headers": rendered.headers,
    }


def meta_for(meta: dict, encoding: str) -> dict:
    """The meta of one encoding: a strong ETag differs per content coding (RFC 9110)."""
    if encoding == "identity":
        return meta
    headers = {**meta["headers"], "Content-Encoding": encoding}
    return {**meta, "etag": f"{meta['etag']}-{encoding}", "headers": headers}


def meta_under(client: Redis, key: str, encoding: str) -> bytes | None:
    """The stored meta of page ``key`` in ``encoding``; none when Redis does not answer."""
    try:
        return client.get(meta_key(key, encoding))
    except RedisError:
        return None


def _tagged(meta: dict, body: bytes) -> bytes:
    return meta["made"].encode() + b"\n" + body


def store(client: Redis, key: str, meta: dict, bodies: dict[str, bytes]) -> None:
    """Keep a rendering in every coding; a Redis error leaves it unkept (rendered again)."""
    try:
        pipe = client.pipeline(transaction=False)
        for encoding, body in bodies.items():
            encoded = meta_for(meta, encoding)
            # The body first: a reader that finds the meta finds its body.
            pipe.set(body_key(key, encoding), _tagged(encoded, body), ex=PAGE_TTL_SECONDS)
            pipe.set(meta_key(key, encoding), orjson.dumps(encoded), ex=PAGE_TTL_SECONDS)
        pipe.execute()
    except RedisError:
        pass  # served all the same; the next request renders again


def made(
    client: Redis, budget: int, key: str, encoding: str, raw_meta: bytes | None, seq: int
) -> tuple[dict, bytes] | None:
    """The page made for change ``seq``: its meta, and its body from this process's copy,
    else from Redis (a second round trip, once per process and page)."""
    if not raw_meta:
        return None
    meta = orjson.loads(raw_meta)
    if meta["seq"] != seq:
        return None
    name = (key, encoding, meta["made"])
    body = _BODIES.get(name)
    if body is None:
        try:
            tagged = client.get(body_key(key, encoding))
        except RedisError:
            return None
        rendering, _, body = (tagged or b"").partition(b"\n")
        if rendering.decode() != meta["made"]:
            return None  # re-rendered meanwhile: the caller renders again
        _BODIES.put(name, body, budget)
    return meta, body


class _ProcessCopies:
    """Page bodies this process served lately, by page key, encoding and rendering; the
    least recently used dropped first. The meta from Redis says which body is current,
    so a copy here is never served stale; it only saves moving the bytes out of Redis."""

    def __init__(self) -> None:
        self._bodies: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, name: tuple[str, str, str]) -> bytes | None:
        with self._lock:
            body = self._bodies.get(name)
            if body is not None:
                self._bodies.move_to_end(name)
            return body

    def put(self, name: tuple[str, str, str], body: bytes, budget: int) -> None:
        if len(body) > budget:
            return
        with self._lock:
            if name in self._bodies:
                return
            self._bodies[name] = body
            self._size += len(body)
            while self._size > budget:
                _, dropped = self._bodies.popitem(last=False)
                self._size -= len(dropped)


_BODIES = _ProcessCopies()

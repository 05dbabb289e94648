"""The WSGI layer: a made page answered in front of the Flask app.

No request context, session or routing to pay for: the request is matched
against the registered endpoints' paths, one Redis command (``lookup``) brings
what the answer needs, and a page made for the market's change number is
answered from bytes. What it cannot answer goes on to the view with what it
looked up (``ENVIRON_KEY``).
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from flask import Flask
from limits import RateLimitItem
from limits import parse as parse_limit
from redis import Redis, RedisError
from werkzeug.wrappers import Request

from connector.auth.principal import bearer_secret, token_rate_key
from connector.feeds.page_cache import encodings, page_store, principals
from connector.feeds.page_cache.keys import meta_key, principal_key, rate_key
from connector.feeds.page_cache.lookup import ENVIRON_KEY, Lookup, LookupScript
from connector.feeds.page_cache.responses import made_page
from connector.models.account import hash_token
from connector.services import get_redis


class Credential(NamedTuple):
    """Who asks, as the cache knows them: the digest their principal is kept under and
    the bucket their requests are counted in."""

    digest: str
    rate_bucket: str


def bearer_credential(req: Request, match: re.Match) -> Credential | None:
    """An API token in ``Authorization: Bearer``; None lets the view answer 401."""
    secret = bearer_secret(req)
    if secret is None:
        return None
    return Credential(hash_token(secret), token_rate_key(secret))


@dataclass(frozen=True)
class Cacheable:
    endpoint: str
    path: re.Pattern
    format_of: Callable[[Request, re.Match], str]
    credential: Callable[[Request, re.Match], Credential | None]
    may_read: Callable[[dict, str, str], bool]


_CACHEABLE: dict[str, Cacheable] = {}


def cacheable(
    endpoint: str,
    path: str,
    format_of: Callable[[Request, re.Match], str],
    credential: Callable[[Request, re.Match], Credential | None] = bearer_credential,
    may_read: Callable[[dict, str, str], bool] = principals.may_read,
) -> None:
    """Serve ``endpoint`` from the page cache: ``path`` is its URL as a regular expression
    with a ``code`` group (the market), ``format_of`` the format a request asks for,
    ``credential`` who asks (an API token by default) and ``may_read`` whether their
    cached principal may read that market in that format."""
    _CACHEABLE[endpoint] = Cacheable(endpoint, re.compile(path), format_of, credential, may_read)


class MadePages:
    """WSGI middleware: answers a cacheable page from what one Redis round trip brings."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._lookup = LookupScript()

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET":
            path = environ.get("PATH_INFO", "")
            for entry in _CACHEABLE.values():
                match = entry.path.fullmatch(path)
                if match:
                    response = self._made(environ, entry, match)
                    if response is not None:
                        return response(environ, start_response)
                    break
        return self.wsgi_app(environ, start_response)

    def _redis(self) -> Redis:
        client = self.app.extensions.get("redis")
        if client is None:
            with self.app.app_context():
                client = get_redis()
        return client

    def _made(self, environ, entry: Cacheable, match: re.Match) -> Callable | None:
        req = Request(environ)
        credential = entry.credential(req, match)
        if credential is None:
            return None  # the view answers 401
        code = match["code"].upper()
        fmt = entry.format_of(req, match)
        encoding = encodings.chosen(req)
        # The page every caller without presentation settings reads comes in the same
        # round trip; a caller with settings costs a second one.
        key = page_store.page_key(entry.endpoint, code, fmt, req.args, "")
        limit = _limit(self.app.config["API_RATE_LIMIT"])
        window = limit.get_expiry()
        now = time.time()
        client = self._redis()
        try:
            market_epoch, auth_epoch, principal, state, meta, count = self._lookup(
                client,
                code=code,
                principal=principal_key(credential.digest),
                meta=meta_key(key, encoding),
                counter=rate_key(credential.rate_bucket, int(now // window)),
                window=window,
            )
        except RedisError:
            return None  # the limit is a guard, not a gate; the view renders from the database
        lookup = Lookup(
            key=key,
            fmt=fmt,
            encoding=encoding,
            market=code,
            principal_digest=credential.digest,
            market_epoch=market_epoch,
            auth_epoch=auth_epoch,
            principal=principal,
            state=state,
            meta=meta,
            count=count,
        )
        environ[ENVIRON_KEY] = lookup
        if count > limit.amount:
            lookup.retry_after = max(1, int(window - now % window))
            return None  # the app answers 429 in its error envelope and language
        if principal is None or state is None or not entry.may_read(principal, code, fmt):
            return None
        if principal["p"]:
            lookup.key = page_store.page_key(entry.endpoint, code, fmt, req.args, principal["p"])
            lookup.meta = page_store.meta_under(client, lookup.key, encoding)
        budget = self.app.config["FEED_PAGE_MEMORY_MB"] << 20
        made = page_store.made(client, budget, lookup.key, encoding, lookup.meta, state.seq)
        if made is None:
            return None
        return made_page(req, made[0], made[1], state)


@functools.lru_cache(maxsize=8)
def _limit(spec: str) -> RateLimitItem:
    return parse_limit(spec)

"""Feed pages served from bytes already made.

A feed page for a given market, format, language, position and presentation is
the same bytes for every seller of that market, so it is rendered once per
change of the market's offers and kept in Redis, identity and gzip side by side.
A request for a page that is already made costs one Redis round trip, which
carries everything the answer needs:

- the caller's principal (role, markets), cached per token digest;
- the rate-limit counter of the caller's key (a fixed window, counted here);
- the market's state: its change number (the newest ``feed_seq`` of its offers)
  and what its ``X-FX-*`` headers are made of;
- the page entry, valid when it was rendered at the market's change number.

Principals and market states are valid for one *epoch*: a counter in Redis that
every commit writing the tables they are made of increments, after the commit
(see :func:`_watch_writes`). A reader that misses stores what it read from the
database under the epoch it saw *before* reading, so a write racing it leaves
an entry that is already stale, never a stale entry that looks fresh. So a
revoked token is refused on the next request, and a changed offer shows on the
next page. A short TTL bounds staleness should a process die between its commit
and the increment.

Redis keeps each page's small meta (change number, ETag, headers), fetched in
the round trip, and its body; each web process keeps copies of the bodies it
served lately, so a hot page's bytes are not moved out of Redis per request.

The layer is generic: an endpoint registers with :func:`cacheable` and renders
its page through :func:`serve` with a function that returns :class:`Rendered`;
any format the feed renders is cached the same way, keyed by the request's
query and the format the endpoint chose, and by the caller's presentation key.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson
from flask import Flask, current_app, g, has_app_context, request
from flask_smorest import abort
from limits import RateLimitItem
from limits import parse as parse_limit
from redis import Redis, RedisError
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool
from werkzeug.wrappers import Request, Response

from connector.auth.principal import bearer_secret, token_rate_key
from connector.feeds import settings as channel_settings
from connector.feeds.service import RENDER_VERSION, change_number
from connector.fx.resolve import from_snapshot_only
from connector.markets.model import Market
from connector.models import Role, User
from connector.models.account import hash_token
from connector.offers.service import fx_for
from connector.services import get_redis

PREFIX = "feeds:"
MARKET_EPOCH = PREFIX + "epoch:market"
AUTH_EPOCH = PREFIX + "epoch:auth"
# Bounds on staleness should an increment be lost (a process killed between its
# commit and the increment, Redis briefly down).
MARKET_TTL_SECONDS = 30
PRINCIPAL_TTL_SECONDS = 60  # also how often a token's last_used_at is refreshed
PAGE_TTL_SECONDS = 3600
# Encodings stored per page, best first; ``identity`` is always there.
ENCODINGS = ("gzip", "identity")

# Tables whose writes make cached entries stale, and which epoch they move. A
# table added to what a page or a principal is made of (presentation settings,
# say) is added here.
WATCHED_TABLES = {
    "offer": MARKET_EPOCH,
    "feed_counter": MARKET_EPOCH,
    "fx_rate": MARKET_EPOCH,
    "api_token": AUTH_EPOCH,
    "user_account": AUTH_EPOCH,
    "seller_channel_settings": AUTH_EPOCH,
    "channel_category": AUTH_EPOCH,
}
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


@dataclass
class Rendered:
    """What an endpoint renders for a page: bytes, type, strong ETag and headers."""

    body: bytes
    content_type: str
    etag: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class MarketState:
    """The market's change number and what its rate-age headers are made of."""

    seq: int
    fx: dict

    def fx_headers(self, now: datetime | None = None) -> dict[str, str]:
        """How old the market's rates are *now* (the page's bytes stay the same as hours pass)."""
        if not self.fx.get("as_of"):
            return {"X-FX-Usable": "false"}
        now_ts = (now or datetime.now(UTC)).timestamp()
        stale_at = self.fx.get("stale_at")
        usable = not self.fx["missing"] and (stale_at is None or now_ts <= stale_at)
        return {
            "X-FX-As-Of": self.fx["as_of"],
            "X-FX-Age-Hours": str(int((now_ts - self.fx["as_of_ts"]) // 3600)),
            "X-FX-Max-Age-Hours": str(self.fx["max_age_hours"]),
            "X-FX-Usable": "true" if usable else "false",
        }


@dataclass
class _Lookup:
    """What the one round trip brought back, kept for the slow path of the same request."""

    key: str
    fmt: str
    encoding: str
    market: str
    market_epoch: bytes
    auth_epoch: bytes
    principal: dict | None
    state: MarketState | None
    meta: bytes | None
    retry_after: int = 0  # over the limit: seconds until the window has room


@dataclass(frozen=True)
class _Cacheable:
    endpoint: str
    path: re.Pattern
    format_of: Callable[[Request], str]


_CACHEABLE: dict[str, _Cacheable] = {}


def cacheable(endpoint: str, path: str, format_of: Callable[[Request], str]) -> None:
    """Serve ``endpoint`` from the page cache: ``path`` is its URL as a regular expression
    with a ``code`` group (the market), ``format_of`` the format a request asks for."""
    _CACHEABLE[endpoint] = _Cacheable(endpoint, re.compile(path), format_of)


def presentation_key(user: User) -> str:
    """What, beside the request, makes this caller's pages differ from another's.

    A seller's channel settings (brand, link template, channels, margins) and ops'
    category mappings shape the bytes; "" when neither exists, so every plain caller
    shares one page. Both tables are watched under the auth epoch, so a change to
    either is a new key on the next request.
    """
    settings = channel_settings.settings_of(user) if user.role == Role.SELLER else {}
    mappings = channel_settings.all_category_maps()
    if not settings and not mappings:
        return ""
    blob = orjson.dumps([settings, mappings], option=orjson.OPT_SORT_KEYS, default=str)
    return hashlib.sha256(blob).hexdigest()[:16]


def init_app(app: Flask, limiter) -> None:
    """Serve made pages in front of the app (no request context, session or routing to
    pay for); what it cannot serve goes on to the view with what it looked up."""
    app.wsgi_app = _MadePages(app, app.wsgi_app)
    app.before_request_funcs.setdefault(None, []).insert(0, _take_lookup)
    limiter.request_filter(counted_here)
    _watch_writes()


def counted_here() -> bool:
    """The limiter skips requests counted by the lookup."""
    return bool(g.get("feeds_lookup"))


def _take_lookup() -> None:
    lookup: _Lookup | None = request.environ.get(ENVIRON_KEY)
    if lookup is None:
        return
    g.feeds_lookup = lookup
    if lookup.retry_after:
        abort(429, headers={"Retry-After": str(lookup.retry_after)})


# -- the fast path ---------------------------------------------------------------


ENVIRON_KEY = "connector.feeds_lookup"

# The whole lookup in one command, so one reply: the values, then the caller's count.
LOOKUP_SCRIPT = """
local values = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local count = redis.call('INCR', KEYS[6])
if count == 1 then redis.call('EXPIRE', KEYS[6], ARGV[1]) end
values[6] = count
return values
"""


class _MadePages:
    """WSGI middleware: answers a cacheable page from what one Redis round trip brings."""

    def __init__(self, app: Flask, wsgi_app) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self._script = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "GET":
            path = environ.get("PATH_INFO", "")
            for cacheable in _CACHEABLE.values():
                match = cacheable.path.fullmatch(path)
                if match:
                    response = self._made(environ, cacheable, match["code"].upper())
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

    def _made(self, environ, cacheable: _Cacheable, code: str) -> Response | None:
        req = Request(environ)
        secret = bearer_secret(req)
        if secret is None:
            return None  # the view answers 401
        fmt = cacheable.format_of(req)
        encoding = _encoding(req)
        # The page every caller without presentation settings reads comes in the same
        # round trip; a caller with settings costs a second one.
        key = _page_key(cacheable.endpoint, code, fmt, req.args, "")
        limit = _limit(self.app.config["API_RATE_LIMIT"])
        window = limit.get_expiry()
        now = time.time()
        counter = f"{PREFIX}rate:{token_rate_key(secret)}:{int(now // window)}"
        client = self._redis()
        try:
            if self._script is None:
                self._script = client.register_script(LOOKUP_SCRIPT)
            keys = [
                MARKET_EPOCH,
                PREFIX + "market:" + code,
                AUTH_EPOCH,
                PREFIX + "token:" + hash_token(secret),
                _meta_key(key, encoding),
                counter,
            ]
            reply = self._script(keys=keys, args=[window], client=client)
        except RedisError:
            return None  # the limit is a guard, not a gate; the view renders from the database
        market_epoch, state_raw, auth_epoch, principal_raw, meta, count = reply
        market_epoch, auth_epoch = market_epoch or b"0", auth_epoch or b"0"
        principal = _valid(principal_raw, auth_epoch)
        state = _valid(state_raw, market_epoch)
        lookup = _Lookup(
            key=key,
            fmt=fmt,
            encoding=encoding,
            market=code,
            market_epoch=market_epoch,
            auth_epoch=auth_epoch,
            principal=principal,
            state=MarketState(state["seq"], state["fx"]) if state else None,
            meta=meta,
        )
        environ[ENVIRON_KEY] = lookup
        if count > limit.amount:
            lookup.retry_after = max(1, int(window - now % window))
            return None  # the app answers 429 in its error envelope and language
        if principal is None or lookup.state is None or not _may_read(principal, code):
            return None
        if principal["p"]:
            lookup.key = _page_key(cacheable.endpoint, code, fmt, req.args, principal["p"])
            try:
                lookup.meta = client.get(_meta_key(lookup.key, encoding))
            except RedisError:
                return None
        budget = self.app.config["FEED_PAGE_MEMORY_MB"] << 20
        made = _made(client, budget, lookup.key, encoding, lookup.meta, lookup.state.seq)
        if made is None:
            return None
        return _response(req, made[0], made[1], lookup.state)


@functools.lru_cache(maxsize=8)
def _limit(spec: str) -> RateLimitItem:
    return parse_limit(spec)


def _may_read(principal: dict, code: str) -> bool:
    return principal["role"] in (Role.SELLER, Role.OPS) and (
        principal["role"] == Role.OPS or code in principal["markets"]
    )


def _valid(raw: bytes | None, epoch: bytes) -> dict | None:
    if not raw:
        return None
    value = orjson.loads(raw)
    return value if value.get("epoch") == epoch.decode() else None


# -- the slow path: the view renders, the cache keeps ------------------------------


def serve(user: User, market: Market, render: Callable[[int], Rendered]) -> Response:
    """The page from the cache when it is made for the market's change number, else
    ``render(change_number)``'s bytes, kept for every other caller."""
    lookup: _Lookup | None = g.get("feeds_lookup")
    if lookup is None:
        # Redis did not answer the lookup: render from the database, keep nothing.
        state = _read_market_state(market)
        rendered = render(state.seq)
        return _response(request, _meta_of(rendered, state.seq), rendered.body, state)
    _remember_principal(lookup, user)
    state = lookup.state or _remember_market_state(lookup, market)
    presentation = presentation_key(user)
    key = _page_key(request.endpoint, lookup.market, lookup.fmt, request.args, presentation)
    made = None
    if key == lookup.key:
        budget = current_app.config["FEED_PAGE_MEMORY_MB"] << 20
        made = _made(get_redis(), budget, key, lookup.encoding, lookup.meta, state.seq)
    if made is not None:
        return _response(request, made[0], made[1], state)
    rendered = render(state.seq)
    meta = _meta_of(rendered, state.seq)
    bodies = {"identity": rendered.body, "gzip": gzip.compress(rendered.body, 6, mtime=0)}
    try:
        pipe = get_redis().pipeline(transaction=False)
        for encoding, body in bodies.items():
            encoded = _meta_for(meta, encoding)
            # The body first: a reader that finds the meta finds its body.
            pipe.set(_body_key(key, encoding), _tagged(encoded, body), ex=PAGE_TTL_SECONDS)
            pipe.set(_meta_key(key, encoding), orjson.dumps(encoded), ex=PAGE_TTL_SECONDS)
        pipe.execute()
    except RedisError:
        pass  # served all the same; the next request renders again
    encoding = lookup.encoding
    return _response(request, _meta_for(meta, encoding), bodies[encoding], state)


def _remember_principal(lookup: _Lookup, user: User) -> None:
    if lookup.principal is not None:
        return
    value = {
        "epoch": lookup.auth_epoch.decode(),
        "role": user.role,
        "markets": list(user.markets or []),
        "p": presentation_key(user),
    }
    secret = bearer_secret(request)
    if secret is None:
        return
    try:
        get_redis().set(
            PREFIX + "token:" + hash_token(secret), orjson.dumps(value), ex=PRINCIPAL_TTL_SECONDS
        )
    except RedisError:
        pass


def _remember_market_state(lookup: _Lookup, market: Market) -> MarketState:
    state = _read_market_state(market)
    value = {"epoch": lookup.market_epoch.decode(), "seq": state.seq, "fx": state.fx}
    try:
        get_redis().set(
            PREFIX + "market:" + market.code, orjson.dumps(value), ex=MARKET_TTL_SECONDS
        )
    except RedisError:
        pass
    return state


def _read_market_state(market: Market) -> MarketState:
    """The market's change number and rates, from the database."""
    seq = change_number(market.code)
    now = datetime.now(UTC)
    fx = fx_for(market, now)
    summary: dict = {"as_of": None, "missing": bool(fx.missing)}
    if fx.rates:
        oldest = min(rate.as_of for rate in fx.rates.values())
        limit = timedelta(hours=market.fx_max_age_hours)
        # The first moment a rate that is judged by age passes the limit (fx.stale's rule);
        # rates from the snapshot, when allowed, never do.
        allowed = current_app.config["FX_ALLOW_SNAPSHOT"]
        stale_at = [
            (rate.as_of + limit).timestamp()
            for rate in fx.rates.values()
            if not (allowed and from_snapshot_only(rate.source))
        ]
        summary.update(
            as_of=oldest.isoformat(),
            as_of_ts=oldest.timestamp(),
            max_age_hours=market.fx_max_age_hours,
            stale_at=min(stale_at) if stale_at else None,
        )
    return MarketState(seq, summary)


# -- entries -----------------------------------------------------------------------


def _page_key(endpoint: str, code: str, fmt: str, args, presentation: str) -> str:
    parts = (
        endpoint,
        code,
        fmt,
        sorted(args.items(multi=True)),
        presentation,
        RENDER_VERSION,
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


def _meta_key(key: str, encoding: str) -> str:
    return f"{PREFIX}page:{key}:{encoding}:meta"


def _body_key(key: str, encoding: str) -> str:
    return f"{PREFIX}page:{key}:{encoding}:body"


def _meta_of(rendered: Rendered, seq: int) -> dict:
    return {
        "seq": seq,
        # Names this rendering: what a process's copy of the body is kept under.
        "made": secrets.token_hex(8),
        "etag": rendered.etag,
        "type": rendered.content_type,
        "headers": rendered.headers,
    }


def _meta_for(meta: dict, encoding: str) -> dict:
    """The meta of one encoding: a strong ETag differs per content coding (RFC 9110)."""
    if encoding == "identity":
        return meta
    headers = {**meta["headers"], "Content-Encoding": encoding}
    return {**meta, "etag": f"{meta['etag']}-{encoding}", "headers": headers}


def _tagged(meta: dict, body: bytes) -> bytes:
    return meta["made"].encode() + b"\n" + body


def _made(
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
            tagged = client.get(_body_key(key, encoding))
        except RedisError:
            return None
        made, _, body = (tagged or b"").partition(b"\n")
        if made.decode() != meta["made"]:
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


def _response(req: Request, meta: dict, body: bytes | None, state: MarketState) -> Response:
    headers = {
        "ETag": f'"{meta["etag"]}"',
        "Cache-Control": "private, no-cache",
        "Vary": "Accept, Accept-Encoding",
        **meta["headers"],
        **state.fx_headers(),
    }
    if meta["etag"] in req.if_none_match:
        headers.pop("Content-Encoding", None)
        return Response(status=304, headers=headers)
    return Response(body, status=200, headers=headers, content_type=meta["type"])


def _encoding(req: Request) -> str:
    accepted = req.accept_encodings
    for encoding in ENCODINGS[:-1]:
        if accepted[encoding]:
            return encoding
    return "identity"


# -- invalidation --------------------------------------------------------------------


def _watch_writes() -> None:
    """Increment the epochs after every commit that wrote a watched table, whoever wrote it
    (ORM, Core or text SQL, any session, jobs included)."""
    if event.contains(Engine, "after_cursor_execute", _note_write):
        return
    event.listen(Engine, "after_cursor_execute", _note_write)
    event.listen(Engine, "commit", _committing)
    event.listen(Engine, "rollback", _rolled_back)
    event.listen(Pool, "checkin", _after_commit)


def _note_write(conn, cursor, statement, parameters, context, executemany) -> None:
    match = _WRITE.match(statement)
    if match is None:
        return
    epoch = WATCHED_TABLES.get(match.group(1).lower())
    if epoch is None:
        return
    if epoch == AUTH_EPOCH and _only_marks_use(statement):
        return
    conn.info.setdefault("feeds_pending", set()).add(epoch)
    if has_app_context():
        conn.info["feeds_redis"] = get_redis()


def _only_marks_use(statement: str) -> bool:
    """``last_used_at`` moves once a minute per token and changes nothing a cache holds."""
    head = statement.split("WHERE", 1)[0]
    return "last_used_at" in head and head.count("=") == 1


def _committing(conn) -> None:
    # Called just before the database commits: the increment waits for the check-in.
    pending = conn.info.pop("feeds_pending", None)
    if pending:
        conn.info.setdefault("feeds_committed", set()).update(pending)


def _rolled_back(conn) -> None:
    conn.info.pop("feeds_pending", None)


def _after_commit(dbapi_connection, record) -> None:
    committed = record.info.pop("feeds_committed", None)
    client = record.info.pop("feeds_redis", None)
    if not committed or client is None:
        return
    try:
        pipe = client.pipeline(transaction=False)
        for epoch in committed:
            pipe.incr(epoch)
        pipe.execute()
    except RedisError:
        pass  # the entries' TTL bounds how long they outlive the change

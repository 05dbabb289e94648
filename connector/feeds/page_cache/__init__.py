"""Feed pages served from bytes already made.

A feed page for a given market, format, language, position and presentation is
the same bytes for every seller of that market, so it is rendered once per
change of the market's offers and kept in Redis, in every stored coding side
by side. A request for a page that is already made costs one Redis round trip.
The parts, each in its own module:

- ``middleware``: the WSGI layer in front of the app that answers made pages;
- ``lookup``: the one scripted Redis command that brings epochs, the market's
  state, the caller's principal, the page's meta and the rate-limit count;
- ``principals``: the auth cache (role, markets, presentation key per credential);
- ``market_state``: the market's change number and rate summary;
- ``page_store``: pages' meta and bodies in Redis, bodies copied per process;
- ``encodings``: the codings a page is stored in and the one a request gets;
- ``epochs``: invalidation, an epoch moved after every commit that writes what
  a cached entry is made of (so a revoked token is refused on the next request);
- ``responses``: the answer, with strong ETags and 304.

An endpoint registers with :func:`cacheable` and renders its page through
:func:`serve` with a function that returns :class:`Rendered`; any format the
feed renders is cached the same way, keyed by the request's query, the format
the endpoint chose and the caller's presentation key.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, g, request
from flask_smorest import abort
from werkzeug.wrappers import Response

from connector.feeds.page_cache import encodings, market_state, page_store, principals
from connector.feeds.page_cache.epochs import watch_writes
from connector.feeds.page_cache.lookup import ENVIRON_KEY, Lookup
from connector.feeds.page_cache.market_state import MarketState
from connector.feeds.page_cache.middleware import Credential, MadePages, cacheable
from connector.feeds.page_cache.page_store import Rendered
from connector.feeds.page_cache.principals import presentation_key
from connector.feeds.page_cache.responses import page_response
from connector.markets.model import Market
from connector.models import User
from connector.services import get_redis

__all__ = [
    "Credential",
    "MarketState",
    "Rendered",
    "cacheable",
    "counted_here",
    "init_app",
    "presentation_key",
    "serve",
]


def init_app(app: Flask, limiter) -> None:
    """Serve made pages in front of the app (no request context, session or routing to
    pay for); what it cannot serve goes on to the view with what it looked up."""
    app.wsgi_app = MadePages(app, app.wsgi_app)
    app.before_request_funcs.setdefault(None, []).insert(0, _take_lookup)
    limiter.request_filter(counted_here)
    watch_writes()


def counted_here() -> bool:
    """The limiter skips requests counted by the lookup."""
    return bool(g.get("feeds_lookup"))


def _take_lookup() -> None:
    lookup: Lookup | None = request.environ.get(ENVIRON_KEY)
    if lookup is None:
        return
    g.feeds_lookup = lookup
    if lookup.retry_after:
        abort(429, headers={"Retry-After": str(lookup.retry_after)})


def serve(
    user: User,
    market: Market,
    render: Callable[[int], Rendered],
    scope: dict | None = None,
) -> Response:
    """The page from the cache when it is made for the market's change number, else
    ``render(change_number)``'s bytes, kept for every other caller.

    ``scope`` is what the caller's credential may read, as the endpoint's ``may_read``
    checks it on the fast path; by default an API token's role and markets.
    """
    lookup: Lookup | None = g.get("feeds_lookup")
    if lookup is None:
        # Redis did not answer the lookup: render from the database, keep nothing.
        state = market_state.read(market)
        rendered = render(state.seq)
        return page_response(request, page_store.meta_of(rendered, state.seq), rendered.body, state)
    client = get_redis()
    if lookup.principal is None:
        principals.remember(
            client,
            lookup.principal_digest,
            lookup.auth_epoch,
            user,
            principals.scope_of(user) if scope is None else scope,
        )
    state = lookup.state or market_state.read_and_remember(client, lookup.market_epoch, market)
    presentation = principals.presentation_key(user)
    key = page_store.page_key(
        request.endpoint, lookup.market, lookup.fmt, request.args, presentation
    )
    raw_meta = lookup.meta
    if key != lookup.key:
        # The lookup looked under the plain page (it did not know this caller yet); with
        # a presentation the page may be made under its own key all the same.
        raw_meta = page_store.meta_under(client, key, lookup.encoding)
    budget = current_app.config["FEED_PAGE_MEMORY_MB"] << 20
    made = page_store.made(client, budget, key, lookup.encoding, raw_meta, state.seq)
    if made is not None:
        return page_response(request, made[0], made[1], state)
    rendered = render(state.seq)
    meta = page_store.meta_of(rendered, state.seq)
    bodies = encodings.compressed(rendered.body)
    page_store.store(client, key, meta, bodies)
    encoding = lookup.encoding
    return page_response(request, page_store.meta_for(meta, encoding), bodies[encoding], state)

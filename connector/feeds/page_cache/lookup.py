"""The one Redis round trip of a feed request, as one scripted command.

It brings back everything the answer needs: both epochs, the market's state,
the caller's principal, the page's meta, and the caller's rate-limit count
(incremented in the same command, a fixed window). What it found travels on
to the view in the WSGI environ when the page is not made yet, so the slow path
does not ask again.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from redis.commands.core import Script

from connector.feeds.page_cache.epochs import valid_for
from connector.feeds.page_cache.keys import AUTH_EPOCH, MARKET_EPOCH, market_key
from connector.feeds.page_cache.market_state import MarketState, from_cached

ENVIRON_KEY = "connector.feeds_lookup"

# The whole lookup in one command, so one reply: the values, then the caller's count.
LOOKUP_SCRIPT = """
local values = redis.call('MGET', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5])
local count = redis.call('INCR', KEYS[6])
if count == 1 then redis.call('EXPIRE', KEYS[6], ARGV[1]) end
values[6] = count
return values
"""


@dataclass
class Lookup:
    """What the one round trip brought back, kept for the slow path of the same request."""

    key: str
    fmt: str
    encoding: str
    market: str
    principal_digest: str  # what the slow path keeps the caller's principal under
    market_epoch: bytes
    auth_epoch: bytes
    principal: dict | None
    state: MarketState | None
    meta: bytes | None
    count: int = 0
    retry_after: int = 0  # over the limit: seconds until the window has room


class LookupScript:
    """The registered script, loaded into Redis once per process."""

    def __init__(self) -> None:
        self._script: Script | None = None

    def __call__(
        self,
        client: Redis,
        *,
        code: str,
        principal: str,
        meta: str,
        counter: str,
        window: int,
    ) -> tuple[bytes, bytes, dict | None, MarketState | None, bytes | None, int]:
        """(market epoch, auth epoch, principal, market state, page meta, count); the
        principal and state are None when missing or stale. Raises RedisError."""
        if self._script is None:
            self._script = client.register_script(LOOKUP_SCRIPT)
        keys = [MARKET_EPOCH, market_key(code), AUTH_EPOCH, principal, meta, counter]
        reply = self._script(keys=keys, args=[window], client=client)
        market_epoch, state_raw, auth_epoch, principal_raw, meta_raw, count = reply
        market_epoch, auth_epoch = market_epoch or b"0", auth_epoch or b"0"
        return (
            market_epoch,
            auth_epoch,
            valid_for(principal_raw, auth_epoch),
            from_cached(valid_for(state_raw, market_epoch)),
            meta_raw,
            count,
        )

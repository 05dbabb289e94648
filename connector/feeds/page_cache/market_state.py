"""A market's state as the cache checks pages against: its change number and its rates.

The change number (the newest ``feed_seq`` of the market's offers) is the key a
page is made for; the rate summary makes the ``X-FX-*`` headers, computed per
request so a page's bytes (and ETag) stay the same as the hours pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
from flask import current_app
from redis import Redis, RedisError

from connector.feeds.page_cache.keys import MARKET_TTL_SECONDS, market_key
from connector.feeds.service import change_number
from connector.fx.resolve import from_snapshot_only
from connector.markets.model import Market
from connector.offers.service import fx_for


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


def from_cached(value: dict | None) -> MarketState | None:
    return MarketState(value["seq"], value["fx"]) if value else None


def read(market: Market) -> MarketState:
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


def read_and_remember(client: Redis, epoch: bytes, market: Market) -> MarketState:
    """The state from the database, kept under the epoch read before reading it."""
    state = read(market)
    value = {"epoch": epoch.decode(), "seq": state.seq, "fx": state.fx}
    try:
        client.set(market_key(market.code), orjson.dumps(value), ex=MARKET_TTL_SECONDS)
    except RedisError:
        pass
    return state

"""Choosing the rate a price uses: direct quotes first, triangulation only when none exists."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select

from connector.extensions import db
from connector.markets.model import Market
from connector.models import FxRate
from connector.pricing.engine import Conversion

# Among quotes of the same age: a person's override, then a live source, then the snapshot.
PRIORITY = {"manual": 0}
VIA = ("USD", "EUR")


class FxUnavailable(LookupError):
    """No rate at all for a pair, direct or triangulated."""


@dataclass(frozen=True)
class ResolvedRate:
    base: str
    quote: str
    rate: Decimal
    source: str
    as_of: datetime
    path: tuple[str, ...]

    def as_dict(self) -> dict:
        return {
            "pair": f"{self.base}/{self.quote}",
            "rate": str(self.rate),
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "path": list(self.path),
        }


def _rank(row: FxRate) -> tuple:
    snapshot = row.source.startswith("snapshot")
    return (row.as_of, -PRIORITY.get(row.source, 2 if snapshot else 1))


class RateBook:
    """Every stored quote touching some currencies, loaded once, resolved in memory."""

    def __init__(self, currencies: set[str]):
        wanted = set(currencies) | set(VIA)
        rows = db.session.execute(
            select(FxRate).where(or_(FxRate.base.in_(wanted), FxRate.quote.in_(wanted)))
        ).scalars()
        self.best: dict[tuple[str, str], FxRate] = {}
        for row in rows:
            key = (row.base, row.quote)
            if key not in self.best or _rank(row) > _rank(self.best[key]):
                self.best[key] = row

    def direct(self, base: str, quote: str) -> ResolvedRate | None:
        forward = self.best.get((base, quote))
        backward = self.best.get((quote, base))
        candidates = []
        if forward is not None:
            candidates.append((_rank(forward), forward.rate, forward, (base, quote)))
        if backward is not None and backward.rate > 0:
            inverse = Decimal(1) / backward.rate
            candidates.append((_rank(backward), inverse, backward, (base, quote, "inverse")))
        if not candidates:
            return None
        _, rate, row, path = max(candidates, key=lambda c: c[0])
        return ResolvedRate(base, quote, rate, row.source, row.as_of, path)

    def resolve(self, base: str, quote: str) -> ResolvedRate:
        found = self.direct(base, quote)
        if found is not None:
            return found
        for via in VIA:
            first, second = self.direct(base, via), self.direct(via, quote)
            if first is not None and second is not None:
                return ResolvedRate(
                    base,
                    quote,
                    first.rate * second.rate,
                    f"{first.source}+{second.source}",
                    min(first.as_of, second.as_of),
                    (base, via, quote),
                )
        raise FxUnavailable(f"no rate for {base}/{quote}")


def required_currencies(market: Market) -> set[str]:
    """Currencies a price in this market converts from (goods, freight, thresholds)."""
    needed = {"CNY"}
    needed.update(card.currency for card in market.shipping.values())
    for regime in market.parcel_regimes:
        needed.update(c for c in (regime.threshold_currency, regime.duty_min_currency) if c)
    needed.discard(market.currency)
    return needed


@dataclass
class MarketFx:
    """The conversion a market's prices use now, with provenance and staleness."""

    market: Market
    rates: dict[str, ResolvedRate] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    _provenance: dict | None = field(default=None, repr=False)

    @property
    def conversion(self) -> Conversion:
        return Conversion(self.market.currency, {c: r.rate for c, r in self.rates.items()})

    @property
    def usable(self) -> bool:
        return not self.missing and not self.stale

    def provenance(self) -> dict:
        # The same for every offer of a reprice: worked out once.
        if self._provenance is None:
            self._provenance = {
                currency: rate.as_dict() for currency, rate in sorted(self.rates.items())
            }
        return self._provenance


def market_fx(
    market: Market, now: datetime, allow_snapshot: bool, book: RateBook | None = None
) -> MarketFx:
    """Resolve every rate the market needs and judge each against its staleness limit."""
    needed = required_currencies(market)
    book = book or RateBook(needed | {market.currency})
    result = MarketFx(market)
    limit = timedelta(hours=market.fx_max_age_hours)
    for currency in sorted(needed):
        try:
            rate = book.resolve(currency, market.currency)
        except FxUnavailable:
            result.missing.append(currency)
            continue
        result.rates[currency] = rate
        from_snapshot = all(part.startswith("snapshot") for part in rate.source.split("+"))
        snapshot_ok = allow_snapshot and from_snapshot
        if now - rate.as_of > limit and not snapshot_ok:
            result.stale.append(currency)
    return result

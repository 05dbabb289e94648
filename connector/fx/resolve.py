"""Choosing the rate a price uses: a direct quote first, else a cross through any currency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import or_, select

from connector.extensions import db
from connector.markets.model import Market
from connector.models import FxRate, FxRateStatus
from connector.pricing.engine import Conversion

# Among quotes of the same age: a person's override, then a live source, then the snapshot.
PRIORITY = {"manual": 0}
# Among equally good crosses, the conventional pivots first, then any other by code.
PREFERRED_PIVOTS = ("USD", "EUR")


class FxUnavailable(LookupError):
    """No rate at all for a pair, direct or crossed through another currency."""


@dataclass(frozen=True)
class Leg:
    """One stored quote a resolved rate uses; ``inverse`` when it is read backwards."""

    row_id: int | None
    base: str
    quote: str
    rate: Decimal
    source: str
    as_of: datetime
    inverse: bool

    def as_dict(self) -> dict:
        return {
            "pair": f"{self.base}/{self.quote}",
            "rate": str(self.rate),
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "inverse": self.inverse,
        }


@dataclass(frozen=True)
class ResolvedRate:
    base: str
    quote: str
    rate: Decimal
    source: str
    as_of: datetime
    path: tuple[str, ...]
    legs: tuple[Leg, ...] = ()

    def as_dict(self) -> dict:
        provenance = {
            "pair": f"{self.base}/{self.quote}",
            "rate": str(self.rate),
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "path": list(self.path),
        }
        if len(self.legs) > 1:
            # A cross names each quote it multiplies, with its own source and age.
            provenance["legs"] = [leg.as_dict() for leg in self.legs]
        return provenance


def _priority(source: str) -> int:
    return PRIORITY.get(source, 2 if source.startswith("snapshot") else 1)


def _rank(row: FxRate) -> tuple:
    return (row.as_of, -_priority(row.source))


def _pivot_order(via: str) -> tuple:
    preferred = via in PREFERRED_PIVOTS
    return (0, PREFERRED_PIVOTS.index(via), "") if preferred else (1, 0, via)


class RateBook:
    """Every stored quote touching some currencies, loaded once, resolved in memory.

    A cross needs two quotes, each touching one end of the pair, so loading the
    quotes that touch the wanted currencies loads every pivot a cross can use.
    """

    def __init__(self, currencies: set[str]):
        wanted = set(currencies)
        rows = db.session.execute(
            select(FxRate).where(
                or_(FxRate.base.in_(wanted), FxRate.quote.in_(wanted)),
                FxRate.status == FxRateStatus.ACCEPTED.value,  # never a quarantined jump
            )
        ).scalars()
        self.best: dict[tuple[str, str], FxRate] = {}
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            key = (row.base, row.quote)
            if key not in self.best or _rank(row) > _rank(self.best[key]):
                self.best[key] = row
            self.neighbours[row.base].add(row.quote)
            self.neighbours[row.quote].add(row.base)

    def leg(self, base: str, quote: str) -> Leg | None:
        """The best stored quote between two currencies, read in either direction."""
        candidates = []
        forward = self.best.get((base, quote))
        backward = self.best.get((quote, base))
        if forward is not None:
            candidates.append((_rank(forward), 1, forward, False))
        if backward is not None and backward.rate > 0:
            candidates.append((_rank(backward), 0, backward, True))
        if not candidates:
            return None
        _, _, row, inverse = max(candidates, key=lambda c: c[:2])
        return Leg(row.id, row.base, row.quote, row.rate, row.source, row.as_of, inverse)

    def direct(self, base: str, quote: str) -> ResolvedRate | None:
        leg = self.leg(base, quote)
        if leg is None:
            return None
        rate = Decimal(1) / leg.rate if leg.inverse else leg.rate
        path = (base, quote, "inverse") if leg.inverse else (base, quote)
        return ResolvedRate(base, quote, rate, leg.source, leg.as_of, path, (leg,))

    def cross(self, base: str, via: str, quote: str) -> ResolvedRate | None:
        """``base`` to ``quote`` through ``via``: two stored quotes, divided once."""
        first, second = self.leg(base, via), self.leg(via, quote)
        if first is None or second is None:
            return None
        numerator, denominator = Decimal(1), Decimal(1)
        for leg in (first, second):
            if leg.inverse:
                denominator *= leg.rate
            else:
                numerator *= leg.rate
        return ResolvedRate(
            base,
            quote,
            numerator / denominator,
            f"{first.source}+{second.source}",
            min(first.as_of, second.as_of),
            (base, via, quote),
            (first, second),
        )

    def resolve(self, base: str, quote: str) -> ResolvedRate:
        """A direct quote if one exists; else the best cross through any currency.

        Crosses are ranked by the age of their older quote (newest first), then
        by their worse source (manual, live, snapshot), then pivot (USD, EUR,
        then by code), so the choice is the same on every run.
        """
        found = self.direct(base, quote)
        if found is not None:
            return found
        pivots = (self.neighbours[base] & self.neighbours[quote]) - {base, quote}
        crosses = [self.cross(base, via, quote) for via in pivots]
        crosses = [cross for cross in crosses if cross is not None]
        if not crosses:
            raise FxUnavailable(f"no rate for {base}/{quote}")
        return min(crosses, key=_cross_order)


def _cross_order(rate: ResolvedRate) -> tuple:
    worst = max(_priority(leg.source) for leg in rate.legs)
    return (-rate.as_of.timestamp(), worst, _pivot_order(rate.path[1]))


def markets_using(markets: Iterable[Market], pairs: Iterable[Iterable[str]]) -> list[str]:
    """Codes of the markets whose prices may use a quote between any of these pairs.

    A quote matters to a market when it touches the market's currency (directly,
    or as the second leg of a cross), or when it joins a currency the market
    needs to a pivot that is itself quoted against the market's currency.
    """
    markets = list(markets)
    pairs = [tuple(pair) for pair in pairs]
    if not pairs:
        return []
    quoted = _quoted_against({market.currency for market in markets})
    return [market.code for market in markets if any(_may_price(market, quoted, p) for p in pairs)]


def _may_price(market: Market, quoted: dict[str, set[str]], pair: tuple[str, ...]) -> bool:
    if market.currency in pair:
        return True
    needed, pivots = required_currencies(market), quoted[market.currency]
    a, b = pair
    return (a in needed and b in pivots) or (b in needed and a in pivots)


def _quoted_against(currencies: set[str]) -> dict[str, set[str]]:
    """For each currency, the currencies any stored quote joins it to."""
    found: dict[str, set[str]] = defaultdict(set)
    rows = db.session.execute(
        select(FxRate.base, FxRate.quote)
        .where(
            or_(FxRate.base.in_(currencies), FxRate.quote.in_(currencies)),
            FxRate.status == FxRateStatus.ACCEPTED.value,
        )
        .distinct()
    )
    for base, quote in rows:
        found[base].add(quote)
        found[quote].add(base)
    return found


def from_snapshot_only(source: str) -> bool:
    """Whether every leg of a rate (``a+b`` for a cross) comes from the offline snapshot."""
    return all(part.startswith("snapshot") for part in source.split("+"))


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
        from_snapshot = from_snapshot_only(rate.source)
        snapshot_ok = allow_snapshot and from_snapshot
        if now - rate.as_of > limit and not snapshot_ok:
            result.stale.append(currency)
    return result

"""What ops do to FX rates, each written to the audit log: the one way in for the FX page
and the API, so neither can set, accept or reject a rate unrecorded."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from connector.fx import quarantine
from connector.fx.store import set_manual_rate
from connector.models import FxRate, User
from connector.offers.service import enqueue_market_reprice, markets_affected
from connector.ops import audit
from connector.ops.audit import Actor

NotQuarantined = quarantine.NotQuarantined


@dataclass(frozen=True)
class RateAction:
    """A rate ops acted on, and the markets whose offers are being repriced for it."""

    rate: FxRate
    repriced_markets: list[str]


def _reprice(rate: FxRate) -> tuple[list[str], list[str]]:
    affected = markets_affected([(rate.base, rate.quote)])
    queued = [code for code in affected if enqueue_market_reprice(code)]
    return affected, queued


def set_rate(
    actor: Actor, user: User, base: str, quote: str, rate: Decimal, note: str | None
) -> RateAction:
    """Ops override: used from now on, until a provider publishes a newer rate."""
    row = set_manual_rate(user, base, quote, rate, note)
    affected, queued = _reprice(row)
    audit.record(
        actor,
        "fx.manual_rate",
        "fx_rate",
        row.id,
        details={
            "pair": f"{row.base}/{row.quote}",
            "rate": str(row.rate),
            "note": row.note,
            "repriced_markets": affected,
            "reprice_queued": queued,
        },
    )
    return RateAction(row, affected)


def approve_rate(rate_id: int, actor: Actor, user: User | None) -> RateAction:
    """A quarantined rate is right after all: prices may use it. LookupError, NotQuarantined."""
    return _review(rate_id, actor, user, accept=True)


def reject_rate(rate_id: int, actor: Actor, user: User | None) -> RateAction:
    """A quarantined rate is wrong: it is never used. LookupError, NotQuarantined."""
    return _review(rate_id, actor, user, accept=False)


def _review(rate_id: int, actor: Actor, user: User | None, accept: bool) -> RateAction:
    action = "fx.approve_rate" if accept else "fx.reject_rate"
    try:
        rate = quarantine.review(rate_id, user, accept)
    except NotQuarantined as exc:
        audit.record(
            actor,
            action,
            "fx_rate",
            rate_id,
            result="refused",
            details={**_details(exc.rate), "message": str(exc)},
        )
        raise
    affected, queued = _reprice(rate) if accept else ([], [])
    audit.record(
        actor,
        action,
        "fx_rate",
        rate.id,
        details={**_details(rate), "repriced_markets": affected, "reprice_queued": queued},
    )
    return RateAction(rate, affected)


def _details(rate: FxRate) -> dict:
    return {
        "pair": f"{rate.base}/{rate.quote}",
        "rate": str(rate.rate),
        "source": rate.source,
        "as_of": rate.as_of.isoformat(),
        "status": rate.status,
        "reference_rate": None if rate.reference_rate is None else str(rate.reference_rate),
        "move_pct": None if rate.move_pct is None else str(rate.move_pct),
    }

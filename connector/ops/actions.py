"""What ops do to shipments, each written to the audit log: the one way in for the
pages, the command line and the bulk job, so none of them can act unrecorded."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from connector.models import Shipment
from connector.ops import audit, fixes
from connector.ops.audit import Actor
from connector.orders import shipment_actions
from connector.orders.address import AddressRejected

log = logging.getLogger(__name__)
NotAllowed = shipment_actions.NotAllowed


@dataclass(frozen=True)
class Outcome:
    shipment_id: int
    ok: bool
    state: str
    message: str | None = None


def retry(shipment_id: int, actor: Actor, details: dict | None = None) -> Shipment:
    """Send a shipment that needs attention again (reconciling first); raises NotAllowed."""
    try:
        shipment = shipment_actions.retry_shipment(shipment_id, actor.label)
    except NotAllowed as exc:
        audit.record(
            actor,
            "shipment.retry",
            "shipment",
            shipment_id,
            result="refused",
            details={**(details or {}), "state": exc.state, "message": str(exc)},
        )
        raise
    audit.record(
        actor,
        "shipment.retry",
        "shipment",
        shipment_id,
        details={**(details or {}), "attempts_before": shipment.attempt_count},
    )
    return shipment


def retry_many(ids: list[int], actor: Actor, details: dict | None = None) -> list[Outcome]:
    outcomes = []
    for shipment_id in dict.fromkeys(ids):
        try:
            shipment = retry(shipment_id, actor, details)
        except NotAllowed as exc:
            outcomes.append(Outcome(shipment_id, False, exc.state, str(exc)))
            continue
        outcomes.append(Outcome(shipment_id, True, shipment.state))
    return outcomes


def cancel(shipment_id: int, actor: Actor) -> Shipment:
    """Cancel now if never sent, else ask the service first (a job); raises NotAllowed."""
    try:
        shipment = shipment_actions.request_cancel(shipment_id, actor.label)
    except NotAllowed as exc:
        audit.record(
            actor,
            "shipment.cancel",
            "shipment",
            shipment_id,
            result="refused",
            details={"state": exc.state, "message": str(exc)},
        )
        raise
    audit.record(
        actor,
        "shipment.cancel",
        "shipment",
        shipment_id,
        result="ok" if shipment.state == "cancelled" else "queued",
        details={"state": shipment.state, "at_service": bool(shipment.cancel_requested)},
    )
    return shipment


def cancel_many(ids: list[int], actor: Actor) -> list[Outcome]:
    outcomes = []
    for shipment_id in dict.fromkeys(ids):
        try:
            shipment = cancel(shipment_id, actor)
        except NotAllowed as exc:
            outcomes.append(Outcome(shipment_id, False, exc.state, str(exc)))
            continue
        outcomes.append(Outcome(shipment_id, True, shipment.state))
    return outcomes


def fix(shipment_id: int, actor: Actor, changes: fixes.Changes) -> fixes.FixResult:
    """Change the address, weights or service of a shipment no service holds yet."""
    try:
        result = fixes.fix_shipment(shipment_id, actor.label, changes)
    except fixes.FixNotAllowed as exc:
        audit.record(
            actor,
            "shipment.fix",
            "shipment",
            shipment_id,
            result="refused",
            details={"state": exc.state, "message": str(exc)},
        )
        raise
    except fixes.FixInvalid as exc:
        # Which fields failed, not what was typed (it may be the buyer's data).
        audit.record(
            actor,
            "shipment.fix",
            "shipment",
            shipment_id,
            result="refused",
            details={"invalid": sorted(exc.errors)},
        )
        raise
    except AddressRejected as exc:
        audit.record(
            actor,
            "shipment.fix",
            "shipment",
            shipment_id,
            result="refused",
            details={"invalid": sorted({problem.field for problem in exc.problems})},
        )
        raise
    if result.changed:
        audit.record(actor, "shipment.fix", "shipment", shipment_id, details=result.summary())
    return result

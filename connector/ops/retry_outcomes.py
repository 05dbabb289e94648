"""What became of each shipment of a batch retry: sent, failed (and why), skipped (and why).

The batch job only puts each shipment back in the queue; its own dispatch job
sends it afterwards. So the outcome is read, when asked, from two records that
outlive the job: the audit entry the batch wrote for each shipment (retried or
refused, with the state that refused it) and the shipment's row (where its
send ended, and the carrier's reason when it failed).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from connector.extensions import db
from connector.models import AuditEntry, Shipment
from connector.orders.states import AT_SERVICE, ShipmentState

S = ShipmentState
# The order the page lists them in: what needs a person first.
OUTCOME_ORDER = ("failed", "skipped", "retrying", "sending", "waiting", "cancelled", "sent")
# SQL parameters per query: well under SQLite's limit on bound variables.
CHUNK = 500


@dataclass(frozen=True)
class ShipmentOutcome:
    shipment_id: int
    outcome: str  # one of OUTCOME_ORDER
    state: str | None  # the shipment's state now; for "skipped", the state that refused it
    reason_code: str | None = None  # the carrier's reason code, when it failed
    reason: str | None = None  # the carrier's words (scrubbed of buyer data), when it failed


def _retry_entries(job_id: str, ids: list[int]) -> dict[int, AuditEntry]:
    """The batch's own audit entry per shipment (a shipment retried twice keeps the last)."""
    found: dict[int, AuditEntry] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = [str(shipment_id) for shipment_id in ids[start : start + CHUNK]]
        rows = db.session.execute(
            select(AuditEntry)
            .where(
                AuditEntry.action == "shipment.retry",
                AuditEntry.target_type == "shipment",
                AuditEntry.target_id.in_(chunk),
            )
            .order_by(AuditEntry.id)
        ).scalars()
        for entry in rows:
            if (entry.details or {}).get("job_id") == job_id:
                found[int(entry.target_id)] = entry
    return found


def _shipments(ids: list[int]) -> dict[int, Shipment]:
    found: dict[int, Shipment] = {}
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(
            select(Shipment).where(Shipment.id.in_(ids[start : start + CHUNK]))
        ).scalars()
        found.update({row.id: row for row in rows})
    return found


def _after_retry(shipment: Shipment | None, shipment_id: int) -> ShipmentOutcome:
    if shipment is None:
        return ShipmentOutcome(shipment_id, "waiting", None)
    state = S(shipment.state)
    if state in AT_SERVICE or state == S.DELIVERED:
        return ShipmentOutcome(shipment_id, "sent", state.value)
    if state == S.CANCELLED:
        return ShipmentOutcome(shipment_id, "cancelled", state.value)
    if state in (S.NEEDS_ATTENTION, S.RETRYING):
        return ShipmentOutcome(
            shipment_id,
            "failed" if state == S.NEEDS_ATTENTION else "retrying",
            state.value,
            shipment.last_error_code,
            shipment.last_error_message,
        )
    return ShipmentOutcome(shipment_id, "sending", state.value)


def batch_outcomes(job_id: str, ids: list[int]) -> list[ShipmentOutcome]:
    """Each shipment of the batch ``job_id`` with its outcome, in the page's order."""
    ids = list(dict.fromkeys(int(shipment_id) for shipment_id in ids))
    entries = _retry_entries(job_id, ids)
    shipments = _shipments([i for i in ids if i in entries and entries[i].result == "ok"])
    outcomes = []
    for shipment_id in ids:
        entry = entries.get(shipment_id)
        if entry is None:
            outcomes.append(ShipmentOutcome(shipment_id, "waiting", None))
        elif entry.result != "ok":
            refused_in = (entry.details or {}).get("state")
            outcomes.append(ShipmentOutcome(shipment_id, "skipped", refused_in))
        else:
            outcomes.append(_after_retry(shipments.get(shipment_id), shipment_id))
    return sorted(outcomes, key=lambda o: (OUTCOME_ORDER.index(o.outcome), o.shipment_id))

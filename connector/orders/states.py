"""The shipment state machine.

::

    pending -> submitting -> submitted -> in_transit -> delivered
                  |   ^
                  v   |
               retrying          (transient error: wait, then claim again)
                  |
                  v
           needs_attention       (permanent error, retries spent, carrier trouble)
                  |
                  v  ops retry
               pending

    cancelled: from any state before delivered (after submitted, the service cancels too).

``submitting`` is held under a lease by one worker; a lease that runs out (the
worker died) makes the shipment claimable again, and the next claim looks the
key up at the service before sending anything.
"""

from __future__ import annotations

from enum import StrEnum


class ShipmentState(StrEnum):
    PENDING = "pending"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    RETRYING = "retrying"
    NEEDS_ATTENTION = "needs_attention"
    CANCELLED = "cancelled"


S = ShipmentState

TRANSITIONS: dict[ShipmentState, frozenset[ShipmentState]] = {
    S.PENDING: frozenset({S.SUBMITTING, S.CANCELLED}),
    S.SUBMITTING: frozenset(
        {S.SUBMITTING, S.SUBMITTED, S.IN_TRANSIT, S.DELIVERED, S.RETRYING}
        | {S.NEEDS_ATTENTION, S.CANCELLED}
    ),
    S.RETRYING: frozenset({S.SUBMITTING, S.PENDING, S.NEEDS_ATTENTION, S.CANCELLED}),
    S.NEEDS_ATTENTION: frozenset({S.PENDING, S.CANCELLED, S.SUBMITTED, S.IN_TRANSIT, S.DELIVERED}),
    S.SUBMITTED: frozenset({S.IN_TRANSIT, S.DELIVERED, S.NEEDS_ATTENTION, S.CANCELLED}),
    S.IN_TRANSIT: frozenset({S.DELIVERED, S.NEEDS_ATTENTION, S.CANCELLED}),
    S.DELIVERED: frozenset(),
    S.CANCELLED: frozenset(),
}

# A dispatch job may claim a shipment in these states (and a stale "submitting").
CLAIMABLE = (S.PENDING, S.RETRYING)
# The service holds the shipment: tracking moves it on from here.
AT_SERVICE = (S.SUBMITTED, S.IN_TRANSIT)
FINAL = (S.DELIVERED, S.CANCELLED)
# Nothing left for the dispatch machinery to do (ops may still act on needs_attention).
SETTLED = (S.SUBMITTED, S.IN_TRANSIT, S.DELIVERED, S.CANCELLED, S.NEEDS_ATTENTION)
# Ops may retry these; the retry goes through the same claim and reconcile path.
RETRYABLE = (S.NEEDS_ATTENTION, S.RETRYING)
# Progress of a shipment the service holds; tracking never moves it backwards.
PROGRESS = {S.SUBMITTED: 1, S.IN_TRANSIT: 2, S.DELIVERED: 3}


def can_move(current: str, target: str) -> bool:
    return ShipmentState(target) in TRANSITIONS[ShipmentState(current)]


def is_forward(current: str, target: str) -> bool:
    """Whether a tracking event's state moves a shipment on (never back, never off a final)."""
    current, target = ShipmentState(current), ShipmentState(target)
    if current in FINAL or current == target:
        return False
    if target in PROGRESS and current in PROGRESS:
        return PROGRESS[target] > PROGRESS[current]
    return can_move(current, target)


# -- what a service's event may do ---------------------------------------------------


class EventVerdict(StrEnum):
    APPLY = "apply"  # record it; move the state if it is forward
    HOLD = "hold"  # record it; the dispatch applies it once the service confirmed the shipment
    REFUSE = "refuse"  # it contradicts what we know of the shipment: record nothing


# Statuses a service reports before it reaches the one we hold: late, not contradictory.
EARLIER = {
    S.SUBMITTED: frozenset(),
    S.IN_TRANSIT: frozenset({S.SUBMITTED}),
    S.NEEDS_ATTENTION: frozenset({S.SUBMITTED, S.IN_TRANSIT}),
    S.DELIVERED: frozenset({S.SUBMITTED, S.IN_TRANSIT}),
    S.CANCELLED: frozenset({S.SUBMITTED}),
}
IN_FLIGHT = (S.PENDING, S.SUBMITTING, S.RETRYING)


def event_verdict(current: str, target: str | None, *, held: bool, attempted: bool) -> EventVerdict:
    """What an event from a shipment's own service may do to it.

    ``held``: the service confirmed it holds the shipment (we have its reference).
    ``attempted``: a call to create it went out at some point, so the service may hold
    it unbeknown to us (an answer lost on the way back).

    While a create may be under way or unanswered, events wait for the dispatch,
    which looks the shipment up at the service before trusting them. A shipment no
    call ever reached, or one the dispatch gave up on before the service confirmed
    it, cannot be moved by the service. A shipment the service holds takes every
    move the state machine allows, and late reports of earlier steps; an event
    claiming another outcome for a settled shipment (cancelled, then delivered) is
    refused.
    """
    state = ShipmentState(current)
    if state in IN_FLIGHT:
        return EventVerdict.HOLD if held or attempted else EventVerdict.REFUSE
    if not held:
        return EventVerdict.REFUSE
    if target is None:
        return EventVerdict.APPLY
    goal = ShipmentState(target)
    if goal == state or goal in EARLIER[state]:
        return EventVerdict.APPLY
    if state not in FINAL and can_move(state, goal):
        return EventVerdict.APPLY
    return EventVerdict.REFUSE

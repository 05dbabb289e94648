"""The shipment state machine: what may follow what; tracking only moves forward."""

from __future__ import annotations

import pytest

from connector.orders.states import ShipmentState as S
from connector.orders.states import can_move, is_forward


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.PENDING, S.SUBMITTING, True),
        (S.SUBMITTING, S.SUBMITTED, True),
        (S.SUBMITTING, S.RETRYING, True),
        (S.RETRYING, S.SUBMITTING, True),
        (S.NEEDS_ATTENTION, S.PENDING, True),
        (S.SUBMITTED, S.PENDING, False),
        (S.DELIVERED, S.CANCELLED, False),
        (S.CANCELLED, S.PENDING, False),
        (S.PENDING, S.SUBMITTED, False),
    ],
)
def test_transitions(current, target, allowed):
    assert can_move(current, target) is allowed


def test_tracking_moves_forward_only():
    assert is_forward(S.SUBMITTED, S.IN_TRANSIT)
    assert is_forward(S.IN_TRANSIT, S.DELIVERED)
    assert not is_forward(S.DELIVERED, S.IN_TRANSIT)
    assert not is_forward(S.IN_TRANSIT, S.SUBMITTED)
    assert not is_forward(S.IN_TRANSIT, S.IN_TRANSIT)
    assert is_forward(S.IN_TRANSIT, S.NEEDS_ATTENTION)  # lost, returned
    assert is_forward(S.NEEDS_ATTENTION, S.DELIVERED)  # found and delivered after all
    assert not is_forward(S.CANCELLED, S.DELIVERED)


APPLY, HOLD, REFUSE = "apply", "hold", "refuse"


@pytest.mark.parametrize(
    ("current", "target", "held", "attempted", "verdict"),
    [
        # Nothing was ever sent: the service cannot know the shipment.
        (S.PENDING, S.DELIVERED, False, False, REFUSE),
        # A create went out (maybe unanswered): wait for the dispatch to look it up.
        (S.PENDING, S.IN_TRANSIT, False, True, HOLD),
        (S.SUBMITTING, S.SUBMITTED, False, True, HOLD),
        (S.RETRYING, S.IN_TRANSIT, False, True, HOLD),
        (S.RETRYING, S.SUBMITTED, True, True, HOLD),
        # The dispatch gave up before the service confirmed it: a person decides.
        (S.NEEDS_ATTENTION, S.DELIVERED, False, True, REFUSE),
        (S.NEEDS_ATTENTION, None, False, True, REFUSE),
        (S.CANCELLED, S.DELIVERED, False, False, REFUSE),
        # The service holds it: what the state machine allows, and late earlier steps.
        (S.SUBMITTED, S.IN_TRANSIT, True, True, APPLY),
        (S.IN_TRANSIT, S.SUBMITTED, True, True, APPLY),
        (S.IN_TRANSIT, S.NEEDS_ATTENTION, True, True, APPLY),
        (S.NEEDS_ATTENTION, S.DELIVERED, True, True, APPLY),
        (S.DELIVERED, S.IN_TRANSIT, True, True, APPLY),
        (S.DELIVERED, S.DELIVERED, True, True, APPLY),
        (S.DELIVERED, None, True, True, APPLY),
        # Another outcome for a settled shipment.
        (S.DELIVERED, S.CANCELLED, True, True, REFUSE),
        (S.DELIVERED, S.NEEDS_ATTENTION, True, True, REFUSE),
        (S.CANCELLED, S.DELIVERED, True, True, REFUSE),
        (S.CANCELLED, S.IN_TRANSIT, True, True, REFUSE),
        (S.CANCELLED, S.SUBMITTED, True, True, APPLY),
    ],
)
def test_what_a_services_event_may_do(current, target, held, attempted, verdict):
    from connector.orders.states import event_verdict

    assert event_verdict(current, target, held=held, attempted=attempted) == verdict

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

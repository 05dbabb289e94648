"""What every shipping adapter declares, so the app never names a service itself."""

from __future__ import annotations

import pytest

from adapters.carriers import CARRIERS, cdek, ghn, ghtk
from adapters.carriers.base import webhook_token_matches
from adapters.warehouses import WAREHOUSES, consolidation

ADAPTERS = {**CARRIERS, **WAREHOUSES}


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_every_adapter_declares_what_the_app_asks(name):
    cls = ADAPTERS[name]
    assert cls.name == name
    assert all(isinstance(code, str) and label for code, label in cls.service_levels)
    assert isinstance(cls.cancelled_statuses, frozenset) and cls.cancelled_statuses
    assert set(cls.label_kinds) <= set(cls.document_kinds)
    assert callable(cls.parse_webhook) and callable(cls.webhook_authentic)
    assert isinstance(cls.reason_for("no-such-status"), str)


@pytest.mark.parametrize("module", [ghn, cdek, ghtk, consolidation])
def test_cancelled_statuses_are_the_services_cancelled_state(module):
    cls = ADAPTERS[module.PROVIDER]
    assert {s for s, state in module.STATUS_STATES.items() if state == "cancelled"} == set(
        cls.cancelled_statuses
    )


def test_reason_of_a_status_that_needs_a_person_is_the_events_reason():
    for module in (ghn, cdek, ghtk, consolidation):
        for status, state in module.STATUS_STATES.items():
            if state == "needs_attention":
                event = module.event_for(status, None)
                assert event.reason == module.reason_for(status)


def test_default_service_comes_from_the_services_own_setting():
    assert ghn.GhnAdapter.default_service({"service_type_id": 5}) == "5"
    assert cdek.CdekAdapter.default_service({"tariff_code": 139}) == "139"
    assert cdek.CdekAdapter.default_service({}) is None
    assert consolidation.ConsolidationWarehouseAdapter.default_service({"x": 1}) is None


def test_webhook_token_is_taken_from_the_header_or_the_query():
    assert webhook_token_matches("s3cret", b"{}", {"X-Webhook-Token": "s3cret"}, {})
    assert webhook_token_matches("s3cret", b"{}", {}, {"token": "s3cret"})
    assert not webhook_token_matches("s3cret", b"{}", {}, {"token": "other"})
    assert not webhook_token_matches("s3cret", b"{}", {}, {})

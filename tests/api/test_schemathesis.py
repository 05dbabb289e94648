"""Property-based API testing from our own OpenAPI document: no 5xx, no answer off-schema.

Schemathesis generates requests for every operation in ``/api/v1/openapi.json``
(valid and invalid ones) and sends them to the app with each role's token; a 5xx, an
answer in a content type the document does not declare, or a body that breaks the
documented schema fails the test. The stateful phase follows the document's links
(create a listing, then read and change it; place an order, then read it back; ...).

Schemathesis is driven directly: its pytest plugin does not load under pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.conftest import bearer
from tests.fulfilment.support import make_seller

ROLES = ("exporter", "seller", "ops")
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
# Bounded so the three roles' runs stay within a couple of minutes.
EXAMPLES = 12
SCENARIOS = 15
STEPS = 5


def _settings(examples: int, **extra) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
        **extra,
    )


@pytest.fixture
def tokens(app, demo) -> dict[str, str]:
    return {
        "exporter": demo["tokens"]["exporter"],
        "ops": demo["tokens"]["ops"],
        "seller": make_seller(app)["token"],
    }


def _headers(token: str) -> dict[str, str]:
    # Called in-process, a response is not decoded as an HTTP client decodes it: ask for
    # identity, as the gzip-served feed pages are tested in tests/feeds/test_page_cache.py.
    return {**bearer(token), "Accept-Encoding": "identity"}


def _schema(app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_within_its_document_for_each_role(app, tokens, role):
    operations = [result.ok() for result in _schema(app).get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @_settings(EXAMPLES)
        def exercise(case):
            case.call_and_validate(headers=_headers(tokens[role]), checks=CHECKS)

        exercise()


@pytest.mark.parametrize("role", ROLES)
def test_following_the_documents_links_finds_no_error_for_each_role(app, tokens, role):
    schema = _schema(app)
    headers = _headers(tokens[role])

    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers)

    Workflow.run(settings=_settings(SCENARIOS, stateful_step_count=STEPS))

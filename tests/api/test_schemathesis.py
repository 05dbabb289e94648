"""Property-based API testing from our own OpenAPI document: no 5xx, no answer off-schema.

Schemathesis generates requests for every operation in ``/api/v1/openapi.json``
(valid and invalid ones) and sends them to the app; a 5xx, or an answer whose
body breaks the documented schema, fails the test.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.conftest import bearer

EXAMPLES = 25


def test_api_never_fails_and_keeps_to_its_schema(app, demo, ops_token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def exercise(case):
            case.call_and_validate(
                headers=bearer(ops_token),
                checks=[not_a_server_error, response_schema_conformance],
            )

        exercise()

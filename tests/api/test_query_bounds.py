"""Numbers and times in query strings and headers: a 4xx with the envelope, never a 500.

``str.isdigit()`` accepts "²" (which ``int()`` refuses), and an offset past 2**63
cannot be bound to SQL: both used to reach the database or ``int()`` unchecked.
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer

PAST_BIGINT = "9223372036854775808"


def assert_field_error(response, field: str) -> None:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    error = response.json["error"]
    assert error["code"] == "validation_failed" and field in error["fields"], error


@pytest.mark.parametrize(
    "url",
    ["/api/v1/shipments/", "/api/v1/orders/", "/api/v1/listings/", "/api/v1/audit/"],
)
@pytest.mark.parametrize("offset", [PAST_BIGINT, "99999999999999999999", "²", "1e3", "-1"])
def test_offsets_out_of_range_or_not_numbers_are_named(client, ops_token, url, offset):
    response = client.get(url, query_string={"offset": offset}, headers=bearer(ops_token))
    assert_field_error(response, "offset")


def test_a_large_but_real_offset_is_an_empty_page(client, ops_token):
    response = client.get("/api/v1/shipments/?offset=1000000", headers=bearer(ops_token))
    assert response.status_code == 200
    assert response.json["items"] == [] and response.json["offset"] == 1_000_000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("since", "0001-01-01T00:00:00+14:00"),
        ("until", "9999-12-31T23:59:59-14:00"),
        ("since", "0001-01-01T00:00:00+00:01"),
    ],
)
def test_audit_times_that_utc_cannot_hold_are_named(client, ops_token, name, value):
    response = client.get("/api/v1/audit/", query_string={name: value}, headers=bearer(ops_token))
    assert_field_error(response, name)


def test_audit_times_at_the_edges_of_utc_are_fine(client, ops_token):
    response = client.get(
        "/api/v1/audit/",
        query_string={"since": "0001-01-01T00:00:00+00:00", "until": "9999-12-31T23:59:59Z"},
        headers=bearer(ops_token),
    )
    assert response.status_code == 200, response.json


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:30:00+01:00"]
)
def test_feed_updated_since_that_utc_cannot_hold_is_named(client, ops_token, value):
    response = client.get(
        "/api/v1/markets/VN/offers",
        query_string={"updated_since": value},
        headers=bearer(ops_token),
    )
    assert_field_error(response, "updated_since")


@pytest.mark.parametrize("etag", ['"²"', '"٣"', f'"{PAST_BIGINT}0"', '"-1"', '"1e3"'])
def test_if_match_that_is_not_a_revision_is_a_400(client, exporter_token, etag):
    listing = client.post(
        "/api/v1/listings/", json={"title_zh": "杯子"}, headers=bearer(exporter_token)
    ).json
    response = client.patch(
        f"/api/v1/listings/{listing['id']}",
        json={"lead_time_days": 3},
        headers={**bearer(exporter_token), "If-Match": etag},
    )
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"

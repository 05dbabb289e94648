"""Bodies built to hurt a worker: deep nesting, broken Unicode, huge lists and sizes.

Each is refused with the error envelope before the expensive part can start.
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.fulfilment.support import make_seller

DEEP = "[" * 1000 + "]" * 1000  # 2 KB; the C parser recurses out at about 1,000


def assert_envelope(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.json["error"]
    assert error["status"] == status and error["code"] == code
    return error


@pytest.fixture
def tokens(app, demo) -> dict[str, str]:
    return {**demo["tokens"], "seller": make_seller(app)["token"]}


def send(client, method: str, url: str, body: str | bytes, token: str):
    headers = {**bearer(token), "Content-Type": "application/json", "Idempotency-Key": "k-1"}
    return client.open(url, method=method, data=body, headers=headers)


@pytest.mark.parametrize(
    ("method", "url", "role"),
    [
        ("POST", "/api/v1/listings/", "exporter"),
        ("PATCH", "/api/v1/listings/1", "exporter"),
        ("POST", "/api/v1/orders/", "seller"),
        ("POST", "/api/v1/tokens/", "exporter"),  # read by flask-smorest's arguments
        ("POST", "/api/v1/sellers/", "ops"),
        ("POST", "/api/v1/fx/rates", "ops"),
        ("POST", "/api/v1/shipments/retry", "ops"),
    ],
)
@pytest.mark.parametrize(
    "body",
    [DEEP, '{"title_zh": "x", "attributes": ' + DEEP + "}"],
    ids=["bare", "inside-a-field"],
)
def test_deeply_nested_json_is_a_400_not_a_crash(client, tokens, method, url, role, body):
    response = send(client, method, url, body, tokens[role])
    error = assert_envelope(response, 400, "bad_request")
    assert "nested" in error["message"]


def test_nesting_a_real_document_needs_is_still_read(client, exporter_token):
    # 32 levels are fine (nothing we accept goes near it): the field is named instead.
    body = '{"title_zh": "x", "attributes": ' + "[" * 31 + "]" * 31 + "}"
    response = send(client, "POST", "/api/v1/listings/", body, exporter_token)
    assert response.status_code == 422
    assert "attributes.0" in "".join(response.json["error"]["fields"])


def test_brackets_inside_strings_are_text_not_nesting(client, exporter_token):
    body = '{"title_zh": "' + "[{" * 90 + '"}'
    response = send(client, "POST", "/api/v1/listings/", body, exporter_token)
    assert response.status_code == 201, response.json


@pytest.mark.parametrize(
    "body",
    [
        '{"title_zh": "\\ud800"}',
        '{"title_zh": "a\\udfffb"}',
        '{"\\ud800": "x", "title_zh": "x"}',
        '{"title_zh": "x", "attributes": [{"name": "n", "value": "\\udbff"}]}',
    ],
)
def test_lone_surrogate_in_json_text_is_a_400(client, exporter_token, body):
    response = send(client, "POST", "/api/v1/listings/", body, exporter_token)
    assert_envelope(response, 400, "bad_request")


def test_lone_surrogate_in_an_order_or_a_seller_is_a_400(client, tokens):
    seller = send(
        client,
        "POST",
        "/api/v1/sellers/",
        '{"name": "\\ud800", "email": "a@b.example", "markets": ["VN"]}',
        tokens["ops"],
    )
    assert_envelope(seller, 400, "bad_request")
    order = send(client, "POST", "/api/v1/orders/", '{"reference": "\\udc00"}', tokens["seller"])
    assert_envelope(order, 400, "bad_request")


def test_a_surrogate_pair_is_one_character_and_accepted(client, exporter_token):
    body = '{"title_zh": "\\ud83d\\ude00 杯子"}'
    response = send(client, "POST", "/api/v1/listings/", body, exporter_token)
    assert response.status_code == 201, response.json
    assert response.json["title_zh"] == "😀 杯子"


def items_of(field: str, errors: dict) -> list[str]:
    return [key for key in errors if key.startswith(field + ".")]


def test_a_long_list_is_refused_by_its_length_before_any_item_is_read(client, exporter_token):
    body = '{"title_zh": "x", "attributes": [' + ",".join(["1"] * 200_000) + "]}"
    response = send(client, "POST", "/api/v1/listings/", body, exporter_token)
    error = assert_envelope(response, 422, "validation_failed")
    assert error["fields"]["attributes"] == ["Use at most 50 attributes."]
    # No item was validated: 200,000 items would each have said "Enter an object.".
    assert items_of("attributes", error["fields"]) == []


@pytest.mark.parametrize(
    ("role", "url", "body", "field"),
    [
        ("seller", "/api/v1/orders/", '{"market": "VN", "lines": [%s]}', "lines"),
        ("ops", "/api/v1/shipments/retry", '{"ids": [%s]}', "ids"),
        (
            "ops",
            "/api/v1/sellers/",
            '{"name": "n", "email": "a@b.example", "markets": [%s]}',
            "markets",
        ),
    ],
)
def test_every_list_in_a_body_is_bounded_before_its_items(client, tokens, role, url, body, field):
    response = send(client, "POST", url, body % ",".join(["true"] * 5000), tokens[role])
    error = assert_envelope(response, 422, "validation_failed")
    assert field in error["fields"], error
    assert items_of(field, error["fields"]) == []


@pytest.mark.parametrize(
    ("url", "role"), [("/api/v1/listings/", "exporter"), ("/api/v1/tokens/", "exporter")]
)
def test_a_body_over_8_mb_is_a_413_with_the_envelope(client, tokens, url, role):
    # The limit the README states for CONNECTOR_MAX_UPLOAD_MB when it is not set.
    body = b'{"title_zh": "' + b"a" * (8 * 1024 * 1024) + b'"}'
    response = send(client, "POST", url, body, tokens[role])
    assert_envelope(response, 413, "payload_too_large")

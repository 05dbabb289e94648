"""Webhooks are signed per Standard Webhooks: checked by an independent verifier."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES, bearer
from tests.seller_hooks.support import add_endpoint, refused_order, run_jobs
from tests.seller_hooks.verify import Unverified, verify


def test_signature_matches_the_published_test_vector():
    from adapters.webhooks.signing import signature

    vector = json.loads((FIXTURES / "webhooks" / "standard_webhooks_vector.json").read_text())
    signed = signature(
        vector["secret"], vector["msg_id"], vector["timestamp"], vector["payload"].encode()
    )
    assert signed == vector["signature"]


def test_secret_is_whsec_and_base64_of_at_least_24_bytes(client, seller, receiver):
    import base64

    secret = add_endpoint(client, seller["token"], receiver.url)["secret"]
    assert secret.startswith("whsec_")
    assert 24 <= len(base64.b64decode(secret.removeprefix("whsec_"))) <= 64


def test_delivered_webhook_verifies_with_the_secret_shown_at_creation(
    app, client, seller, receiver
):
    secret = add_endpoint(client, seller["token"], receiver.url)["secret"]
    key = refused_order(client, seller["token"])
    run_jobs(app)
    [arrived] = receiver.received
    verify(secret, arrived.headers, arrived.body)
    assert arrived.headers["content-type"] == "application/json"
    assert arrived.headers["webhook-id"].startswith("msg_")
    event = json.loads(arrived.body)
    assert set(event) == {"type", "timestamp", "data"}
    assert event["type"] == "order.refused"
    assert event["data"]["idempotency_key"] == key
    assert event["data"]["reason"]["code"] == "invalid_order"
    with pytest.raises(Unverified):
        verify(secret, arrived.headers, arrived.body + b" ")
    with pytest.raises(Unverified):
        verify("whsec_" + "A" * 43 + "=", arrived.headers, arrived.body)


def test_after_rotation_both_secrets_verify_until_the_old_one_expires(
    app, client, seller, receiver, clock
):
    endpoint = add_endpoint(client, seller["token"], receiver.url)
    old = endpoint["secret"]
    rotated = client.post(
        f"/api/v1/webhook-endpoints/{endpoint['id']}/rotate-secret",
        json={},
        headers=bearer(seller["token"]),
    )
    assert rotated.status_code == 200, rotated.json
    new = rotated.json["secret"]
    assert new != old and rotated.json["previous_secret_valid_until"]
    refused_order(client, seller["token"])
    run_jobs(app)
    [arrived] = receiver.received
    assert len(arrived.headers["webhook-signature"].split(" ")) == 2
    verify(old, arrived.headers, arrived.body)
    verify(new, arrived.headers, arrived.body)

    clock.advance(25 * 3600)  # the old secret signs for 24 hours
    refused_order(client, seller["token"])
    run_jobs(app)
    later = receiver.received[1]
    assert len(later.headers["webhook-signature"].split(" ")) == 1
    verify(new, later.headers, later.body, tolerance=26 * 3600)
    with pytest.raises(Unverified):
        verify(old, later.headers, later.body, tolerance=26 * 3600)

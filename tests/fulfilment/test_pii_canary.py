"""Every host must open the install's buyer data: a host with other keys refuses to start."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from connector import create_app
from connector.pii_canary import PiiKeyMismatch
from tests.fulfilment.support import place


def start_host(app, pii_keys: list[str]):
    """Another web or worker host of the same install: same database, its own keys."""
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": app.config["INSTANCE_PATH"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "PII_KEYS": pii_keys,
        }
    )


def new_key() -> str:
    return Fernet.generate_key().decode()


@pytest.mark.both_databases
def test_a_host_with_other_pii_keys_refuses_to_start(app):
    start_host(app, app.config["PII_KEYS"])  # the first start writes the canary
    start_host(app, app.config["PII_KEYS"])  # the same keys start again

    with pytest.raises(PiiKeyMismatch, match="CONNECTOR_PII_KEY does not open") as refused:
        start_host(app, [new_key()])
    assert "same keys, in the same order" in str(refused.value)


def test_rotated_keys_start_and_the_old_key_can_then_be_dropped(app):
    old, new = new_key(), new_key()
    start_host(app, [old])
    start_host(app, [new, old])  # rotation: the new key first, the old one still opens
    start_host(app, [new])  # the canary was sealed again under the new key
    with pytest.raises(PiiKeyMismatch):
        start_host(app, [old])


def test_orders_stored_before_the_canary_are_checked_at_first_start(app, client, services, seller):
    place(app, client, seller)  # the install predates the canary: no start wrote one yet

    with pytest.raises(PiiKeyMismatch, match="orders already stored"):
        start_host(app, [new_key()])
    start_host(app, app.config["PII_KEYS"])

"""Buyer data: encrypted with rotating keys, masked, and never written to the logs."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet

from adapters.carriers.base import scrub
from connector.orders import pii
from tests.fulfilment.support import fixture, place, run_jobs


def test_keys_rotate_new_data_uses_the_first(app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with app.app_context():
        app.config["PII_KEYS"] = [old]
        app.extensions.pop("pii_cipher", None)
        token = pii.encrypt({"name": "Nguyễn Văn An"})
        app.config["PII_KEYS"] = [new, old]
        app.extensions.pop("pii_cipher", None)
        assert pii.decrypt(token) == {"name": "Nguyễn Văn An"}
        assert Fernet(new.encode()).decrypt(pii.encrypt({"a": 1}).encode())
        app.config["PII_KEYS"] = [new]
        app.extensions.pop("pii_cipher", None)
        with pytest.raises(pii.PiiUnreadable):
            pii.decrypt(token)


def test_a_generated_key_is_kept_in_the_instance_folder(tmp_path):
    from connector import config

    first = config.from_environ({"CONNECTOR_INSTANCE_PATH": str(tmp_path)})["PII_KEYS"]
    again = config.from_environ({"CONNECTOR_INSTANCE_PATH": str(tmp_path)})["PII_KEYS"]
    assert first == again and len(first) == 1
    assert (tmp_path / "pii_key").stat().st_mode & 0o777 == 0o600
    given = config.from_environ(
        {"CONNECTOR_INSTANCE_PATH": str(tmp_path), "CONNECTOR_PII_KEY": "a, b"}
    )["PII_KEYS"]
    assert given == ["a", "b"]


def test_masks():
    assert pii.mask_name("Айгерим Садыкова") == "А****** С*******"
    assert pii.mask_phone("+77012345678") == "+77******678"
    assert pii.mask_email("an.nguyen@example.vn") == "a***@example.vn"


def test_scrub_removes_phones_emails_and_known_values():
    message = "Số điện thoại 0901 234 567 của Nguyễn Văn An (an@x.vn) không hợp lệ"
    cleaned = scrub(message, "Nguyễn Văn An")
    assert "0901" not in cleaned and "Nguyễn" not in cleaned and "an@x.vn" not in cleaned


def test_no_buyer_data_in_the_logs(app, client, services, seller, caplog):
    from simulators.base import Fault

    # Alembic's fileConfig (run by the app fixture) disables the loggers that exist.
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False
    services["ghn"].inject(Fault(kind="status", status=503, body="{}"), times=1)
    ship_to = fixture("ship_to_vn.json")
    with caplog.at_level(logging.DEBUG):
        place(app, client, seller, ship_to=ship_to)
        place(app, client, seller, ship_to={**ship_to, "ward": "Đảo Song Tử Tây"})
        run_jobs(app)
    text = caplog.text
    assert "shipment" in text  # the dispatch did log
    for value in ("Nguyễn Văn An", "0901", "901234567", "Nguyễn Huệ", "an.nguyen"):
        assert value not in text


SCRUB = fixture("scrub_cases.json")


@pytest.mark.parametrize(("message", "expected"), SCRUB["masked"])
def test_scrub_masks_phone_numbers_and_emails(message, expected):
    assert scrub(message) == expected


@pytest.mark.parametrize("message", SCRUB["kept"])
def test_scrub_keeps_urls_hosts_ports_ids_and_dates(message):
    assert scrub(message) == message


def test_scrub_is_quick_on_a_long_error_page():
    """A run of digits or word characters the size of an HTML page stays linear."""
    assert scrub("1" * 100_000, limit=10) == "1" * 10
    assert scrub("a" * 100_000 + "@", limit=5) == "aaaaa"

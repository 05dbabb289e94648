"""Refuse to start on buyer-data keys that cannot open this install's data.

A host whose ``CONNECTOR_PII_KEY`` differs from the others' would answer 500 on an
order replay and hand back a ship-to cut down to the country on every read. The
first start of an install writes a canary, a token under its keys, into the
database; every later start (web process, worker, CLI) opens it with its own keys
and stops with a clear message when it cannot. Rotating keys keeps working: a new
key goes first, the old ones stay behind it, and the canary is re-sealed under the
first key so the old ones can be dropped once the data is rotated.
"""

from __future__ import annotations

import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError

from connector.extensions import db
from connector.models import PiiCanary, SalesOrder

log = logging.getLogger(__name__)

CANARY_ID = 1
PLAINTEXT = b"connector-pii-canary"


class PiiKeyMismatch(RuntimeError):
    """The configured PII keys do not open the data this database holds."""


def check_pii_keys(app: Flask) -> None:
    """Open the canary with ``PII_KEYS`` (writing it on first start), or raise ``PiiKeyMismatch``.

    Before the first migration there is no table to hold it: the check waits for the
    next start. A database that cannot be reached is left to fail where it is used.
    """
    with app.app_context():
        try:
            _check(app.config.get("PII_KEYS") or [])
        except OperationalError as exc:
            log.warning("PII key check skipped, the database is unreachable: %s", exc.orig)
        finally:
            db.session.remove()
            # A forking worker must not inherit the connection opened here.
            db.engine.dispose()


def _check(keys: list) -> None:
    with db.engine.connect() as connection:
        if not inspect(connection).has_table(PiiCanary.__tablename__):
            return
    canary = db.session.get(PiiCanary, CANARY_ID)
    if canary is None:
        _first_start(keys)
        return
    cipher = _cipher(keys)
    try:
        cipher.decrypt(canary.token.encode())
    except InvalidToken:
        raise PiiKeyMismatch(
            _mismatch("the canary written at this install's first start")
        ) from None
    if not _opened_by_first_key(keys, canary.token):
        canary.token = cipher.rotate(canary.token.encode()).decode()
        db.session.commit()


def _first_start(keys: list) -> None:
    """Write the canary, unless orders already exist that these keys cannot open."""
    cipher = _cipher(keys)
    newest = db.session.scalars(
        select(SalesOrder.ship_to_encrypted).order_by(SalesOrder.id.desc()).limit(1)
    ).first()
    if newest is not None:
        try:
            cipher.decrypt(newest.encode())
        except InvalidToken:
            raise PiiKeyMismatch(_mismatch("the buyer data of the orders already stored")) from None
    db.session.add(PiiCanary(id=CANARY_ID, token=cipher.encrypt(PLAINTEXT).decode()))
    try:
        db.session.commit()
    except IntegrityError:
        # Another host wrote it first: check against theirs.
        db.session.rollback()
        _check(keys)


def _cipher(keys: list) -> MultiFernet:
    if not keys:
        raise PiiKeyMismatch("CONNECTOR_PII_KEY is empty: the buyer data cannot be opened")
    try:
        return MultiFernet([_fernet(key) for key in keys])
    except ValueError as exc:
        raise PiiKeyMismatch(
            f"CONNECTOR_PII_KEY holds a value that is not a Fernet key: {exc}"
        ) from None


def _fernet(key) -> Fernet:
    return Fernet(key.encode() if isinstance(key, str) else key)


def _opened_by_first_key(keys: list, token: str) -> bool:
    try:
        _fernet(keys[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def _mismatch(what: str) -> str:
    return (
        f"CONNECTOR_PII_KEY does not open {what}: this host's buyer-data keys differ "
        "from the ones the install was started with. Every web and worker host needs "
        "the same keys, in the same order (newest first). Refusing to start."
    )

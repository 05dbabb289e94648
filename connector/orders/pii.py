"""Buyer personal data: encrypted at rest, masked for everyone but the owning seller.

Following the "encrypted waybill" practice of Chinese marketplaces, the ship-to
block (name, phone, e-mail, street, ward, postal code) is stored as one Fernet
token under ``PII_KEYS`` (the first encrypts; all decrypt, so keys can be
rotated). Ops and factories see a masked copy: enough to sort and to recognise
an order by (country, province, city, district), not enough to reach the buyer.
Nothing in this module logs a value.
"""

from __future__ import annotations

from typing import Any

import orjson
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

# The fields masked in every answer but the owning seller's.
MASKED = ("name", "phone", "email", "line1", "line2", "ward", "postal_code")
# The ship-to fields, in output order.
FIELDS = (
    "name",
    "phone",
    "email",
    "line1",
    "line2",
    "ward",
    "district",
    "city",
    "province",
    "postal_code",
    "country",
)


class PiiUnreadable(Exception):
    """No configured key opens the stored data (a key was removed from PII_KEYS)."""


def _cipher() -> MultiFernet:
    app = current_app._get_current_object()
    cipher = app.extensions.get("pii_cipher")
    if cipher is None:
        keys = app.config.get("PII_KEYS") or []
        if not keys:
            raise RuntimeError("PII_KEYS is empty: set CONNECTOR_PII_KEY")
        cipher = MultiFernet(
            [Fernet(key.encode() if isinstance(key, str) else key) for key in keys]
        )
        app.extensions["pii_cipher"] = cipher
    return cipher


def encrypt(value: dict[str, Any]) -> str:
    return _cipher().encrypt(orjson.dumps(value)).decode()


def decrypt(token: str) -> dict[str, Any]:
    try:
        return orjson.loads(_cipher().decrypt(token.encode()))
    except InvalidToken as exc:
        raise PiiUnreadable("the ship-to data cannot be decrypted with PII_KEYS") from exc


def mask_name(name: str | None) -> str | None:
    """``Nguyễn Văn An`` -> ``N***** V** A*``: initials stay, the rest is hidden."""
    if not name:
        return name
    return " ".join(word[0] + "*" * max(1, len(word) - 1) for word in name.split())


def mask_phone(phone: str | None) -> str | None:
    """``+84901234567`` -> ``+84*******567``: country code and the last three digits."""
    if not phone:
        return phone
    digits = phone.lstrip("+")
    head = phone[: len(phone) - len(digits)] + digits[:2] if phone.startswith("+") else ""
    tail = digits[-3:]
    return head + "*" * max(0, len(phone) - len(head) - len(tail)) + tail


def mask_email(email: str | None) -> str | None:
    if not email or "@" not in email:
        return "***" if email else email
    local, _, domain = email.partition("@")
    return f"{local[0]}***@{domain}"


def mask_text(value: str | None) -> str | None:
    return "***" if value else value


def masked(ship_to: dict[str, Any]) -> dict[str, Any]:
    """The ship-to block as ops and factories see it."""
    out = dict(ship_to)
    out["name"] = mask_name(ship_to.get("name"))
    out["phone"] = mask_phone(ship_to.get("phone"))
    out["email"] = mask_email(ship_to.get("email"))
    for name in ("line1", "line2", "ward", "postal_code"):
        out[name] = mask_text(ship_to.get(name))
    return out


def secrets_of(ship_to: dict[str, Any]) -> list[str]:
    """The values to scrub from any text we store or log (a service may echo them)."""
    return [str(ship_to[name]) for name in MASKED if ship_to.get(name)]

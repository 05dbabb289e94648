"""The Standard Webhooks signature scheme (symmetric, ``v1``), pure.

Read from the specification, version 1.0.0, on 2026-12-03:
https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
("Signature scheme", "Webhook headers"):

- the secret is random, 24 to 64 bytes, shown as ``whsec_`` + base64;
- the signed content is ``{webhook-id}.{webhook-timestamp}.{body}``, the body exactly
  as sent; the key is the secret's decoded bytes; the signature is
  ``v1,`` + base64(HMAC-SHA256(key, content));
- ``webhook-signature`` is a space-delimited list, so during a secret rotation the
  message is signed with the new and the old secret and either verifies;
- the id stays the same across retries (receivers dedupe on it), the timestamp is
  the attempt's, in whole seconds since the epoch.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable

SECRET_PREFIX = "whsec_"  # noqa: S105 - the scheme's visible prefix, not a secret
SECRET_BYTES = 32  # the scheme asks for 24 to 64
MESSAGE_PREFIX = "msg_"


class BadSecret(ValueError):
    """Not a ``whsec_`` secret of 24 to 64 base64 bytes."""


def new_secret() -> str:
    """A fresh signing secret, as shown to the seller once."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    """A webhook id: URL-safe letters only, never a full stop (the scheme's delimiter)."""
    return MESSAGE_PREFIX + secrets.token_urlsafe(18).replace("-", "A").replace("_", "B")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret: its base64 part, decoded."""
    encoded = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise BadSecret("the secret is not base64") from exc
    if not 24 <= len(key) <= 64:
        raise BadSecret("the secret must be 24 to 64 bytes")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256>`` of one message under one secret."""
    if "." in message_id:
        raise ValueError("a webhook id may not contain a full stop")
    content = b"%s.%d.%s" % (message_id.encode(), timestamp, body)
    digest = hmac.new(secret_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value: one ``v1,`` entry per valid secret, space-separated."""
    return " ".join(signature(secret, message_id, timestamp, body) for secret in secrets_)


def headers(secrets_: Iterable[str], message_id: str, timestamp: int, body: bytes) -> dict:
    """The three Standard Webhooks headers of one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_, message_id, timestamp, body),
    }

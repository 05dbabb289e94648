"""An independent verifier of the Standard Webhooks scheme, written from the specification
(https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md,
version 1.0.0, read 2026-12-03), sharing no code with the sender: what a seller's receiver
would run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


class Unverified(Exception):
    pass


def verify(secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> None:
    """Raise ``Unverified`` unless one ``v1`` signature in the headers matches."""
    try:
        msg_id = headers["webhook-id"]
        stamp = headers["webhook-timestamp"]
        signatures = headers["webhook-signature"]
    except KeyError as exc:
        raise Unverified(f"missing {exc}") from exc
    if abs(time.time() - int(stamp)) > tolerance:
        raise Unverified("timestamp outside the tolerance")
    key = base64.b64decode(secret[len("whsec_") :] if secret.startswith("whsec_") else secret)
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value.encode(), expected):
            return
    raise Unverified("no signature matches")

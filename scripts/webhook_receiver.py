"""A seller's webhook receiver for trying webhooks out: prints each one and whether its
signature verifies (Standard Webhooks, standard library only, as a seller would write it).

    .venv/bin/python scripts/webhook_receiver.py --port 8799 --secret whsec_...

then register ``http://127.0.0.1:8799/hooks`` as an endpoint (allowed in ``make run``:
its public URL is local). Several ``--secret`` may be given (during a rotation).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300


def verified(secrets: list[str], headers, body: bytes) -> bool:
    """Whether one ``v1`` signature of the headers matches one of the secrets."""
    msg_id, stamp = headers.get("webhook-id", ""), headers.get("webhook-timestamp", "0")
    if not stamp.isdigit() or abs(time.time() - int(stamp)) > TOLERANCE_SECONDS:
        return False
    signed = f"{msg_id}.{stamp}.".encode() + body
    offered = headers.get("webhook-signature", "").split()
    for secret in secrets:
        key = base64.b64decode(secret.removeprefix("whsec_"))
        mac = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        if any(hmac.compare_digest(entry, "v1," + mac) for entry in offered):
            return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--secret", action="append", default=[])
    options = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            ok = verified(options.secret, self.headers, body) if options.secret else None
            event = json.loads(body)
            print(
                f"{self.headers.get('webhook-id')} {event.get('type')} "
                f"signature={'ok' if ok else 'unchecked' if ok is None else 'BAD'}",
                json.dumps(event.get("data"), ensure_ascii=False)[:400],
                flush=True,
            )
            self.send_response(204 if ok is not False else 401)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
    print(f"receiving on http://127.0.0.1:{options.port}/hooks", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

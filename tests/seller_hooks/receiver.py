"""A seller's webhook receiver on 127.0.0.1 that records what arrives and can misbehave.

``plan`` holds what to do with the next requests, one entry each: an HTTP status
(with a body and headers), ``"drop"`` (close the connection without an answer) or
``("slow", seconds)``; when it runs out, requests are answered 204.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    def __init__(self):
        self.received: list[Received] = []
        self.plan: list = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with owner._lock:
                    owner.received.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    action = owner.plan.pop(0) if owner.plan else 204
                if action == "drop":
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                headers: dict[str, str] = {}
                answer = b""
                if isinstance(action, tuple) and action[0] == "slow":
                    time.sleep(action[1])
                    action = 200
                elif isinstance(action, tuple):
                    action, answer, headers = action
                self.send_response(action)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}/hooks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    def events(self, event_type: str | None = None) -> list[dict]:
        import json

        found = [json.loads(item.body) for item in self.received]
        return [event for event in found if event_type is None or event["type"] == event_type]

"""A Flask app served on a free local port in a thread, with scripted faults.

Tests script faults in-process (``inject``); a simulator running in another
process (``make run``'s sandbox) takes them over HTTP on its control endpoint,
``/_sandbox/faults``, when it was given a ``control_secret`` (the ops console's
sandbox page calls it; see :mod:`simulators.control`).
"""

from __future__ import annotations

import hmac
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from flask import Flask, Response, request
from werkzeug.serving import WSGIRequestHandler, make_server


@dataclass
class Fault:
    """What the next matching request gets instead of the normal answer.

    kind: ``status`` (answer ``status`` with ``body``), ``timeout`` (sleep
    ``seconds`` before answering normally), ``garbage`` (200 with ``body``),
    ``drop_after`` (do the work, then close the connection without a reply),
    ``drip`` (answer normally, but send the body one byte every ``seconds``: each
    read succeeds, so only a total deadline stops the client waiting).
    """

    kind: str
    status: int = 500
    body: str = ""
    seconds: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    path: str | None = None  # only requests whose path starts with this
    method: str | None = None  # only requests with this method (None: any)
    label: str | None = None  # what the sandbox's control endpoint calls it


def _dripping(response: Response, seconds: float) -> Response:
    """The same answer (status, headers, Content-Length), its body sent a byte at a time."""
    body = response.get_data()

    def drip():
        for index in range(len(body)):
            yield body[index : index + 1]
            time.sleep(seconds)

    return Response(drip(), status=response.status_code, headers=dict(response.headers))


CONTROL_PREFIX = "/_sandbox/"


class DropConnection(Exception):
    """Raised inside a handler to close the socket without answering."""


class QuietHandler(WSGIRequestHandler):
    """No access log, and no traceback when a fault drops the connection on purpose."""

    def log(self, type, message, *args):
        pass


class Simulator:
    """Base for simulators: subclasses add routes to ``self.app`` in ``setup_routes``."""

    name = "simulator"
    # (method, path prefix) of the request that creates a shipment: what the sandbox's
    # "time out" and "refuse the address" faults hit.
    create_route: tuple[str, str] = ("POST", "/")

    def __init__(self) -> None:
        self.app = Flask(self.name)
        # Let DropConnection reach _wsgi instead of becoming a 500 page.
        self.app.config["PROPAGATE_EXCEPTIONS"] = True
        self.faults: deque[Fault] = deque()
        self.requests: list[tuple[str, str]] = []
        # Set by the sandbox: the secret its control endpoint asks for (None: no endpoint).
        self.control_secret: str | None = None
        # Until this time.monotonic(), every request but the control endpoint's gets a 503.
        self.down_until = 0.0
        self._lock = threading.Lock()
        self._server = None
        self._thread = None
        self.app.before_request(self._before)
        self.app.after_request(self._after)
        from simulators.control import add_control_routes

        add_control_routes(self)
        self.setup_routes()

    def setup_routes(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    # -- faults -----------------------------------------------------------
    def inject(self, fault: Fault, times: int = 1) -> None:
        with self._lock:
            for _ in range(times):
                self.faults.append(fault)

    def _take_fault(self) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self.faults):
                if fault.method is not None and request.method != fault.method:
                    continue
                if fault.path is None or request.path.startswith(fault.path):
                    del self.faults[index]
                    return fault
        return None

    def error_body(self, status: int, message: str) -> str:
        """The service's error body for injected status faults."""
        return message

    def address_refusal(self) -> Fault | None:
        """The service's answer refusing a buyer's address (None: it takes no address)."""
        return None

    def control_allowed(self, given: str | None) -> bool:
        """Whether a control request carries the sandbox's secret."""
        return bool(self.control_secret) and hmac.compare_digest(
            (given or "").encode(), self.control_secret.encode()
        )

    def _before(self):
        if request.path.startswith(CONTROL_PREFIX):
            return None  # the control endpoint is never faulted, nor counted
        self.requests.append((request.method, request.full_path))
        if time.monotonic() < self.down_until:
            return Response(self.error_body(503, "service unavailable"), status=503)
        fault = self._take_fault()
        if fault is None:
            return None
        request.environ["simulator.fault"] = fault
        if fault.kind == "status":
            return Response(fault.body, status=fault.status, headers=fault.headers)
        if fault.kind == "garbage":
            return Response(
                fault.body or "<<<not what you expected", status=200, headers=fault.headers
            )
        if fault.kind == "timeout":
            time.sleep(fault.seconds)
        return None

    def _after(self, response):
        fault = request.environ.get("simulator.fault")
        if fault is not None and fault.kind == "drop_after":
            # The work is done (state changed); the client never hears about it.
            raise DropConnection()
        if fault is not None and fault.kind == "drip":
            return _dripping(response, fault.seconds)
        return response

    # -- serving ----------------------------------------------------------
    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._server = make_server(
            host, port, self._wsgi, threaded=True, request_handler=QuietHandler
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self.url

    def _wsgi(self, environ, start_response):
        try:
            return self.app.wsgi_app(environ, start_response)
        except DropConnection:
            sock = environ.get("werkzeug.socket")
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            return []

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

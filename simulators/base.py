"""A Flask app served on a free local port in a thread, with scripted faults."""

from __future__ import annotations

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


def _dripping(response: Response, seconds: float) -> Response:
    """The same answer (status, headers, Content-Length), its body sent a byte at a time."""
    body = response.get_data()

    def drip():
        for index in range(len(body)):
            yield body[index : index + 1]
            time.sleep(seconds)

    return Response(drip(), status=response.status_code, headers=dict(response.headers))


class DropConnection(Exception):
    """Raised inside a handler to close the socket without answering."""


class QuietHandler(WSGIRequestHandler):
    """No access log, and no traceback when a fault drops the connection on purpose."""

    def log(self, type, message, *args):
        pass


class Simulator:
    """Base for simulators: subclasses add routes to ``self.app`` in ``setup_routes``."""

    name = "simulator"

    def __init__(self) -> None:
        self.app = Flask(self.name)
        # Let DropConnection reach _wsgi instead of becoming a 500 page.
        self.app.config["PROPAGATE_EXCEPTIONS"] = True
        self.faults: deque[Fault] = deque()
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server = None
        self._thread = None
        self.app.before_request(self._before)
        self.app.after_request(self._after)
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
                if fault.path is None or request.path.startswith(fault.path):
                    del self.faults[index]
                    return fault
        return None

    def _before(self):
        self.requests.append((request.method, request.full_path))
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

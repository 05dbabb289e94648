"""The sandbox's control endpoint: faults set over HTTP on a running simulator.

``make run``'s simulators run in their own process, so the ops console cannot
call ``inject`` on them; it posts here instead, with the secret the sandbox was
started with (``X-Sandbox-Secret``). Without a secret the endpoint is absent
(404), so a simulator started by a test or a benchmark takes no orders from
the network.

``POST /_sandbox/faults`` ``{"fault": "timeout" | "refuse_address" | "down",
"count": N, "seconds": S}``: the next N shipment creations answer after S
seconds (past the client's timeout) or refuse the address as the service
does; ``down`` answers 503 to everything for S seconds. ``GET`` tells what is
pending, ``DELETE`` clears it all.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import TYPE_CHECKING

from flask import jsonify, request

from simulators.base import CONTROL_PREFIX, Fault

if TYPE_CHECKING:
    from simulators.base import Simulator

FAULTS = ("timeout", "refuse_address", "down")
MAX_COUNT = 100
MAX_SECONDS = 600.0
SECRET_HEADER = "X-Sandbox-Secret"  # noqa: S105 - a header name, not a secret


def _problem(status: int, message: str, field: str | None = None):
    body = {"error": message}
    if field:
        body["field"] = field
    return jsonify(body), status


def _number(body: dict, name: str, default: float, low: float, high: float) -> float | None:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        return None
    return value


def state_of(simulator: Simulator) -> dict:
    """What the control endpoint answers: faults pending by kind, seconds left down."""
    with simulator._lock:
        pending = Counter(fault.label for fault in simulator.faults if fault.label)
    down_for = max(0.0, simulator.down_until - time.monotonic())
    return {
        "service": simulator.name,
        "pending": {name: pending.get(name, 0) for name in FAULTS if name != "down"},
        "down_for_seconds": round(down_for, 1),
        "supports": [name for name in FAULTS if name != "refuse_address"]
        + (["refuse_address"] if simulator.address_refusal() is not None else []),
    }


def set_fault(simulator: Simulator, kind: str, count: int, seconds: float) -> None:
    """Arm ``kind`` on ``simulator`` (the same thing the endpoint does)."""
    if kind == "down":
        simulator.down_until = time.monotonic() + seconds
        return
    method, path = simulator.create_route
    if kind == "timeout":
        fault = Fault(kind="timeout", seconds=seconds, path=path, method=method, label=kind)
    else:
        refusal = simulator.address_refusal()
        fault = Fault(
            kind="status",
            status=refusal.status,
            body=refusal.body,
            headers=refusal.headers,
            path=path,
            method=method,
            label=kind,
        )
    simulator.inject(fault, times=count)


def add_control_routes(simulator: Simulator) -> None:
    def control():
        if not simulator.control_allowed(request.headers.get(SECRET_HEADER)):
            return _problem(404, "not found")
        if request.method == "GET":
            return jsonify(state_of(simulator))
        if request.method == "DELETE":
            with simulator._lock:
                simulator.faults.clear()
            simulator.down_until = 0.0
            return jsonify(state_of(simulator))
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _problem(400, "send a JSON object")
        kind = body.get("fault")
        if kind not in FAULTS:
            return _problem(400, f"fault must be one of {', '.join(FAULTS)}", "fault")
        if kind == "refuse_address" and simulator.address_refusal() is None:
            return _problem(400, "this service takes no buyer address", "fault")
        count = _number(body, "count", 1, 1, MAX_COUNT)
        if count is None or count != int(count):
            return _problem(400, f"count must be a whole number, 1 to {MAX_COUNT}", "count")
        seconds = _number(body, "seconds", 60.0, 0.1, MAX_SECONDS)
        if seconds is None:
            return _problem(400, f"seconds must be 0.1 to {MAX_SECONDS:g}", "seconds")
        set_fault(simulator, kind, int(count), float(seconds))
        return jsonify(state_of(simulator)), 201

    simulator.app.add_url_rule(
        CONTROL_PREFIX + "faults",
        "sandbox_control",
        control,
        methods=["GET", "POST", "DELETE"],
    )

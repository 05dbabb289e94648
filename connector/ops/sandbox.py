"""Faults for the sandbox carriers, set from the ops console (``make run`` only).

When a carrier is the local simulator (no URL configured for it), ops may make
its next shipments time out, have their address refused, or take the whole
service down for a minute, to watch the retries, the board and the fix form
at work. The simulators run in their own process; this module talks to their
control endpoint (``/_sandbox/faults``) with the install's sandbox secret,
the same way for every carrier. Nothing here knows a carrier's API.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import current_app

from adapters.carriers import CARRIERS
from adapters.http import parse_timeout
from connector.ops import audit
from connector.ops.audit import Actor
from connector.orders.adapters import is_enabled

FAULTS = ("timeout", "refuse_address", "down")
DOWN_SECONDS = 60.0
MAX_COUNT = 100
CONTROL_PATH = "/_sandbox/faults"
SECRET_HEADER = "X-Sandbox-Secret"  # noqa: S105 - a header name, not a secret
# The control endpoint is local: a second is plenty, and the page must not hang.
CONTROL_TIMEOUT = (1.0, 3.0)
# A "time out" answers this much later than the carrier's read timeout.
TIMEOUT_MARGIN_SECONDS = 2.0


class SandboxUnavailable(Exception):
    """The simulator did not answer its control endpoint (the sandbox is not running)."""


class SandboxRefused(Exception):
    """The simulator refused the fault (say, an address fault for a service without one)."""


@dataclass(frozen=True)
class SandboxCarrier:
    name: str
    url: str
    state: dict | None  # what the simulator says is pending; None when it does not answer


def sandbox_carriers() -> list[str]:
    """The enabled carriers that are local simulators (empty in production)."""
    adapters = current_app.config.get("SHIPPING_ADAPTERS") or {}
    return [
        name for name in CARRIERS if is_enabled(name) and (adapters.get(name) or {}).get("sandbox")
    ]


def _control(name: str, method: str, body: dict | None = None) -> dict:
    settings = current_app.config["SHIPPING_ADAPTERS"][name]
    secret = current_app.config.get("SANDBOX_SECRET") or ""
    try:
        response = requests.request(
            method,
            settings["url"].rstrip("/") + CONTROL_PATH,
            json=body,
            headers={SECRET_HEADER: secret},
            timeout=CONTROL_TIMEOUT,
        )
    except requests.RequestException as exc:
        raise SandboxUnavailable(name) from exc
    if response.status_code == 400:
        raise SandboxRefused((response.json() or {}).get("error") or "refused")
    if response.status_code >= 300:
        raise SandboxUnavailable(name)
    return response.json()


def carriers_now() -> list[SandboxCarrier]:
    """Each sandbox carrier with what is pending on it."""
    out = []
    for name in sandbox_carriers():
        try:
            state = _control(name, "GET")
        except (SandboxUnavailable, SandboxRefused, ValueError):
            state = None
        url = current_app.config["SHIPPING_ADAPTERS"][name]["url"]
        out.append(SandboxCarrier(name, url, state))
    return out


def _timeout_seconds(name: str) -> float:
    """Long enough that the carrier's adapter gives up waiting for the answer."""
    _connect, read = parse_timeout(current_app.config["SHIPPING_ADAPTERS"][name].get("timeout"))
    return read + TIMEOUT_MARGIN_SECONDS


def set_fault(actor: Actor, name: str, fault: str, count: int) -> dict:
    """Arm ``fault`` on the sandbox carrier ``name``; audited. Returns its new state."""
    if name not in sandbox_carriers():
        raise SandboxRefused("not a sandbox carrier")
    if fault not in FAULTS:
        raise SandboxRefused("unknown fault")
    body: dict = {"fault": fault, "count": count}
    if fault == "timeout":
        body["seconds"] = _timeout_seconds(name)
    elif fault == "down":
        body = {"fault": fault, "seconds": DOWN_SECONDS}
    state = _control(name, "POST", body)
    audit.record(actor, "sandbox.fault", "carrier", name, details=body)
    return state


def clear_faults(actor: Actor, name: str) -> dict:
    if name not in sandbox_carriers():
        raise SandboxRefused("not a sandbox carrier")
    state = _control(name, "DELETE")
    audit.record(actor, "sandbox.clear", "carrier", name)
    return state

"""``make run``'s sandbox: GHN, CDEK, GHTK, the warehouse, and the marketplace shops.

``python -m simulators.sandbox`` starts them on the fixed local ports of the
configuration (``CONNECTOR_SANDBOX_HOST``, ports 8701-8704), with webhooks to
the app at ``CONNECTOR_PUBLIC_URL``. What they share is ``simulators.parcel``.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from urllib.parse import urlparse

from simulators.cdek import CdekSimulator
from simulators.channels import start_channel_sandbox
from simulators.ghn import GhnSimulator
from simulators.ghtk import GhtkSimulator
from simulators.parcel import ParcelSimulator
from simulators.warehouse import WarehouseSimulator

log = logging.getLogger(__name__)


def start_sandbox(settings: dict, public_url: str, courier_every: float | None = 20.0) -> list:
    """Start the simulators on their configured ports; returns them (running)."""
    adapters = settings["SHIPPING_ADAPTERS"]
    ghn, cdek, warehouse = adapters["ghn"], adapters["cdek"], adapters["consolidation"]
    ghtk = adapters["ghtk"]
    base = public_url.rstrip("/")
    simulators = []
    plan: list[tuple[dict, Callable[[], ParcelSimulator], str]] = [
        (
            ghn,
            lambda: GhnSimulator(token=ghn["token"], shop_id=ghn["shop_id"]),
            f"{base}/webhooks/ghn?token={ghn['webhook_secret']}",
        ),
        (
            cdek,
            lambda: CdekSimulator(client_id=cdek["client_id"], client_secret=cdek["client_secret"]),
            f"{base}/webhooks/cdek?token={cdek['webhook_secret']}",
        ),
        (
            warehouse,
            lambda: WarehouseSimulator(
                api_key=warehouse["api_key"], webhook_secret=warehouse["webhook_secret"]
            ),
            f"{base}/webhooks/consolidation",
        ),
        (
            ghtk,
            lambda: GhtkSimulator(token=ghtk["token"], partner_code=ghtk["partner_code"]),
            # GHTK's guide puts the secret in the callback URL as ``hash``.
            f"{base}/webhooks/ghtk?hash={ghtk['webhook_secret']}",
        ),
    ]
    for service, make, hook in plan:
        if not service["sandbox"]:
            continue  # a real service is configured: no simulator for it
        parsed = urlparse(service["url"])
        simulator = make()
        simulator.webhook_url = hook
        # The ops console's sandbox page sets faults through the control endpoint.
        simulator.control_secret = settings.get("SANDBOX_SECRET")
        simulator.start(host=parsed.hostname or "127.0.0.1", port=parsed.port or 0)
        if courier_every:
            simulator.start_courier(courier_every)
        simulators.append(simulator)
    return simulators


def main() -> int:
    from connector import config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = config.from_environ()
    every = float(os.environ.get("CONNECTOR_SANDBOX_COURIER_SECONDS") or 20)
    simulators = start_sandbox(settings, settings["PUBLIC_URL"], courier_every=every)
    simulators += start_channel_sandbox(settings["CHANNELS"], config.SANDBOX_SHOPS)
    for simulator in simulators:
        log.info("sandbox %s listening on %s", simulator.name, simulator.url)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    stopping.wait()
    for simulator in simulators:
        simulator.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

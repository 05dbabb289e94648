"""``make run``'s marketplace sandbox: the Shopee and Ozon simulators on their local ports.

Each runs unless a real service is configured (``CONNECTOR_SHOPEE_URL``,
``CONNECTOR_OZON_URL``); its shop takes the sandbox credentials the demo
seller connects with (``connector.config.SANDBOX_SHOPS``).
"""

from __future__ import annotations

from urllib.parse import urlparse

from simulators.base import Simulator
from simulators.ozon import OzonSimulator
from simulators.shopee import ShopeeSimulator
from simulators.tiktok import TiktokSimulator
from simulators.wildberries import WildberriesSimulator


def start_channel_sandbox(channels: dict, shops: dict) -> list[Simulator]:
    """Start the simulators of the channels configured as sandboxes; returns them."""
    plan = {
        "shopee": lambda: ShopeeSimulator(
            partner_id=channels["shopee"]["partner_id"],
            partner_key=channels["shopee"]["partner_key"],
            shops={shops["shopee"]["shop_id"]: shops["shopee"]["credentials"]["access_token"]},
        ),
        "ozon": lambda: OzonSimulator(
            accounts={shops["ozon"]["shop_id"]: shops["ozon"]["credentials"]["api_key"]}
        ),
        "wildberries": lambda: WildberriesSimulator(
            token=shops["wildberries"]["credentials"]["api_token"]
        ),
        "tiktok": lambda: TiktokSimulator(
            app_key=channels["tiktok"]["app_key"],
            app_secret=channels["tiktok"]["app_secret"],
            shops={shops["tiktok"]["shop_id"]: shops["tiktok"]["credentials"]["access_token"]},
        ),
    }
    started = []
    for name, make in plan.items():
        service = channels[name]
        if not service["sandbox"]:
            continue
        parsed = urlparse(service["url"])
        simulator = make()
        simulator.start(host=parsed.hostname or "127.0.0.1", port=parsed.port or 0)
        started.append(simulator)
    return started

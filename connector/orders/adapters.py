"""The shipping adapters as this app configures them: which one serves a market and mode,
and what each declares about its service (webhooks, reasons, service levels, cancelled
statuses, documents). The rest of the app asks here by adapter name, never naming one.
"""

from __future__ import annotations

import logging

from flask import current_app
from redis.exceptions import RedisError

from adapters.carriers import CARRIERS
from adapters.carriers.base import ShippingAdapter
from adapters.errors import ProviderNotConfigured
from adapters.warehouses import WAREHOUSES
from connector.markets.model import Market
from connector.services import get_redis

log = logging.getLogger(__name__)


def adapter_name_for(market: Market, mode: str) -> str | None:
    """The carrier (semi-managed) or warehouse (fully managed) the market names for a mode."""
    card = market.shipping.get(mode)
    if card is None:
        return None
    return card.carrier or card.warehouse


def carriers_for(market: Market, mode: str) -> tuple[str, ...]:
    """The carriers an order may choose for a mode, the market's default first."""
    card = market.shipping.get(mode)
    if card is None or card.carrier is None:
        return ()
    return (card.carrier, *card.other_carriers)


def adapter_class(name: str) -> type | None:
    return CARRIERS.get(name) or WAREHOUSES.get(name)


def adapter_names() -> tuple[str, ...]:
    """Every registered adapter, carriers first."""
    return (*CARRIERS, *WAREHOUSES)


def service_levels(name: str) -> tuple[tuple[str, str], ...]:
    """(code, English label) of the service levels ops may choose for ``name``."""
    return tuple(getattr(adapter_class(name), "service_levels", ()))


def default_service(name: str) -> str | None:
    """The service level configured for ``name``'s shipments that name none."""
    cls = adapter_class(name)
    if cls is None or not hasattr(cls, "default_service"):
        return None
    return cls.default_service(settings_of(name))


def reason_for(name: str, status: str) -> str:
    """Our reason code for a status of ``name`` that needs a person."""
    cls = adapter_class(name)
    if cls is None or not hasattr(cls, "reason_for"):
        return "carrier_exception"
    return cls.reason_for(status)


def cancelled_statuses(name: str) -> frozenset[str]:
    """The statuses of ``name`` meaning a shipment is already cancelled there."""
    return frozenset(getattr(adapter_class(name), "cancelled_statuses", ()))


def document_kinds() -> tuple[str, ...]:
    """Every document kind any registered adapter keeps, in registry order."""
    kinds: dict[str, None] = {}
    for name in adapter_names():
        kinds.update(dict.fromkeys(adapter_class(name).document_kinds))
    return tuple(kinds)


def label_kinds(name: str) -> tuple[str, ...]:
    """The document kinds that answer a request for ``name``'s label."""
    return tuple(getattr(adapter_class(name), "label_kinds", ("label",)))


def is_enabled(name: str | None) -> bool:
    """Registered here and enabled by configuration (``CONNECTOR_SHIPPING_ADAPTERS``)."""
    return (
        name is not None
        and adapter_class(name) is not None
        and name in current_app.config["SHIPPING_ADAPTERS_ENABLED"]
        and name in current_app.config["SHIPPING_ADAPTERS"]
    )


def settings_of(name: str) -> dict:
    return dict(current_app.config["SHIPPING_ADAPTERS"].get(name) or {})


def is_sandbox(name: str) -> bool:
    return bool(settings_of(name).get("sandbox"))


class RedisTokenStore:
    """Access tokens shared by every worker on every host, until they expire.

    Redis being down only costs a token request per call; it never fails a dispatch.
    """

    prefix = "connector:token:"

    def get(self, name: str) -> str | None:
        try:
            value = get_redis().get(self.prefix + name)
        except RedisError:
            return None
        return value.decode() if value else None

    def set(self, name: str, value: str, ttl_seconds: int) -> None:
        try:
            get_redis().set(self.prefix + name, value, ex=max(1, int(ttl_seconds)))
        except RedisError:
            log.warning("could not cache the %s access token; Redis unavailable", name)

    def delete(self, name: str) -> None:
        try:
            get_redis().delete(self.prefix + name)
        except RedisError:
            pass


def build_adapter(name: str) -> ShippingAdapter:
    """The configured adapter ``name``, made once per process and settings."""
    if not is_enabled(name):
        raise ProviderNotConfigured(f"shipping adapter {name!r} is not enabled", provider=name)
    settings = settings_of(name)
    cache = current_app.extensions.setdefault("shipping_adapters", {})
    signature = repr(sorted(settings.items()))
    cached = cache.get(name)
    if cached is not None and cached[0] == signature:
        return cached[1]
    adapter = adapter_class(name).from_settings(settings, token_store=RedisTokenStore())
    cache[name] = (signature, adapter)
    return adapter

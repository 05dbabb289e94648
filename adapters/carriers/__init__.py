"""Carriers for semi-managed shipments (the factory ships to the buyer), by name.

Registered here and enabled by configuration::

    adapter = build_carrier("ghn", settings)
    booking = adapter.create(request)

Nothing here connects anywhere at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.carriers.base import ShippingAdapter
from adapters.carriers.cdek import CdekAdapter
from adapters.carriers.ghn import GhnAdapter
from adapters.carriers.ghtk import GhtkAdapter
from adapters.errors import ProviderNotConfigured

CARRIERS: dict[str, type] = {
    "ghn": GhnAdapter,
    "cdek": CdekAdapter,
    "ghtk": GhtkAdapter,
}


def build_carrier(name: str, settings: Mapping[str, Any], **services) -> ShippingAdapter:
    """The carrier registered as ``name``; ``services`` may give a ``token_store``."""
    adapter_class = CARRIERS.get(name)
    if adapter_class is None:
        raise ProviderNotConfigured(f"no carrier named {name!r}", provider=name)
    return adapter_class.from_settings(settings, **services)


__all__ = ["CARRIERS", "build_carrier"]

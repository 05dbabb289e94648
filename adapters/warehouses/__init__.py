"""Warehouses for fully managed shipments (stock goes into a platform's warehouse), by name.

Nothing here connects anywhere at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.carriers.base import ShippingAdapter
from adapters.errors import ProviderNotConfigured
from adapters.warehouses.consolidation import ConsolidationWarehouseAdapter

WAREHOUSES: dict[str, type] = {
    "consolidation": ConsolidationWarehouseAdapter,
}


def build_warehouse(name: str, settings: Mapping[str, Any], **services) -> ShippingAdapter:
    """The warehouse registered as ``name``."""
    adapter_class = WAREHOUSES.get(name)
    if adapter_class is None:
        raise ProviderNotConfigured(f"no warehouse named {name!r}", provider=name)
    return adapter_class.from_settings(settings, **services)


__all__ = ["WAREHOUSES", "build_warehouse"]

"""FX rate providers, registered by name and built from a settings dict.

Every provider has ``name`` and ``fetch(on: date | None = None) -> list[Quote]``
(see :mod:`adapters.fx.base`). Settings keys, all optional:

- ``base_url`` (alias ``url``): the service's root URL; tests and ``make run`` point it
  at a simulator; unset or empty keeps the real service's URL;
- ``timeout``: seconds, one number or ``[connect, read]``; ``connect_timeout`` and
  ``read_timeout`` override either part (HTTP providers only);
- ``rate_field`` (vietcombank): ``Buy`` | ``Transfer`` | ``Sell`` (default ``Sell``);
- ``bases`` (ecb): base currencies to fetch (default CNY, USD, EUR);
- ``path`` (snapshot): the snapshot JSON file (default the bundled one).

Nothing here connects anywhere at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.errors import ProviderNotConfigured
from adapters.fx.base import FxProvider, NoRatesPublished, Quote
from adapters.fx.ecb import EcbProvider
from adapters.fx.nbk import NbkProvider
from adapters.fx.snapshot import SnapshotProvider
from adapters.fx.vietcombank import VietcombankProvider

__all__ = ["PROVIDERS", "FxProvider", "NoRatesPublished", "Quote", "build_provider"]

PROVIDERS: dict[str, type] = {
    "nbk": NbkProvider,
    "vietcombank": VietcombankProvider,
    "ecb": EcbProvider,
    "snapshot": SnapshotProvider,
}


def build_provider(name: str, settings: Mapping[str, Any] | None = None) -> FxProvider:
    """The provider registered as ``name``, configured from ``settings``."""
    try:
        provider_class = PROVIDERS[name]
    except KeyError:
        raise ProviderNotConfigured(f"no FX provider named {name!r}", provider=name) from None
    return provider_class.from_settings(settings or {})

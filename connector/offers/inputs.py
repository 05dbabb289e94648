"""What an offer document is built from, as one hash: equal inputs give an equal document.

The builder is pure, so its inputs decide its output: the listing as read
(every field, translations and supplier name included: the revision alone
does not move when the localization job stores texts), the market file, what
the rates contribute (the rates used with their provenance, the holds for
missing or old rates, the pricing date), the URL base of images, and the code
that renders documents. A reprice compares this hash with the stored one and
skips the offer when they match, without pricing it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from datetime import datetime
from pathlib import Path

import orjson

from connector.fx.resolve import MarketFx
from connector.markets.model import Market
from connector.offers.listing_data import ListingData

# Bump by hand for a change the module sources below do not show (a library's).
RENDER_VERSION = 1
# Modules whose code shapes a document: any edit to them (a deploy) rebuilds every offer.
_RENDERING = (
    "connector.offers.builder",
    "connector.offers.formats",
    "connector.pricing.engine",
    "connector.pricing.packing",
    "connector.markets.model",
)


@functools.lru_cache(maxsize=1)
def code_version() -> bytes:
    digest = hashlib.sha256(str(RENDER_VERSION).encode())
    for name in _RENDERING:
        digest.update(Path(importlib.util.find_spec(name).origin).read_bytes())
    return digest.digest()


def listing_key(listing: ListingData) -> bytes:
    """The listing's content, hashed: any field the builder could read changes it."""
    return hashlib.sha256(orjson.dumps(listing, default=str)).digest()


def market_key(
    market: Market, fx: MarketFx, fx_holds: list[dict], now: datetime, base: str
) -> bytes:
    """Everything but the listing, once per market and write."""
    parts = [
        repr(market),
        fx.provenance(),
        fx.missing,
        fx_holds,
        now.date().isoformat(),
        base,
    ]
    return hashlib.sha256(code_version() + orjson.dumps(parts, default=str)).digest()


def input_hash(listing: bytes, market: bytes) -> str:
    return hashlib.sha256(listing + market).hexdigest()

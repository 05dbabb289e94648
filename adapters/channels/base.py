"""What every channel push adapter shares: the product we push, the client shape, refusals.

A channel product is one of our SKUs as a shop sells it: the seller's title,
brand and price, our stock. Adapters turn it into the channel's request bodies
(pure ``build_*`` functions) and the channel's answers into ids or typed errors.
The push service (``connector.channels.push``) decides what to send; adapters
only speak the channel.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Protocol

import orjson

from adapters.errors import ProviderUnavailable, Rejected
from adapters.han import has_han


@dataclass(frozen=True)
class ChannelProduct:
    """One SKU as a channel sells it; ``group`` ties a listing's variants together."""

    sku: str
    group: str
    title: str
    description: str
    price: Decimal
    currency: str
    stock: int
    brand: str
    category_id: str | None
    images: tuple[str, ...] = ()
    weight_g: int = 0
    # Length, width, height in centimetres (the package), as the listing gives them.
    size_cm: tuple[Decimal, Decimal, Decimal] | None = None
    attributes: tuple[tuple[str, str], ...] = field(default=())

    def fingerprint(self) -> str:
        """A hash of everything sent: equal fingerprints need no push."""
        document = asdict(self)
        return hashlib.sha256(orjson.dumps(document, default=str)).hexdigest()


class ChannelRefused(Rejected):
    """The channel would refuse (or did refuse) the product: ``reasons`` say why, as codes.

    Each reason is ``{"code": ..., **params}`` (e.g. ``{"code": "title_too_long",
    "limit": 120}``); the edge translates it for the seller. Permanent: the same
    product is refused again until the offer or the seller's settings change.
    """

    code = "channel_refused"
    transient = False

    def __init__(self, reasons: list[dict], *, provider: str, message: str = "") -> None:
        super().__init__(message or ", ".join(r["code"] for r in reasons), provider=provider)
        self.reasons = reasons


@dataclass(frozen=True)
class Limits:
    """What a channel takes: beyond it, the product is refused before any call."""

    title_min: int
    title_max: int
    images_min: int
    images_max: int
    price_min: Decimal
    price_max: Decimal
    description_min: int = 0
    description_max: int = 10**6


def refusals(product: ChannelProduct, limits: Limits) -> list[dict]:
    """What the channel would refuse in ``product``, as reason codes with the limit."""
    reasons: list[dict] = []
    title = product.title or ""
    # A title still in Chinese was not translated: the channels read the market's language.
    if not title or has_han(title):
        reasons.append({"code": "title_untranslated"})
    elif len(title) > limits.title_max:
        reasons.append({"code": "title_too_long", "limit": limits.title_max})
    elif len(title) < limits.title_min:
        reasons.append({"code": "title_too_short", "limit": limits.title_min})
    if not product.brand:
        reasons.append({"code": "brand_missing"})
    if product.category_id is None:
        reasons.append({"code": "category_unmapped"})
    if len(product.images) < limits.images_min:
        reasons.append({"code": "image_missing", "min": limits.images_min})
    if product.price < limits.price_min or product.price > limits.price_max:
        reasons.append(
            {
                "code": "price_out_of_bounds",
                "min": str(limits.price_min),
                "max": str(limits.price_max),
            }
        )
    description = product.description or ""
    if len(description) > limits.description_max:
        reasons.append({"code": "description_too_long", "limit": limits.description_max})
    elif len(description) < limits.description_min:
        reasons.append({"code": "description_too_short", "limit": limits.description_min})
    return reasons


class NotMadeYet(ProviderUnavailable):
    """The channel accepted the product but has not made it yet: the next run looks the SKU up.

    Transient: the push tries again later, and ``ChannelClient.find`` by our SKU
    then finds what the channel made, so nothing is sent twice.
    """

    code = "not_made_yet"


def wait_until_made(
    look: Callable[[], str | None],
    *,
    polls: int,
    pause_seconds: float,
    sleep: Callable[[float], None],
    pending: NotMadeYet,
) -> str:
    """The channel's id once ``look`` finds what it accepted; ``pending`` after ``polls`` looks.

    Some channels make a product a while after they accept it. We look a few
    times, waiting a little longer each time, then leave it to the next run
    rather than hold the push (or send the product again).
    """
    for attempt in range(polls):
        found = look()
        if found is not None:
            return found
        sleep(pause_seconds * (attempt + 1))
    raise pending


class ChannelClient(Protocol):
    """One seller's shop on one channel. Every call is one documented request or a few.

    ``find`` looks our SKU up at the channel (the key that makes a re-push safe);
    ``create`` adds a product and returns the channel's id; ``update`` sets price,
    stock and content of an existing one; ``withdraw`` takes it off sale;
    ``relist`` puts a withdrawn one back.
    """

    name: str

    def check(self, product: ChannelProduct) -> None: ...

    def find(self, sku: str) -> str | None: ...

    def create(self, product: ChannelProduct) -> str: ...

    def update(self, product_id: str, product: ChannelProduct) -> None: ...

    def withdraw(self, product_id: str, sku: str) -> None: ...

    def relist(self, product_id: str, sku: str) -> None: ...


def _number(value):
    if isinstance(value, Decimal):
        # Money goes out as the exact decimal text of a JSON number, never through float.
        return orjson.Fragment(format(value.normalize(), "f").encode())
    raise TypeError(f"cannot send {type(value).__name__}")


def wire_json(body: dict | list) -> bytes:
    """A request body as JSON bytes, Decimals written as exact numbers."""
    return orjson.dumps(body, default=_number)


def unlimited_stock(stock: int | None, default: int) -> int:
    """A variant without a stock count is made to order: ``default`` pieces shown."""
    return default if stock is None else max(0, int(stock))


def reason(code: str, limits: Limits) -> dict:
    """A reason code the channel answered with, and the limit of ours that says it."""
    params = {
        "title_too_long": {"limit": limits.title_max},
        "title_too_short": {"limit": limits.title_min},
        "image_missing": {"min": limits.images_min},
        "price_out_of_bounds": {"min": str(limits.price_min), "max": str(limits.price_max)},
        "description_too_long": {"limit": limits.description_max},
        "description_too_short": {"limit": limits.description_min},
    }
    return {"code": code, **params.get(code, {})}

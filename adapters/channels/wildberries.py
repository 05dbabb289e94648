"""Wildberries: cards created by vendorCode, priced by nmID, trashed when withdrawn.

Shapes, as published by Wildberries (dev.wildberries.ru/openapi/item-management,
read 2026-12-03; the card body is the Wildberries export's in
``connector/feeds/marketplaces.py``):
- Every call: header ``Authorization: <token>``; content and prices are two
  hosts (content-api..., discounts-prices-api...), both configurable.
- POST /content/v2/cards/upload (``[{subjectID, variants: [{vendorCode, title,
  description, brand, dimensions, characteristics, sizes: [{price, skus}]}]}]``)
  answers ``{"data": null, "error": false, "errorText": "", "additionalErrors": ...}``;
  cards are made asynchronously, so the nmID is read back by vendorCode.
- POST /content/v2/get/cards/list (``settings.filter.textSearch`` = vendorCode,
  ``settings.cursor.limit``) -> ``cards[]`` with nmID and vendorCode: the
  look-up before any upload. Trashed cards are listed by /content/v2/get/cards/trash.
- POST /content/v2/cards/update (``[{nmID, vendorCode, title, description, ...}]``).
- POST /api/v2/upload/task (``data: [{nmID, price, discount}]``), price in whole
  units -> ``data.id`` of the upload task.
- POST /content/v2/cards/delete/trash and /content/v2/cards/recover (``nmIDs``).
Errors answer 4xx with ``{"error": true, "errorText": ..., "additionalErrors": ...}``.
Not done yet: photos (/content/v3/media/save) and stocks by barcode.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import orjson
import requests

from adapters.channels.base import (
    ChannelProduct,
    ChannelRefused,
    Limits,
    NotMadeYet,
    reason,
    refusals,
    wait_until_made,
    wire_json,
)
from adapters.errors import AdapterError, BadResponse, ProviderNotConfigured
from adapters.http import DEFAULT_TIMEOUT, make_session, send

PROVIDER = "wildberries"
LIMITS = Limits(
    title_min=1,
    title_max=60,
    images_min=1,
    images_max=30,
    price_min=Decimal(1),
    price_max=Decimal(100_000_000),
    description_max=5000,
)
# Words of Wildberries' errorText -> our reason codes.
REFUSAL_WORDS = {
    "title": "title_too_long",
    "brand": "brand_missing",
    "subjectID": "category_unmapped",
    "price": "price_out_of_bounds",
    "description": "description_too_long",
}
# How long create() waits for the card before leaving it to the next run.
CARD_POLLS = 5
CARD_POLL_SECONDS = 0.2


class CardPending(NotMadeYet):
    """Wildberries took the upload but has not made the card yet: the next run finds it."""

    code = "card_pending"


@dataclass(frozen=True)
class WildberriesSettings:
    url: str  # content API
    prices_url: str
    timeout: tuple[float, float] = DEFAULT_TIMEOUT


def whole(price: Decimal) -> int:
    """WB takes whole currency units: rounded up, so the seller's price is never cut."""
    return int(price.to_integral_value(rounding=ROUND_CEILING))


def _dimensions(product: ChannelProduct) -> dict:
    sides = product.size_cm or (Decimal(1), Decimal(1), Decimal(1))
    length, width, height = (max(1, round(Decimal(side))) for side in sides)
    return {
        "length": length,
        "width": width,
        "height": height,
        "weightBrutto": (Decimal(product.weight_g or 0) / 1000).quantize(Decimal("0.001")),
    }


def build_variant(product: ChannelProduct) -> dict:
    return {
        "vendorCode": product.sku,
        "title": product.title,
        "description": product.description,
        "brand": product.brand,
        "dimensions": _dimensions(product),
        "characteristics": [],
        "sizes": [{"price": whole(product.price), "skus": []}],
    }


def build_upload(product: ChannelProduct) -> list:
    return [{"subjectID": int(product.category_id or 0), "variants": [build_variant(product)]}]


def build_card_search(sku: str) -> dict:
    return {"settings": {"cursor": {"limit": 100}, "filter": {"textSearch": sku, "withPhoto": -1}}}


def build_prices(nm_id: str, product: ChannelProduct) -> dict:
    return {"data": [{"nmID": int(nm_id), "price": whole(product.price), "discount": 0}]}


def parse_answer(response: requests.Response) -> dict:
    try:
        payload = orjson.loads(response.content) if response.content else {}
    except orjson.JSONDecodeError as exc:
        raise BadResponse("not JSON", provider=PROVIDER) from exc
    if not isinstance(payload, dict):
        raise BadResponse("not a JSON object", provider=PROVIDER)
    if response.status_code in (401, 403):
        raise ProviderNotConfigured("token refused", code="unauthorized", provider=PROVIDER)
    text = str(payload.get("errorText") or payload.get("title") or "")
    if response.status_code >= 400 or payload.get("error"):
        if response.status_code in (400, 422) or payload.get("error"):
            raise refusal_of(text)
        raise AdapterError(
            text, code=f"http_{response.status_code}", provider=PROVIDER, transient=False
        )
    return payload


def refusal_of(text: str) -> ChannelRefused:
    for word, code in REFUSAL_WORDS.items():
        if word in text:
            return ChannelRefused([reason(code, LIMITS)], provider=PROVIDER, message=text)
    return ChannelRefused(
        [{"code": "channel_refused", "message": text}], provider=PROVIDER, message=text
    )


def parse_nm_id(payload: dict, sku: str) -> str | None:
    for card in payload.get("cards") or []:
        if card.get("vendorCode") == sku and card.get("nmID"):
            return str(card["nmID"])
    return None


class WildberriesClient:
    """One seller's Wildberries account (its API token)."""

    name = PROVIDER

    def __init__(self, settings: WildberriesSettings, token: str, sleep=time.sleep):
        self.settings = settings
        self.session = make_session({"Authorization": token, "Content-Type": "application/json"})
        self._sleep = sleep

    def _post(self, base: str, path: str, body) -> dict:
        response = send(
            self.session,
            "POST",
            base + path,
            provider=PROVIDER,
            timeout=self.settings.timeout,
            data=wire_json(body),
        )
        return parse_answer(response)

    def check(self, product: ChannelProduct) -> None:
        reasons = refusals(product, LIMITS)
        if product.category_id is not None and not str(product.category_id).isdigit():
            reasons.append({"code": "category_unmapped"})
        if reasons:
            raise ChannelRefused(reasons, provider=PROVIDER)

    def find(self, sku: str) -> str | None:
        for path in ("/content/v2/get/cards/list", "/content/v2/get/cards/trash"):
            found = parse_nm_id(self._post(self.settings.url, path, build_card_search(sku)), sku)
            if found is not None:
                return found
        return None

    def create(self, product: ChannelProduct) -> str:
        self._post(self.settings.url, "/content/v2/cards/upload", build_upload(product))
        nm_id = wait_until_made(
            lambda: parse_nm_id(
                self._post(
                    self.settings.url, "/content/v2/get/cards/list", build_card_search(product.sku)
                ),
                product.sku,
            ),
            polls=CARD_POLLS,
            pause_seconds=CARD_POLL_SECONDS,
            sleep=self._sleep,
            pending=CardPending(f"card {product.sku} not made yet", provider=PROVIDER),
        )
        self._post(self.settings.prices_url, "/api/v2/upload/task", build_prices(nm_id, product))
        return nm_id

    def update(self, product_id: str, product: ChannelProduct) -> None:
        card = {"nmID": int(product_id), **build_variant(product)}
        card.pop("sizes")
        self._post(self.settings.url, "/content/v2/cards/update", [card])
        self._post(
            self.settings.prices_url, "/api/v2/upload/task", build_prices(product_id, product)
        )

    def withdraw(self, product_id: str, sku: str) -> None:
        self._post(
            self.settings.url, "/content/v2/cards/delete/trash", {"nmIDs": [int(product_id)]}
        )

    def relist(self, product_id: str, sku: str) -> None:
        self._post(self.settings.url, "/content/v2/cards/recover", {"nmIDs": [int(product_id)]})

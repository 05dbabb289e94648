"""Shopee Open Platform v2: add, find, reprice, restock and unlist one item per SKU.

Shapes, as published by Shopee (open.shopee.com/documents, API v2; read
2026-12-03 through the public reference and the SDK documentation that mirror
it):
- Authorization: every shop call carries ``partner_id``, ``timestamp``,
  ``access_token``, ``shop_id`` and ``sign`` in the query string; ``sign`` is
  the hex HMAC-SHA256, keyed by the partner key, of
  partner_id + api path + timestamp + access_token + shop_id. A timestamp more
  than 5 minutes off is refused.
- Answers: ``{"error": "", "message": "", "request_id": ..., "response": {...}}``;
  a non-empty ``error`` (``error_param``, ``error_auth``, ``error_sign``,
  ``error_server``, ...) is a failure whatever the HTTP status.
- GET /api/v2/product/search_item (``item_sku``, ``page_size``) ->
  ``response.item_id_list``: the look-up by our SKU that makes a re-push safe.
- POST /api/v2/product/add_item (``item_name``, ``description``, ``item_sku``,
  ``original_price``, ``seller_stock: [{"stock"}]``, ``weight`` in kg,
  ``dimension`` in cm, ``image.image_id_list``, ``category_id``,
  ``brand {brand_id, original_brand_name}``, ``item_status``) -> ``response.item_id``.
- POST /api/v2/product/update_price (``item_id``, ``price_list: [{model_id,
  original_price}]``), /api/v2/product/update_stock (``item_id``, ``stock_list:
  [{model_id, seller_stock: [{stock}]}]``), /api/v2/product/update_item (texts),
  /api/v2/product/unlist_item (``item_list: [{item_id, unlist}]``).
One Shopee item per SKU of ours (model_id 0: an item without variations), so
``item_sku`` is the key. Images go by URL in ``image_id_list`` here: a live shop
wants them uploaded through media_space first (not done yet).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
import requests

from adapters.channels.base import (
    ChannelProduct,
    ChannelRefused,
    Limits,
    reason,
    refusals,
    wire_json,
)
from adapters.errors import AdapterError, BadResponse, ProviderNotConfigured, ProviderUnavailable
from adapters.http import DEFAULT_TIMEOUT, make_session, send

PROVIDER = "shopee"
API = "/api/v2"
# Shopee VN's listing rules as the sandbox enforces them: item name 10-120 characters,
# 1-9 images, price within the region's bounds (VND), a description of 20+ characters.
LIMITS = Limits(
    title_min=10,
    title_max=120,
    images_min=1,
    images_max=9,
    price_min=Decimal(1000),
    price_max=Decimal(120_000_000),
    description_min=20,
    description_max=3000,
)
# Shopee's words for what it refused (error_param messages) -> our reason codes.
REFUSAL_CODES = {
    "item_name_length": "title_too_long",
    "image_count": "image_missing",
    "brand_required": "brand_missing",
    "price_out_of_range": "price_out_of_bounds",
    "category_invalid": "category_unmapped",
    "description_length": "description_too_short",
}
PERMANENT_ERRORS = ("error_auth", "error_sign", "error_permission", "error_shop")


@dataclass(frozen=True)
class ShopeeSettings:
    url: str
    partner_id: str
    partner_key: str
    timeout: tuple[float, float] = DEFAULT_TIMEOUT


def sign(partner_key: str, base: str) -> str:
    return hmac.new(partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()


def signed_query(
    settings: ShopeeSettings, path: str, shop_id: str, access_token: str, now: int
) -> dict[str, str]:
    """The common query of a shop call, its ``sign`` over the documented base string."""
    base = f"{settings.partner_id}{path}{now}{access_token}{shop_id}"
    return {
        "partner_id": str(settings.partner_id),
        "timestamp": str(now),
        "access_token": access_token,
        "shop_id": str(shop_id),
        "sign": sign(settings.partner_key, base),
    }


def _kg(grams: int) -> Decimal:
    return (Decimal(grams or 0) / 1000).quantize(Decimal("0.001"))


def build_add_item(product: ChannelProduct, logistic_id: str | None = None) -> dict:
    body: dict[str, Any] = {
        "item_name": product.title,
        "description": product.description,
        "item_sku": product.sku,
        "original_price": product.price,
        "seller_stock": [{"stock": product.stock}],
        "weight": _kg(product.weight_g),
        "image": {"image_id_list": list(product.images[: LIMITS.images_max])},
        "category_id": int(product.category_id) if product.category_id else 0,
        "brand": {"brand_id": 0, "original_brand_name": product.brand},
        "item_status": "NORMAL",
    }
    if logistic_id:
        # The shop's shipping channel for the item (Shopee needs one enabled per item).
        body["logistic_info"] = [{"logistic_id": int(logistic_id), "enabled": True}]
    if product.size_cm:
        length, width, height = (max(1, int(side)) for side in product.size_cm)
        body["dimension"] = {
            "package_length": length,
            "package_width": width,
            "package_height": height,
        }
    return body


def build_update_price(item_id: str, product: ChannelProduct) -> dict:
    return {
        "item_id": int(item_id),
        "price_list": [{"model_id": 0, "original_price": product.price}],
    }


def build_update_stock(item_id: str, stock: int) -> dict:
    return {
        "item_id": int(item_id),
        "stock_list": [{"model_id": 0, "seller_stock": [{"stock": stock}]}],
    }


def build_update_item(item_id: str, product: ChannelProduct) -> dict:
    return {
        "item_id": int(item_id),
        "item_name": product.title,
        "description": product.description,
        "image": {"image_id_list": list(product.images[: LIMITS.images_max])},
    }


def build_unlist(item_id: str, unlist: bool) -> dict:
    return {"item_list": [{"item_id": int(item_id), "unlist": unlist}]}


def parse_answer(response: requests.Response) -> dict:
    """The ``response`` object of an answer; a non-empty ``error`` becomes a typed error."""
    try:
        payload = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise BadResponse("not JSON", provider=PROVIDER) from exc
    if not isinstance(payload, dict):
        raise BadResponse("not a JSON object", provider=PROVIDER)
    error = payload.get("error") or ""
    message = str(payload.get("message") or "")
    if error:
        raise _error(error, message)
    if response.status_code >= 400:
        raise BadResponse(f"HTTP {response.status_code}", provider=PROVIDER)
    answer = payload.get("response")
    return answer if isinstance(answer, dict) else {}


def _error(error: str, message: str) -> AdapterError:
    if error == "error_param":
        for word, code in REFUSAL_CODES.items():
            if word in message:
                return ChannelRefused([reason(code, LIMITS)], provider=PROVIDER, message=message)
        return ChannelRefused(
            [{"code": "channel_refused", "message": message}], provider=PROVIDER, message=message
        )
    if error in PERMANENT_ERRORS:
        return ProviderNotConfigured(f"{error}: {message}", code=error, provider=PROVIDER)
    if error in ("error_server", "error_busy", "error_too_many_request"):
        return ProviderUnavailable(f"{error}: {message}", code=error, provider=PROVIDER)
    return AdapterError(f"{error}: {message}", code=error, provider=PROVIDER, transient=False)


def parse_item_ids(answer: dict) -> list[str]:
    return [str(item_id) for item_id in answer.get("item_id_list") or []]


class ShopeeClient:
    """One authorized Shopee shop (``shop_id`` and its ``access_token``)."""

    name = PROVIDER

    def __init__(
        self,
        settings: ShopeeSettings,
        shop_id: str,
        access_token: str,
        logistic_id: str | None = None,
        clock=time.time,
    ):
        self.settings = settings
        self.logistic_id = logistic_id
        self.shop_id = shop_id
        self.access_token = access_token
        self.session = make_session({"Content-Type": "application/json"})
        self._clock = clock

    def _call(self, method: str, name: str, body: dict | None = None, params=None) -> dict:
        path = f"{API}/{name}"
        query = signed_query(
            self.settings, path, self.shop_id, self.access_token, int(self._clock())
        )
        response = send(
            self.session,
            method,
            self.settings.url + path,
            provider=PROVIDER,
            timeout=self.settings.timeout,
            params={**query, **(params or {})},
            data=None if body is None else wire_json(body),
        )
        return parse_answer(response)

    def check(self, product: ChannelProduct) -> None:
        reasons = refusals(product, LIMITS)
        if reasons:
            raise ChannelRefused(reasons, provider=PROVIDER)

    def find(self, sku: str) -> str | None:
        answer = self._call("GET", "product/search_item", params={"item_sku": sku, "page_size": 10})
        ids = parse_item_ids(answer)
        return ids[0] if ids else None

    def create(self, product: ChannelProduct) -> str:
        answer = self._call("POST", "product/add_item", build_add_item(product, self.logistic_id))
        item_id = answer.get("item_id")
        if not item_id:
            raise BadResponse("add_item answered without item_id", provider=PROVIDER)
        return str(item_id)

    def update(self, product_id: str, product: ChannelProduct) -> None:
        self._call("POST", "product/update_item", build_update_item(product_id, product))
        self._call("POST", "product/update_price", build_update_price(product_id, product))
        self._call("POST", "product/update_stock", build_update_stock(product_id, product.stock))

    def withdraw(self, product_id: str, sku: str) -> None:
        # Stock to 0 first: an unlisted item that comes back never sells old stock.
        self._call("POST", "product/update_stock", build_update_stock(product_id, 0))
        self._call("POST", "product/unlist_item", build_unlist(product_id, True))

    def relist(self, product_id: str, sku: str) -> None:
        self._call("POST", "product/unlist_item", build_unlist(product_id, False))

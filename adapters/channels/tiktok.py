"""TikTok Shop Partner API (version 202309): products created, found, repriced and deactivated.

Shapes, as TikTok Shop publishes them (partner.tiktokshop.com/docv2, API
202309; read 2026-12-03 through the public SDKs and examples that implement
them):
- Every call carries ``app_key``, ``timestamp``, ``shop_cipher`` and ``sign`` in
  the query and the shop's token in the header ``x-tts-access-token``. ``sign``
  is the hex HMAC-SHA256, keyed by the app secret, of app_secret + path + the
  query parameters but ``sign`` and ``access_token``, sorted by name, each as
  name + value + the JSON body + app_secret.
- Answers: ``{"code": 0, "message": "Success", "data": {...}, "request_id": ...}``;
  any other ``code`` is a failure.
- POST /product/202309/products (title, description, category_id,
  main_images[{uri}], brand_id, package_weight {value, unit}, package_dimensions
  {length, width, height, unit}, skus [{seller_sku, price {amount, currency},
  inventory [{warehouse_id, quantity}]}]) -> ``data.product_id``, ``data.skus[].id``.
- POST /product/202309/products/search (``seller_skus``) -> ``data.products[]``
  with id and skus[].id / seller_sku: the look-up by our SKU.
- POST /product/202309/products/{id}/prices/update, .../inventory/update,
  /product/202309/products/deactivate and /activate (``product_ids``).
One TikTok product per SKU of ours; the channel's id is stored as
"<product_id>/<sku_id>" (prices and stock go by SKU id). Images go by URL in
``uri`` here: a live shop wants them uploaded first (not done yet).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from decimal import Decimal

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

PROVIDER = "tiktok"
VERSION = "/product/202309"
# TikTok Shop VN's listing rules as the sandbox enforces them.
LIMITS = Limits(
    title_min=25,
    title_max=255,
    images_min=1,
    images_max=9,
    price_min=Decimal(1000),
    price_max=Decimal(180_000_000),
    description_max=10000,
)
# TikTok's error codes -> our reason codes.
REFUSAL_CODES = {
    12052001: "title_too_long",
    12052002: "title_too_short",
    12052003: "image_missing",
    12052004: "price_out_of_bounds",
    12052005: "category_unmapped",
}
AUTH_CODES = (105001, 105002, 106001)  # token invalid or expired, sign wrong
BUSY_CODES = (36009003, 36009004)  # rate limited, system busy


@dataclass(frozen=True)
class TiktokSettings:
    url: str
    app_key: str
    app_secret: str
    timeout: tuple[float, float] = DEFAULT_TIMEOUT


def sign(app_secret: str, path: str, query: dict[str, str], body: bytes) -> str:
    pairs = "".join(
        f"{key}{query[key]}" for key in sorted(query) if key not in ("sign", "access_token")
    )
    base = f"{app_secret}{path}{pairs}".encode() + body + app_secret.encode()
    return hmac.new(app_secret.encode(), base, hashlib.sha256).hexdigest()


def build_create(product: ChannelProduct, warehouse_id: str | None) -> dict:
    sku: dict = {
        "seller_sku": product.sku,
        "price": {"amount": str(product.price), "currency": product.currency},
        "inventory": [{"warehouse_id": warehouse_id or "0", "quantity": product.stock}],
    }
    body: dict = {
        "title": product.title,
        "description": product.description,
        "category_id": str(product.category_id or ""),
        "main_images": [{"uri": uri} for uri in product.images[: LIMITS.images_max]],
        "package_weight": {"value": str(Decimal(product.weight_g or 0) / 1000), "unit": "KILOGRAM"},
        "skus": [sku],
    }
    if product.size_cm:
        length, width, height = (str(max(1, int(side))) for side in product.size_cm)
        body["package_dimensions"] = {
            "length": length,
            "width": width,
            "height": height,
            "unit": "CENTIMETER",
        }
    return body


def parse_answer(response: requests.Response) -> dict:
    try:
        payload = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise BadResponse("not JSON", provider=PROVIDER) from exc
    if not isinstance(payload, dict) or "code" not in payload:
        raise BadResponse("not a TikTok Shop answer", provider=PROVIDER)
    code, message = payload["code"], str(payload.get("message") or "")
    if code == 0:
        data = payload.get("data")
        return data if isinstance(data, dict) else {}
    if code in REFUSAL_CODES:
        raise ChannelRefused(
            [reason(REFUSAL_CODES[code], LIMITS)], provider=PROVIDER, message=message
        )
    if code in AUTH_CODES:
        raise ProviderNotConfigured(message, code="error_auth", provider=PROVIDER)
    if code in BUSY_CODES:
        raise ProviderUnavailable(message, code=f"tiktok_{code}", provider=PROVIDER)
    raise AdapterError(message, code=f"tiktok_{code}", provider=PROVIDER, transient=False)


def parse_found(data: dict, sku: str) -> str | None:
    for product in data.get("products") or []:
        for entry in product.get("skus") or []:
            if entry.get("seller_sku") == sku:
                return f"{product['id']}/{entry['id']}"
    return None


class TiktokClient:
    """One authorized TikTok shop (its ``shop_cipher`` and access token)."""

    name = PROVIDER

    def __init__(
        self,
        settings: TiktokSettings,
        shop_cipher: str,
        access_token: str,
        warehouse_id: str | None = None,
        clock=time.time,
    ):
        self.settings = settings
        self.shop_cipher = shop_cipher
        self.warehouse_id = warehouse_id
        self.session = make_session(
            {"x-tts-access-token": access_token, "Content-Type": "application/json"}
        )
        self._clock = clock

    def _post(self, path: str, body: dict) -> dict:
        data = wire_json(body)
        query = {
            "app_key": self.settings.app_key,
            "timestamp": str(int(self._clock())),
            "shop_cipher": self.shop_cipher,
        }
        query["sign"] = sign(self.settings.app_secret, path, query, data)
        response = send(
            self.session,
            "POST",
            self.settings.url + path,
            provider=PROVIDER,
            timeout=self.settings.timeout,
            params=query,
            data=data,
        )
        return parse_answer(response)

    def check(self, product: ChannelProduct) -> None:
        reasons = refusals(product, LIMITS)
        if reasons:
            raise ChannelRefused(reasons, provider=PROVIDER)

    def find(self, sku: str) -> str | None:
        return parse_found(self._post(f"{VERSION}/products/search", {"seller_skus": [sku]}), sku)

    def create(self, product: ChannelProduct) -> str:
        data = self._post(f"{VERSION}/products", build_create(product, self.warehouse_id))
        found = parse_found(
            {"products": [{"id": data.get("product_id"), "skus": data.get("skus") or []}]},
            product.sku,
        )
        if found is None or not data.get("product_id"):
            raise BadResponse("create answered without product and SKU ids", provider=PROVIDER)
        return found

    def update(self, product_id: str, product: ChannelProduct) -> None:
        item, sku_id = product_id.split("/", 1)
        self._post(
            f"{VERSION}/products/{item}/prices/update",
            {
                "skus": [
                    {
                        "id": sku_id,
                        "price": {"amount": str(product.price), "currency": product.currency},
                    }
                ]
            },
        )
        self._stock(item, sku_id, product.stock)

    def _stock(self, item: str, sku_id: str, quantity: int) -> None:
        self._post(
            f"{VERSION}/products/{item}/inventory/update",
            {
                "skus": [
                    {
                        "id": sku_id,
                        "inventory": [
                            {"warehouse_id": self.warehouse_id or "0", "quantity": quantity}
                        ],
                    }
                ]
            },
        )

    def withdraw(self, product_id: str, sku: str) -> None:
        item, sku_id = product_id.split("/", 1)
        self._stock(item, sku_id, 0)
        self._post(f"{VERSION}/products/deactivate", {"product_ids": [item]})

    def relist(self, product_id: str, sku: str) -> None:
        item = product_id.split("/", 1)[0]
        self._post(f"{VERSION}/products/activate", {"product_ids": [item]})

"""Ozon Seller API: import, find, reprice, restock and archive products by our offer_id.

Shapes, as published by Ozon (docs.ozon.ru/api/seller, read 2026-12-03; the
same bodies as the JSON exports in ``connector/feeds/marketplaces.py``):
- Every call: POST with JSON, headers ``Client-Id`` and ``Api-Key``.
- /v3/product/import (``items``: offer_id, name, description_category_id,
  type_id, price, currency_code, vat, images, weight/dimensions with units,
  attributes 85 brand, 4191 annotation, 8292 merge-on-one-card) ->
  ``result.task_id``; the import is asynchronous and upserts by offer_id.
- /v1/product/import/info (``task_id``) -> ``result.items[]``: offer_id,
  product_id, status (``pending``/``imported``/``failed``), errors[] with code.
- /v3/product/info/list (``offer_id: [...]``) -> ``items[]`` with ``id``: the
  look-up by our SKU before any create.
- /v1/product/import/prices (``prices``: offer_id, price, old_price,
  currency_code) and /v2/products/stocks (``stocks``: offer_id, stock,
  warehouse_id): each answers ``result[]`` with ``updated`` and ``errors``.
- /v1/product/archive and /v1/product/unarchive (``product_id: [...]``).
Errors answer 4xx with ``{"code": <int>, "message": ..., "details": [...]}``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

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

PROVIDER = "ozon"
LIMITS = Limits(
    title_min=1,
    title_max=500,
    images_min=1,
    images_max=30,
    price_min=Decimal("0.01"),
    price_max=Decimal(100_000_000),
)
OZON_BRAND, OZON_ANNOTATION, OZON_MERGE = 85, 4191, 8292
# Ozon's import error codes -> our reason codes.
REFUSAL_CODES = {
    "TOO_LONG_NAME": "title_too_long",
    "NAME_TOO_LONG": "title_too_long",
    "IMAGE_MISSING": "image_missing",
    "BRAND_MISSING": "brand_missing",
    "PRICE_OUT_OF_RANGE": "price_out_of_bounds",
    "CATEGORY_NOT_FOUND": "category_unmapped",
}
# How long create() waits for the import task before leaving it to the next run.
IMPORT_POLLS = 5
IMPORT_POLL_SECONDS = 0.2


class ImportPending(NotMadeYet):
    """Ozon has the import task but has not finished it: the next run looks the SKU up."""

    code = "import_pending"


@dataclass(frozen=True)
class OzonSettings:
    url: str
    timeout: tuple[float, float] = DEFAULT_TIMEOUT


def _category(product: ChannelProduct) -> tuple[int, int] | None:
    """Ops map a category to "description_category_id:type_id" for Ozon."""
    category, _sep, type_id = (product.category_id or "").partition(":")
    if not (category.isdigit() and type_id.isdigit()):
        return None
    return int(category), int(type_id)


def _mm(size_cm) -> list[int]:
    if not size_cm:
        return [0, 0, 0]
    return [int(Decimal(side) * 10) for side in size_cm]


def build_import_item(product: ChannelProduct) -> dict:
    category = _category(product) or (0, 0)
    depth, width, height = _mm(product.size_cm)
    attributes = [
        {"id": OZON_BRAND, "complex_id": 0, "values": [{"value": product.brand}]},
        {"id": OZON_MERGE, "complex_id": 0, "values": [{"value": f"offer-{product.group}"}]},
    ]
    if product.description:
        attributes.append(
            {"id": OZON_ANNOTATION, "complex_id": 0, "values": [{"value": product.description}]}
        )
    return {
        "offer_id": product.sku,
        "name": product.title,
        "description_category_id": category[0],
        "type_id": category[1],
        "price": str(product.price),
        "old_price": "0",
        "currency_code": product.currency,
        "vat": "0",
        "images": list(product.images[: LIMITS.images_max]),
        "weight": product.weight_g or 0,
        "weight_unit": "g",
        "depth": depth,
        "width": width,
        "height": height,
        "dimension_unit": "mm",
        "attributes": attributes,
    }


def build_prices(product: ChannelProduct) -> dict:
    return {
        "prices": [
            {
                "offer_id": product.sku,
                "price": str(product.price),
                "old_price": "0",
                "currency_code": product.currency,
            }
        ]
    }


def build_stocks(sku: str, stock: int, warehouse_id: str | None) -> dict:
    entry: dict = {"offer_id": sku, "stock": stock}
    if warehouse_id:
        entry["warehouse_id"] = int(warehouse_id)
    return {"stocks": [entry]}


def parse_json(response: requests.Response) -> dict:
    try:
        payload = orjson.loads(response.content)
    except orjson.JSONDecodeError as exc:
        raise BadResponse("not JSON", provider=PROVIDER) from exc
    if not isinstance(payload, dict):
        raise BadResponse("not a JSON object", provider=PROVIDER)
    if response.status_code in (401, 403):
        raise ProviderNotConfigured(
            str(payload.get("message") or "unauthorized"), code="unauthorized", provider=PROVIDER
        )
    if response.status_code >= 400:
        message = str(payload.get("message") or f"HTTP {response.status_code}")
        raise AdapterError(
            message, code=f"http_{response.status_code}", provider=PROVIDER, transient=False
        )
    return payload


def refusal_of(errors: list[dict]) -> ChannelRefused:
    reasons = []
    for error in errors:
        code = REFUSAL_CODES.get(str(error.get("code")))
        reasons.append(
            reason(code, LIMITS)
            if code
            else {"code": "channel_refused", "message": str(error.get("message") or error)}
        )
    return ChannelRefused(reasons or [{"code": "channel_refused"}], provider=PROVIDER)


def parse_import_info(payload: dict, sku: str) -> str | None:
    """The product id once imported; None while pending; refusal reasons when failed."""
    for item in (payload.get("result") or {}).get("items") or []:
        if item.get("offer_id") != sku:
            continue
        if item.get("status") == "imported" and item.get("product_id"):
            return str(item["product_id"])
        if item.get("status") == "failed":
            raise refusal_of(item.get("errors") or [])
        return None
    return None


def parse_update_result(payload: dict) -> None:
    for entry in payload.get("result") or []:
        if not entry.get("updated"):
            raise refusal_of(entry.get("errors") or [])


class OzonClient:
    """One seller's Ozon account (``Client-Id`` and ``Api-Key``)."""

    name = PROVIDER

    def __init__(
        self,
        settings: OzonSettings,
        client_id: str,
        api_key: str,
        warehouse_id: str | None = None,
        sleep=time.sleep,
    ):
        self.settings = settings
        self.warehouse_id = warehouse_id
        self.session = make_session(
            {"Client-Id": str(client_id), "Api-Key": api_key, "Content-Type": "application/json"}
        )
        self._sleep = sleep

    def _post(self, path: str, body: dict) -> dict:
        response = send(
            self.session,
            "POST",
            self.settings.url + path,
            provider=PROVIDER,
            timeout=self.settings.timeout,
            data=wire_json(body),
        )
        return parse_json(response)

    def check(self, product: ChannelProduct) -> None:
        reasons = refusals(product, LIMITS)
        if _category(product) is None and not any(
            r["code"] == "category_unmapped" for r in reasons
        ):
            reasons.append({"code": "category_unmapped"})
        if reasons:
            raise ChannelRefused(reasons, provider=PROVIDER)

    def find(self, sku: str) -> str | None:
        payload = self._post("/v3/product/info/list", {"offer_id": [sku]})
        for item in payload.get("items") or []:
            if item.get("offer_id") == sku and item.get("id"):
                return str(item["id"])
        return None

    def _import(self, product: ChannelProduct) -> str:
        payload = self._post("/v3/product/import", {"items": [build_import_item(product)]})
        task_id = (payload.get("result") or {}).get("task_id")
        if not task_id:
            raise BadResponse("import answered without task_id", provider=PROVIDER)
        return wait_until_made(
            lambda: parse_import_info(
                self._post("/v1/product/import/info", {"task_id": task_id}), product.sku
            ),
            polls=IMPORT_POLLS,
            pause_seconds=IMPORT_POLL_SECONDS,
            sleep=self._sleep,
            pending=ImportPending(f"import task {task_id} still running", provider=PROVIDER),
        )

    def _price_and_stock(self, product: ChannelProduct) -> None:
        parse_update_result(self._post("/v1/product/import/prices", build_prices(product)))
        parse_update_result(
            self._post(
                "/v2/products/stocks", build_stocks(product.sku, product.stock, self.warehouse_id)
            )
        )

    def create(self, product: ChannelProduct) -> str:
        product_id = self._import(product)
        self._price_and_stock(product)
        return product_id

    def update(self, product_id: str, product: ChannelProduct) -> None:
        # The import upserts by offer_id: content changes go the same way as a create.
        self._import(product)
        self._price_and_stock(product)

    def withdraw(self, product_id: str, sku: str) -> None:
        parse_update_result(
            self._post("/v2/products/stocks", build_stocks(sku, 0, self.warehouse_id))
        )
        self._post("/v1/product/archive", {"product_id": [int(product_id)]})

    def relist(self, product_id: str, sku: str) -> None:
        self._post("/v1/product/unarchive", {"product_id": [int(product_id)]})

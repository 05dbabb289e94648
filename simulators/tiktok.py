"""TikTok Shop's product API (202309) in miniature: signed calls, products by seller_sku.

Checks what ``adapters.channels.tiktok`` documents: ``app_key``, ``timestamp``
(within 5 minutes), ``shop_cipher`` and the HMAC-SHA256 ``sign`` over the
sorted query and the raw body, the ``x-tts-access-token`` header, and the
create body's listing rules (title 25-255 characters, 1-9 images, a category,
the price bounds). Like TikTok, it does not refuse a second product with the
same ``seller_sku``: only the caller's look-up keeps products single.
"""

from __future__ import annotations

import hmac
import itertools
import threading
import time
from decimal import Decimal, InvalidOperation

import orjson
from flask import Response, request

from adapters.channels.tiktok import LIMITS, sign
from simulators.base import Fault, Simulator

TITLE, IMAGES, PRICE, CATEGORY = 12052001, 12052003, 12052004, 12052005


def _answer(data=None, code: int = 0, message: str = "Success", status: int = 200):
    body = {"code": code, "message": message, "request_id": str(time.time_ns()), "data": data}
    return Response(orjson.dumps(body, default=str), status=status, mimetype="application/json")


class TiktokSimulator(Simulator):
    name = "tiktok-simulator"

    def __init__(
        self,
        *,
        app_key: str = "6d2ab1sandbox",
        app_secret: str = "test-tiktok-app-secret",  # noqa: S107 - its own test credential
        shops: dict[str, str] | None = None,
    ) -> None:
        self.app_key = app_key
        self.app_secret = app_secret
        # shop_cipher -> access token
        self.shops = dict(shops or {"ROW_sandbox_cipher": "test-tiktok-token"})
        self.products: dict[str, dict] = {}
        self.bodies: list[tuple[str, dict]] = []
        # Faults for create calls only (the base's faults match a path prefix, which
        # the search under the same path shares).
        self.create_faults: list[Fault] = []
        self._ids = itertools.count(1729000000000000001)
        self._lock = threading.Lock()
        super().__init__()

    def setup_routes(self) -> None:
        base = "/product/202309/products"
        routes = (
            (base, self._create),
            (f"{base}/search", self._search),
            (f"{base}/<item>/prices/update", self._prices),
            (f"{base}/<item>/inventory/update", self._inventory),
            (f"{base}/deactivate", self._deactivate),
            (f"{base}/activate", self._activate),
        )
        for rule, view in routes:
            self.app.add_url_rule(rule, view.__name__, self._guarded(view), methods=["POST"])

    def products_with_sku(self, sku: str) -> list[dict]:
        return [p for p in self.products.values() if p["seller_sku"] == sku]

    def _guarded(self, view):
        def handler(**kwargs):
            args = request.args
            if any(not args.get(name) for name in ("app_key", "timestamp", "shop_cipher", "sign")):
                return _answer(code=106001, message="missing common parameters", status=401)
            if args["app_key"] != self.app_key:
                return _answer(code=106001, message="app_key unknown", status=401)
            if abs(time.time() - int(args["timestamp"])) > 300:
                return _answer(code=106001, message="timestamp expired", status=401)
            query = {key: value for key, value in args.items()}
            expected = sign(self.app_secret, request.path, query, request.get_data())
            if not hmac.compare_digest(expected, args["sign"]):
                return _answer(code=106001, message="sign wrong", status=401)
            if self.shops.get(args["shop_cipher"]) != request.headers.get("x-tts-access-token"):
                return _answer(code=105002, message="access token invalid", status=401)
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return _answer(code=12019001, message="body must be a JSON object", status=400)
            self.bodies.append((request.path, body))
            return view(body, **kwargs)

        handler.__name__ = view.__name__
        return handler

    def _create(self, body):
        if self.create_faults:
            fault = self.create_faults.pop(0)
            if fault.kind == "status":
                return Response(fault.body, status=fault.status, mimetype="application/json")
            request.environ["simulator.fault"] = fault  # drop_after: act, then no answer
        title = str(body.get("title") or "")
        if not LIMITS.title_min <= len(title) <= LIMITS.title_max:
            return _answer(code=TITLE, message="title length")
        images = body.get("main_images") or []
        if not LIMITS.images_min <= len(images) <= LIMITS.images_max:
            return _answer(code=IMAGES, message="main_images count")
        if not str(body.get("category_id") or "").isdigit():
            return _answer(code=CATEGORY, message="category_id invalid")
        skus = body.get("skus")
        if not isinstance(skus, list) or len(skus) != 1:
            return _answer(code=12019001, message="skus: one entry here", status=400)
        sku = skus[0]
        try:
            price = Decimal(sku["price"]["amount"])
            quantity = int(sku["inventory"][0]["quantity"])
        except (KeyError, IndexError, TypeError, ValueError, InvalidOperation):
            return _answer(code=12019001, message="skus[0] price or inventory", status=400)
        if not LIMITS.price_min <= price <= LIMITS.price_max:
            return _answer(code=PRICE, message="price out of range")
        with self._lock:
            product_id, sku_id = str(next(self._ids)), str(next(self._ids))
            self.products[product_id] = {
                "id": product_id,
                "sku_id": sku_id,
                "seller_sku": sku.get("seller_sku") or "",
                "title": title,
                "price": price,
                "quantity": quantity,
                "status": "ACTIVATE",
            }
        return _answer(
            {
                "product_id": product_id,
                "skus": [{"id": sku_id, "seller_sku": sku.get("seller_sku")}],
            }
        )

    def _search(self, body):
        wanted = body.get("seller_skus") or []
        found = [
            {
                "id": p["id"],
                "status": p["status"],
                "skus": [{"id": p["sku_id"], "seller_sku": p["seller_sku"]}],
            }
            for p in self.products.values()
            if p["seller_sku"] in wanted
        ]
        return _answer({"products": found, "total_count": len(found)})

    def _sku_of(self, item: str, body) -> dict | None:
        product = self.products.get(item)
        try:
            sku_id = body["skus"][0]["id"]
        except (KeyError, IndexError, TypeError):
            return None
        return product if product is not None and product["sku_id"] == sku_id else None

    def _prices(self, body, item):
        product = self._sku_of(item, body)
        if product is None:
            return _answer(code=12052100, message="product or sku not found", status=404)
        try:
            price = Decimal(body["skus"][0]["price"]["amount"])
        except (KeyError, TypeError, InvalidOperation):
            return _answer(code=12019001, message="price", status=400)
        if not LIMITS.price_min <= price <= LIMITS.price_max:
            return _answer(code=PRICE, message="price out of range")
        product["price"] = price
        return _answer({})

    def _inventory(self, body, item):
        product = self._sku_of(item, body)
        if product is None:
            return _answer(code=12052100, message="product or sku not found", status=404)
        try:
            quantity = int(body["skus"][0]["inventory"][0]["quantity"])
        except (KeyError, IndexError, TypeError, ValueError):
            return _answer(code=12019001, message="inventory", status=400)
        product["quantity"] = quantity
        return _answer({})

    def _set_status(self, body, status: str):
        ids = body.get("product_ids")
        if not isinstance(ids, list) or not ids:
            return _answer(code=12019001, message="product_ids", status=400)
        for item in ids:
            if item in self.products:
                self.products[item]["status"] = status
        return _answer({"errors": []})

    def _deactivate(self, body):
        return self._set_status(body, "SELLER_DEACTIVATED")

    def _activate(self, body):
        return self._set_status(body, "ACTIVATE")

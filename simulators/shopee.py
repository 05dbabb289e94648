"""Shopee Open Platform v2 in miniature: signed shop calls on one item per SKU.

Checks what ``adapters.channels.shopee`` documents: the five common query
parameters, a timestamp within 5 minutes, the HMAC-SHA256 ``sign`` over
partner_id + path + timestamp + access_token + shop_id keyed by the partner key,
the shop's access token, and add_item's required fields and listing rules
(name 10-120 characters, 1-9 images, a brand, the price bounds, a description
of 20+). Like Shopee, it does not refuse a second item with the same
``item_sku``: only the caller's look-up keeps items single (``items_with_sku``).
"""

from __future__ import annotations

import hmac
import itertools
import threading
import time
from decimal import Decimal

import orjson
from flask import Response, request

from adapters.channels.shopee import LIMITS, sign
from simulators.base import Simulator

REQUIRED = (
    "item_name",
    "description",
    "original_price",
    "seller_stock",
    "weight",
    "image",
    "category_id",
    "brand",
)
COMMON = ("partner_id", "timestamp", "access_token", "shop_id", "sign")


def _answer(response: dict | None = None, error: str = "", message: str = "", status: int = 200):
    body = {"error": error, "message": message, "request_id": "sim-" + str(time.time_ns())}
    if response is not None:
        body["response"] = response
    return Response(orjson.dumps(body, default=str), status=status, mimetype="application/json")


class ShopeeSimulator(Simulator):
    name = "shopee-simulator"

    def __init__(
        self,
        *,
        partner_id: str = "2001887",
        partner_key: str = "test-shopee-partner-key",
        shops: dict[str, str] | None = None,
    ) -> None:
        self.partner_id = str(partner_id)
        self.partner_key = partner_key
        # shop_id -> access token granted to our partner app.
        self.shops = dict(shops or {"100001": "test-shopee-access-token"})
        self.items: dict[int, dict] = {}
        self.bodies: list[tuple[str, dict]] = []  # (path, body) of every accepted call
        self._ids = itertools.count(880000001)
        self._items_lock = threading.Lock()
        super().__init__()

    def setup_routes(self) -> None:
        routes = (
            ("product/search_item", self._search, "GET"),
            ("product/get_item_base_info", self._base_info, "GET"),
            ("product/add_item", self._add, "POST"),
            ("product/update_item", self._update_item, "POST"),
            ("product/update_price", self._update_price, "POST"),
            ("product/update_stock", self._update_stock, "POST"),
            ("product/unlist_item", self._unlist, "POST"),
        )
        for name, view, method in routes:
            self.app.add_url_rule(
                f"/api/v2/{name}", view.__name__, self._guarded(view), methods=[method]
            )

    # -- what tests read --------------------------------------------------------
    def items_with_sku(self, sku: str) -> list[dict]:
        return [item for item in self.items.values() if item["item_sku"] == sku]

    # -- checks -----------------------------------------------------------------
    def _guarded(self, view):
        def handler():
            problem = self._check_signature()
            if problem is not None:
                return problem
            if request.method == "POST":
                body = request.get_json(silent=True)
                if not isinstance(body, dict):
                    return _answer(error="error_param", message="body must be a JSON object")
                self.bodies.append((request.path, body))
                return view(body)
            return view(request.args)

        handler.__name__ = view.__name__
        return handler

    def _check_signature(self):
        args = request.args
        missing = [name for name in COMMON if not args.get(name)]
        if missing:
            return _answer(error="error_param", message=f"missing {', '.join(missing)}", status=400)
        if args["partner_id"] != self.partner_id:
            return _answer(error="error_auth", message="partner_id unknown", status=403)
        try:
            stamp = int(args["timestamp"])
        except ValueError:
            return _answer(error="error_param", message="timestamp", status=400)
        if abs(time.time() - stamp) > 300:
            return _answer(error="error_sign", message="timestamp expired", status=403)
        base = f"{args['partner_id']}{request.path}{stamp}{args['access_token']}{args['shop_id']}"
        if not hmac.compare_digest(sign(self.partner_key, base), args["sign"]):
            return _answer(error="error_sign", message="wrong sign", status=403)
        if self.shops.get(args["shop_id"]) != args["access_token"]:
            return _answer(error="error_auth", message="invalid access_token", status=403)
        return None

    def _item(self, body) -> dict | None:
        try:
            return self.items.get(int(body.get("item_id")))
        except (TypeError, ValueError):
            return None

    # -- routes -----------------------------------------------------------------
    def _search(self, args):
        sku = args.get("item_sku")
        if not sku:
            return _answer(error="error_param", message="item_sku or item_name is required")
        found = [item["item_id"] for item in self.items_with_sku(sku)]
        return _answer({"item_id_list": found, "total_count": len(found), "next_offset": ""})

    def _base_info(self, args):
        try:
            wanted = [int(part) for part in (args.get("item_id_list") or "").split(",") if part]
        except ValueError:
            return _answer(error="error_param", message="item_id_list")
        items = [
            {
                "item_id": item["item_id"],
                "item_sku": item["item_sku"],
                "item_name": item["item_name"],
                "item_status": item["status"],
                "price_info": [{"original_price": item["price"], "currency": "VND"}],
                "stock_info_v2": {"seller_stock": [{"stock": item["stock"]}]},
            }
            for item_id, item in self.items.items()
            if item_id in wanted
        ]
        return _answer({"item_list": items})

    def _add(self, body):
        missing = [name for name in REQUIRED if body.get(name) in (None, "", [], {})]
        if missing:
            return _answer(error="error_param", message=f"missing {', '.join(missing)}")
        name = str(body["item_name"])
        if not LIMITS.title_min <= len(name) <= LIMITS.title_max:
            return _answer(error="error_param", message="item_name_length is 10 to 120")
        images = (body.get("image") or {}).get("image_id_list") or []
        if not LIMITS.images_min <= len(images) <= LIMITS.images_max:
            return _answer(error="error_param", message="image_count is 1 to 9")
        if not (body.get("brand") or {}).get("original_brand_name"):
            return _answer(error="error_param", message="brand_required for this category")
        if not isinstance(body["category_id"], int) or body["category_id"] <= 0:
            return _answer(error="error_param", message="category_invalid")
        price = Decimal(str(body["original_price"]))
        if not LIMITS.price_min <= price <= LIMITS.price_max:
            return _answer(error="error_param", message="price_out_of_range")
        if len(str(body["description"])) < LIMITS.description_min:
            return _answer(error="error_param", message="description_length is at least 20")
        stock = body["seller_stock"]
        if not (isinstance(stock, list) and stock and isinstance(stock[0].get("stock"), int)):
            return _answer(error="error_param", message="seller_stock")
        with self._items_lock:
            item_id = next(self._ids)
            self.items[item_id] = {
                "item_id": item_id,
                "item_sku": body.get("item_sku") or "",
                "item_name": name,
                "description": body["description"],
                "price": price,
                "stock": stock[0]["stock"],
                "status": body.get("item_status") or "NORMAL",
                "images": images,
                "brand": body["brand"]["original_brand_name"],
            }
        return _answer({"item_id": item_id, "item_name": name, "item_status": "NORMAL"})

    def _update_item(self, body):
        item = self._item(body)
        if item is None:
            return _answer(error="error_item_not_found", message="item_id not found")
        if "item_name" in body:
            if not LIMITS.title_min <= len(str(body["item_name"])) <= LIMITS.title_max:
                return _answer(error="error_param", message="item_name_length is 10 to 120")
            item["item_name"] = body["item_name"]
        if "description" in body:
            item["description"] = body["description"]
        return _answer({"item_id": item["item_id"]})

    def _update_price(self, body):
        item = self._item(body)
        prices = body.get("price_list")
        if item is None:
            return _answer(error="error_item_not_found", message="item_id not found")
        if not isinstance(prices, list) or not prices or "original_price" not in prices[0]:
            return _answer(error="error_param", message="price_list")
        price = Decimal(str(prices[0]["original_price"]))
        if not LIMITS.price_min <= price <= LIMITS.price_max:
            return _answer(error="error_param", message="price_out_of_range")
        item["price"] = price
        return _answer(
            {"success_list": [{"model_id": 0, "original_price": price}], "failure_list": []}
        )

    def _update_stock(self, body):
        item = self._item(body)
        stocks = body.get("stock_list")
        if item is None:
            return _answer(error="error_item_not_found", message="item_id not found")
        try:
            stock = stocks[0]["seller_stock"][0]["stock"]
        except (TypeError, KeyError, IndexError):
            return _answer(error="error_param", message="stock_list")
        if not isinstance(stock, int) or stock < 0:
            return _answer(error="error_param", message="stock")
        item["stock"] = stock
        return _answer({"success_list": [{"model_id": 0, "stock": stock}], "failure_list": []})

    def _unlist(self, body):
        entries = body.get("item_list")
        if not isinstance(entries, list) or not entries:
            return _answer(error="error_param", message="item_list")
        success, failure = [], []
        for entry in entries:
            item = self._item(entry)
            if item is None:
                failure.append({"item_id": entry.get("item_id"), "failed_reason": "not found"})
                continue
            item["status"] = "UNLIST" if entry.get("unlist") else "NORMAL"
            success.append({"item_id": item["item_id"], "unlist": bool(entry.get("unlist"))})
        return _answer({"success_list": success, "failure_list": failure})

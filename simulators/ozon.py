"""Ozon Seller API in miniature: import tasks, look-ups by offer_id, prices, stocks, archive.

Checks what ``adapters.channels.ozon`` documents: ``Client-Id`` and ``Api-Key``
on every call, the import item's fields and types, brand (attribute 85), the
category pair, images and the price bounds (a failed task item carries the
error codes), and the prices and stocks bodies. An import upserts by
``offer_id`` as Ozon's does; ``pending_polls`` keeps a task "pending" for that
many polls of /v1/product/import/info.
"""

from __future__ import annotations

import itertools
import threading
from decimal import Decimal, InvalidOperation

import orjson
from flask import Response, request

from adapters.channels.ozon import LIMITS, OZON_BRAND
from simulators.base import Simulator

ITEM_FIELDS = {
    "offer_id": str,
    "name": str,
    "description_category_id": int,
    "type_id": int,
    "price": str,
    "currency_code": str,
    "vat": str,
    "images": list,
    "weight": int,
    "weight_unit": str,
    "depth": int,
    "width": int,
    "height": int,
    "dimension_unit": str,
    "attributes": list,
}


def _json(body: dict, status: int = 200) -> Response:
    return Response(orjson.dumps(body, default=str), status=status, mimetype="application/json")


def _error(status: int, message: str, code: int = 3) -> Response:
    return _json({"code": code, "message": message, "details": []}, status)


class OzonSimulator(Simulator):
    name = "ozon-simulator"

    def __init__(self, *, accounts: dict[str, str] | None = None, pending_polls: int = 0) -> None:
        self.accounts = dict(accounts or {"836201": "test-ozon-api-key"})
        self.pending_polls = pending_polls
        self.products: dict[str, dict] = {}  # offer_id -> product
        self.tasks: dict[int, dict] = {}
        self.bodies: list[tuple[str, dict]] = []  # (path, body) of every authorized call
        self._ids = itertools.count(550000001)
        self._task_ids = itertools.count(172549001)
        self._lock = threading.Lock()
        super().__init__()

    def setup_routes(self) -> None:
        routes = (
            ("/v3/product/import", self._import),
            ("/v1/product/import/info", self._import_info),
            ("/v3/product/info/list", self._info_list),
            ("/v1/product/import/prices", self._prices),
            ("/v2/products/stocks", self._stocks),
            ("/v1/product/archive", self._archive),
            ("/v1/product/unarchive", self._unarchive),
        )
        for rule, view in routes:
            self.app.add_url_rule(rule, view.__name__, self._guarded(view), methods=["POST"])

    def _guarded(self, view):
        def handler():
            client = request.headers.get("Client-Id", "")
            if not client or self.accounts.get(client) != request.headers.get("Api-Key"):
                return _error(401, "Client-Id and Api-Key do not match", code=16)
            body = request.get_json(silent=True)
            if not isinstance(body, dict):
                return _error(400, "body must be a JSON object")
            self.bodies.append((request.path, body))
            return view(body)

        handler.__name__ = view.__name__
        return handler

    # -- checks -----------------------------------------------------------------
    @staticmethod
    def _shape_problem(item) -> str | None:
        if not isinstance(item, dict):
            return "item must be an object"
        for name, kind in ITEM_FIELDS.items():
            if name not in item:
                return f"items: {name} is required"
            if not isinstance(item[name], kind) or isinstance(item[name], bool):
                return f"items: {name} must be {kind.__name__}"
        return None

    @staticmethod
    def _item_errors(item: dict) -> list[dict]:
        errors = []
        if len(item["name"]) > LIMITS.title_max:
            errors.append({"code": "TOO_LONG_NAME", "message": "name is too long"})
        if not item["images"]:
            errors.append({"code": "IMAGE_MISSING", "message": "at least one image"})
        brand = [a for a in item["attributes"] if a.get("id") == OZON_BRAND]
        if not brand or not (brand[0].get("values") or [{}])[0].get("value"):
            errors.append({"code": "BRAND_MISSING", "message": "attribute 85 (brand) is required"})
        if item["description_category_id"] <= 0 or item["type_id"] <= 0:
            errors.append({"code": "CATEGORY_NOT_FOUND", "message": "unknown category"})
        try:
            price = Decimal(item["price"])
        except InvalidOperation:
            price = Decimal(-1)
        if not LIMITS.price_min <= price <= LIMITS.price_max:
            errors.append({"code": "PRICE_OUT_OF_RANGE", "message": "price out of range"})
        return errors

    # -- routes -----------------------------------------------------------------
    def _import(self, body):
        items = body.get("items")
        if not isinstance(items, list) or not 1 <= len(items) <= 100:
            return _error(400, "items: 1 to 100 items")
        for item in items:
            problem = self._shape_problem(item)
            if problem:
                return _error(400, problem)
        with self._lock:
            task_id = next(self._task_ids)
            results = []
            for item in items:
                errors = self._item_errors(item)
                product = self.products.get(item["offer_id"])
                if not errors:
                    if product is None:
                        product = {
                            "id": next(self._ids),
                            "offer_id": item["offer_id"],
                            "archived": False,
                            "stock": 0,
                        }
                        self.products[item["offer_id"]] = product
                    product.update(item=item, name=item["name"], price=Decimal(item["price"]))
                results.append(
                    {
                        "offer_id": item["offer_id"],
                        "product_id": product["id"] if product and not errors else 0,
                        "status": "failed" if errors else "imported",
                        "errors": errors,
                    }
                )
            self.tasks[task_id] = {"items": results, "polls": 0}
        return _json({"result": {"task_id": task_id}})

    def _import_info(self, body):
        task = self.tasks.get(body.get("task_id"))
        if task is None:
            return _error(404, "task not found", code=5)
        task["polls"] += 1
        if task["polls"] <= self.pending_polls:
            items = [{**item, "status": "pending", "product_id": 0} for item in task["items"]]
        else:
            items = task["items"]
        return _json({"result": {"items": items, "total": len(items)}})

    def _info_list(self, body):
        wanted = body.get("offer_id") or []
        if not isinstance(wanted, list):
            return _error(400, "offer_id must be a list")
        items = [
            {
                "id": product["id"],
                "offer_id": product["offer_id"],
                "name": product["name"],
                "price": str(product["price"]),
                "is_archived": product["archived"],
                "stocks": {"stocks": [{"present": product["stock"], "source": "fbs"}]},
            }
            for offer_id, product in self.products.items()
            if offer_id in wanted
        ]
        return _json({"items": items})

    def _prices(self, body):
        prices = body.get("prices")
        if not isinstance(prices, list) or not 1 <= len(prices) <= 1000:
            return _error(400, "prices: 1 to 1000 entries")
        result = []
        for entry in prices:
            product = self.products.get(entry.get("offer_id"))
            if product is None:
                result.append(self._not_found(entry))
                continue
            try:
                price = Decimal(str(entry["price"]))
            except (KeyError, InvalidOperation):
                return _error(400, "prices: price must be a decimal string")
            if not LIMITS.price_min <= price <= LIMITS.price_max:
                result.append(
                    {
                        **self._ok(product),
                        "updated": False,
                        "errors": [{"code": "PRICE_OUT_OF_RANGE", "message": "price out of range"}],
                    }
                )
                continue
            product["price"] = price
            result.append(self._ok(product))
        return _json({"result": result})

    def _stocks(self, body):
        stocks = body.get("stocks")
        if not isinstance(stocks, list) or not 1 <= len(stocks) <= 100:
            return _error(400, "stocks: 1 to 100 entries")
        result = []
        for entry in stocks:
            product = self.products.get(entry.get("offer_id"))
            stock = entry.get("stock")
            if not isinstance(stock, int) or stock < 0:
                return _error(400, "stocks: stock must be a whole number")
            if product is None:
                result.append(self._not_found(entry))
                continue
            product["stock"] = stock
            result.append(self._ok(product))
        return _json({"result": result})

    def _archive(self, body):
        return self._set_archived(body, True)

    def _unarchive(self, body):
        return self._set_archived(body, False)

    def _set_archived(self, body, archived: bool):
        ids = body.get("product_id")
        if not isinstance(ids, list) or not ids:
            return _error(400, "product_id: a list of ids")
        for product in self.products.values():
            if product["id"] in ids:
                product["archived"] = archived
        return _json({"result": True})

    @staticmethod
    def _ok(product: dict) -> dict:
        return {
            "product_id": product["id"],
            "offer_id": product["offer_id"],
            "updated": True,
            "errors": [],
        }

    @staticmethod
    def _not_found(entry: dict) -> dict:
        return {
            "product_id": 0,
            "offer_id": entry.get("offer_id"),
            "updated": False,
            "errors": [{"code": "NOT_FOUND", "message": "product not found"}],
        }

"""Wildberries' content and prices APIs in miniature: cards by vendorCode, prices by nmID.

Checks what ``adapters.channels.wildberries`` documents: the ``Authorization``
token, the upload's shape (subjectID, variants with vendorCode, title up to 60
characters, brand, dimensions, sizes with a whole price), a vendorCode already
taken (refused, as WB does), prices by a known nmID in whole units, trash and
recover. ``pending_lists`` hides a new card from that many list calls (WB makes
cards asynchronously).
"""

from __future__ import annotations

import itertools
import threading

import orjson
from flask import Response, request

from adapters.channels.wildberries import LIMITS
from simulators.base import Simulator

VARIANT_FIELDS = {
    "vendorCode": str,
    "title": str,
    "description": str,
    "brand": str,
    "dimensions": dict,
    "characteristics": list,
    "sizes": list,
}


def _json(body, status: int = 200) -> Response:
    return Response(orjson.dumps(body, default=str), status=status, mimetype="application/json")


def _error(text: str, status: int = 400) -> Response:
    return _json({"data": None, "error": True, "errorText": text, "additionalErrors": {}}, status)


def _ok(data=None) -> Response:
    return _json({"data": data, "error": False, "errorText": "", "additionalErrors": None})


class WildberriesSimulator(Simulator):
    name = "wildberries-simulator"

    def __init__(
        self,
        *,
        token: str = "test-wb-token",  # noqa: S107 - its own test credential
        pending_lists: int = 0,
    ) -> None:
        self.token = token
        self.pending_lists = pending_lists
        self.cards: dict[str, dict] = {}  # vendorCode -> card
        self.bodies: list[tuple[str, object]] = []
        self._ids = itertools.count(210000001)
        self._tasks = itertools.count(1)
        self._lock = threading.Lock()
        super().__init__()

    def setup_routes(self) -> None:
        routes = (
            ("/content/v2/cards/upload", self._upload),
            ("/content/v2/get/cards/list", self._list),
            ("/content/v2/get/cards/trash", self._trash_list),
            ("/content/v2/cards/update", self._update),
            ("/api/v2/upload/task", self._prices),
            ("/content/v2/cards/delete/trash", self._trash),
            ("/content/v2/cards/recover", self._recover),
        )
        for rule, view in routes:
            self.app.add_url_rule(rule, view.__name__, self._guarded(view), methods=["POST"])

    def _guarded(self, view):
        def handler():
            if request.headers.get("Authorization") != self.token:
                return _json({"title": "unauthorized", "detail": "token"}, 401)
            body = request.get_json(silent=True)
            if body is None:
                return _error("body must be JSON")
            self.bodies.append((request.path, body))
            return view(body)

        handler.__name__ = view.__name__
        return handler

    def _by_nm(self, nm_id) -> dict | None:
        return next((card for card in self.cards.values() if card["nmID"] == nm_id), None)

    @staticmethod
    def _variant_problem(variant) -> str | None:
        if not isinstance(variant, dict):
            return "variants: objects"
        for name, kind in VARIANT_FIELDS.items():
            if not isinstance(variant.get(name), kind):
                return f"variants.{name} must be {kind.__name__}"
        if len(variant["title"]) > LIMITS.title_max:
            return "title is longer than 60 characters"
        if not variant["brand"]:
            return "brand is required"
        if len(variant["description"]) > LIMITS.description_max:
            return "description is longer than 5000 characters"
        sizes = variant["sizes"]
        if not sizes or not isinstance(sizes[0].get("price"), int) or sizes[0]["price"] <= 0:
            return "price must be a whole positive number"
        return None

    def _upload(self, body):
        if not isinstance(body, list) or not 1 <= len(body) <= 100:
            return _error("1 to 100 cards")
        for card in body:
            if not isinstance(card, dict) or not isinstance(card.get("subjectID"), int):
                return _error("subjectID is required")
            if card["subjectID"] <= 0:
                return _error("subjectID not found")
            variants = card.get("variants")
            if not isinstance(variants, list) or not variants:
                return _error("variants are required")
            for variant in variants:
                problem = self._variant_problem(variant)
                if problem:
                    return _error(problem)
                if variant["vendorCode"] in self.cards:
                    return _error(f"vendorCode {variant['vendorCode']} is already used")
        with self._lock:
            for card in body:
                for variant in card["variants"]:
                    self.cards[variant["vendorCode"]] = {
                        "nmID": next(self._ids),
                        "vendorCode": variant["vendorCode"],
                        "subjectID": card["subjectID"],
                        "title": variant["title"],
                        "price": variant["sizes"][0]["price"],
                        "trashed": False,
                        "hidden_lists": self.pending_lists,
                    }
        return _ok()

    def _search(self, body, trashed: bool):
        try:
            text = body["settings"]["filter"]["textSearch"]
        except (KeyError, TypeError):
            return _error("settings.filter.textSearch")
        cards = []
        for card in self.cards.values():
            if card["vendorCode"] != text or card["trashed"] != trashed:
                continue
            if card["hidden_lists"] > 0:
                card["hidden_lists"] -= 1
                continue
            cards.append(
                {
                    "nmID": card["nmID"],
                    "vendorCode": card["vendorCode"],
                    "title": card["title"],
                    "subjectID": card["subjectID"],
                }
            )
        return _json({"cards": cards, "cursor": {"total": len(cards)}})

    def _list(self, body):
        return self._search(body, trashed=False)

    def _trash_list(self, body):
        return self._search(body, trashed=True)

    def _update(self, body):
        if not isinstance(body, list) or not body:
            return _error("cards are required")
        for entry in body:
            card = self._by_nm(entry.get("nmID")) if isinstance(entry, dict) else None
            if card is None:
                return _error("nmID not found")
            if len(str(entry.get("title") or "")) > LIMITS.title_max:
                return _error("title is longer than 60 characters")
            card["title"] = entry.get("title") or card["title"]
        return _ok()

    def _prices(self, body):
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list) or not data:
            return _error("data is required")
        for entry in data:
            card = self._by_nm(entry.get("nmID"))
            price = entry.get("price")
            if card is None:
                return _error("nmID not found")
            if not isinstance(price, int) or price <= 0:
                return _error("price must be a whole positive number")
            card["price"] = price
        return _json(
            {
                "data": {"id": next(self._tasks), "alreadyExists": False},
                "error": False,
                "errorText": "",
            }
        )

    def _set_trashed(self, body, trashed: bool):
        ids = body.get("nmIDs") if isinstance(body, dict) else None
        if not isinstance(ids, list) or not ids:
            return _error("nmIDs are required")
        for nm_id in ids:
            card = self._by_nm(nm_id)
            if card is not None:
                card["trashed"] = trashed
        return _ok()

    def _trash(self, body):
        return self._set_trashed(body, True)

    def _recover(self, body):
        return self._set_trashed(body, False)

"""CDEK's API v2 in miniature: OAuth tokens, asynchronous orders, barcodes, webhooks.

* ``POST /v2/oauth/token`` issues bearer tokens valid ``token_ttl`` seconds;
  ``expire_tokens()`` revokes them all at once (the "token expiry" fault).
* ``POST /v2/orders`` answers 202 with the CREATE request ``ACCEPTED``; the
  order is validated when it is next read (after ``processing_delay``):
  ``SUCCESSFUL`` with a ``cdek_number``, or ``INVALID`` for an unserved city
  (``v2_recipient_location_not_recognized``) or a ``number`` already used by
  a live order (``v2_im_number_already_used``, unless ``unique_references`` is off).
* ``GET /v2/orders/<uuid>``, ``GET /v2/orders?im_number=``, ``DELETE /v2/orders/<uuid>``.
* ``POST /v2/print/barcodes``, ``GET /v2/print/barcodes/<uuid>`` and its ``.pdf``.
* ``POST /v2/webhooks``; ``advance()`` posts ``ORDER_STATUS`` to the subscribed URL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from flask import Response, jsonify, request

from simulators.base import Fault
from simulators.parcel import ParcelSimulator, label_pdf, new_uuid, now_iso, random_code

ROUTE = (
    "CREATED",
    "RECEIVED_AT_SHIPMENT_WAREHOUSE",
    "SENT_TO_RECIPIENT_CITY",
    "ACCEPTED_IN_RECIPIENT_CITY",
    "TAKEN_BY_COURIER",
    "DELIVERED",
)
CANCELLABLE = ("ACCEPTED", "CREATED")
NAMES = {
    "ACCEPTED": "Принят",
    "CREATED": "Создан",
    "RECEIVED_AT_SHIPMENT_WAREHOUSE": "Принят на склад отправителя",
    "SENT_TO_RECIPIENT_CITY": "Отправлен в г. получателя",
    "ACCEPTED_IN_RECIPIENT_CITY": "Встречен в г. получателя",
    "TAKEN_BY_COURIER": "Выдан на доставку",
    "DELIVERED": "Вручен",
    "REMOVED": "Удален",
    "INVALID": "Некорректный заказ",
}
OFFSET = "+0600"  # Almaty


class CdekSimulator(ParcelSimulator):
    name = "cdek-simulator"
    chaos_paths = ("/v2/orders",)
    create_route = ("POST", "/v2/orders")

    def __init__(
        self,
        *,
        client_id: str = "test-cdek-client",
        client_secret: str = "test-cdek-secret",  # noqa: S107 - its own test credential
        token_ttl: int = 3600,
        processing_delay: float = 0.0,
        unserved_cities: tuple[str, ...] = ("Байконур",),
        unique_references: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        # When tokens expire; a test may pass its own clock to move time on instantly.
        self.clock = clock
        self.client_secret = client_secret
        self.token_ttl = token_ttl
        self.processing_delay = processing_delay
        self.unserved_cities = set(unserved_cities)
        self.tokens: dict[str, float] = {}
        self.tokens_issued = 0
        self.orders: dict[str, dict] = {}  # uuid -> order, every one ever posted
        self.prints: dict[str, dict] = {}
        self.subscriptions: dict[str, str] = {}
        super().__init__(unique_references=unique_references)

    def error_body(self, status: int, message: str) -> str:
        return json.dumps(_invalid("GET", "v2_internal_error", message))

    def address_refusal(self) -> Fault:
        """What CDEK answers for a recipient address it cannot place."""
        body = _invalid(
            "CREATE", "v2_recipient_location_not_recognized", "Recipient location not recognized"
        )
        return Fault(kind="status", status=400, body=json.dumps(body))

    def reset(self) -> None:
        super().reset()
        with self._registry_lock:
            self.tokens.clear()
            self.tokens_issued = 0
            self.orders.clear()
            self.prints.clear()
            self.subscriptions.clear()

    def expire_tokens(self) -> None:
        """Every issued token stops working (as if all had reached expires_in)."""
        with self._registry_lock:
            self.tokens.clear()

    def setup_routes(self) -> None:
        rules = (
            ("/v2/oauth/token", self._token, ["POST"]),
            ("/v2/orders", self._orders, ["GET", "POST"]),
            ("/v2/orders/<order_uuid>", self._order, ["GET", "DELETE"]),
            ("/v2/print/barcodes", self._print, ["POST"]),
            ("/v2/print/barcodes/<name>", self._print_status, ["GET"]),
            ("/v2/webhooks", self._webhooks, ["POST"]),
        )
        for rule, view, methods in rules:
            self.app.add_url_rule(rule, view.__name__, view, methods=methods)

    # -- auth ---------------------------------------------------------------------
    def _token(self):
        values = request.values
        if values.get("grant_type") != "client_credentials" or (
            values.get("client_id"),
            values.get("client_secret"),
        ) != (self.client_id, self.client_secret):
            return _json(401, {"error": "invalid_client", "error_description": "Bad credentials"})
        token = random_code(40)
        with self._registry_lock:
            self.tokens[token] = self.clock() + self.token_ttl
            self.tokens_issued += 1
        return jsonify(
            {
                "access_token": token,
                "token_type": "bearer",
                "expires_in": self.token_ttl,
                "scope": "order:all payment:all",
                "jti": new_uuid(),
            }
        )

    def _authorized(self):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        expires = self.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if expires is None or expires <= self.clock():
            return _json(401, {"error": "invalid_token", "error_description": "Token expired"})
        return None

    # -- orders -------------------------------------------------------------------
    def _orders(self):
        problem = self._authorized()
        if problem:
            return problem
        if request.method == "GET":
            number = request.args.get("im_number")
            order = self._live_by_number(number) if number else None
            if order is None:
                return _json(404, _invalid("GET", "v2_entity_not_found", "Order not found"))
            return jsonify(self._order_body(order))
        body = request.get_json(silent=True)
        problem = _validate(body)
        if problem:
            return _json(400, _invalid("CREATE", problem[0], problem[1]))
        order = {
            "uuid": new_uuid(),
            "number": str(body.get("number") or ""),
            "body": body,
            "state": "ACCEPTED",
            "errors": [],
            "cdek_number": None,
            "statuses": [{"code": "ACCEPTED", "date_time": now_iso(OFFSET)}],
            "resolve_at": time.time() + self.processing_delay,
            "request_uuid": new_uuid(),
        }
        with self._registry_lock:
            self.orders[order["uuid"]] = order
        return _json(
            202,
            {
                "entity": {"uuid": order["uuid"]},
                "requests": [self._request_state(order)],
                "related_entities": [],
            },
        )

    def _order(self, order_uuid: str):
        problem = self._authorized()
        if problem:
            return problem
        order = self.orders.get(order_uuid)
        if order is None:
            return _json(404, _invalid("GET", "v2_entity_not_found", "Order not found"))
        self._resolve(order)
        if request.method == "DELETE":
            if order["statuses"][-1]["code"] not in CANCELLABLE:
                return _json(
                    400, _invalid("DELETE", "v2_order_status_not_allowed", "Cannot delete")
                )
            self._set_status(order, "REMOVED")
            return _json(
                202,
                {
                    "entity": {"uuid": order_uuid},
                    "requests": [
                        {"type": "DELETE", "state": "ACCEPTED", "date_time": now_iso(OFFSET)}
                    ],
                },
            )
        return jsonify(self._order_body(order))

    def _resolve(self, order: dict) -> None:
        """Validate an ACCEPTED order once its processing time has passed."""
        with self._registry_lock:
            if order["state"] != "ACCEPTED" or time.time() < order["resolve_at"]:
                return
            city = (order["body"].get("to_location") or {}).get("city")
            if city in self.unserved_cities:
                order["state"] = "INVALID"
                order["errors"] = [
                    {
                        "code": "v2_recipient_location_not_recognized",
                        "message": "Recipient location not recognized",
                    }
                ]
                return
            cdek_number = random_code(10, "0123456789")
            parcel = self.register(order["number"], {"uuid": order["uuid"]})
            if parcel is None:
                order["state"] = "INVALID"
                order["errors"] = [
                    {"code": "v2_im_number_already_used", "message": "Number already used"}
                ]
                return
            order["state"] = "SUCCESSFUL"
            order["cdek_number"] = cdek_number
            parcel["cdek_number"] = cdek_number
            order["statuses"].append({"code": "CREATED", "date_time": now_iso(OFFSET)})
            parcel["status"] = "CREATED"

    def _live_by_number(self, number: str) -> dict | None:
        candidates = [o for o in list(self.orders.values()) if o["number"] == number]
        for order in candidates:
            self._resolve(order)
        live = [o for o in candidates if o["state"] != "INVALID"]
        live.sort(key=lambda o: o["state"] != "SUCCESSFUL")
        return live[0] if live else None

    def _request_state(self, order: dict) -> dict:
        return {
            "request_uuid": order["request_uuid"],
            "type": "CREATE",
            "date_time": order["statuses"][0]["date_time"],
            "state": order["state"],
            "errors": order["errors"],
            "warnings": [],
        }

    def _order_body(self, order: dict) -> dict:
        body = order["body"]
        entity = {
            "uuid": order["uuid"],
            "type": body.get("type"),
            "is_return": False,
            "number": order["number"],
            "tariff_code": body.get("tariff_code"),
            "recipient": body.get("recipient"),
            "to_location": body.get("to_location"),
            "packages": body.get("packages"),
            "statuses": [
                {**status, "name": NAMES.get(status["code"], status["code"]), "city": "Алматы"}
                for status in reversed(order["statuses"])  # CDEK lists the newest first
            ],
        }
        if order["cdek_number"]:
            entity["cdek_number"] = order["cdek_number"]
        return {"entity": entity, "requests": [self._request_state(order)]}

    # -- print forms --------------------------------------------------------------
    def _print(self):
        problem = self._authorized()
        if problem:
            return problem
        body = request.get_json(silent=True) or {}
        uuids = [o.get("order_uuid") for o in body.get("orders") or [] if isinstance(o, dict)]
        orders = [self.orders.get(str(u)) for u in uuids]
        if not uuids or any(o is None or o["state"] != "SUCCESSFUL" for o in orders):
            return _json(400, _invalid("CREATE", "v2_entity_not_found", "Order not found"))
        task = new_uuid()
        self.prints[task] = {"orders": orders, "format": body.get("format", "A6")}
        return _json(
            202,
            {"entity": {"uuid": task}, "requests": [{"type": "CREATE", "state": "ACCEPTED"}]},
        )

    def _print_status(self, name: str):
        problem = self._authorized()
        if problem:
            return problem
        task_id = name.removesuffix(".pdf")
        task = self.prints.get(task_id)
        if task is None:
            return _json(404, _invalid("GET", "v2_entity_not_found", "Print form not found"))
        if name.endswith(".pdf"):
            labels = [
                (
                    str(order["cdek_number"]),
                    [
                        "CDEK  SANDBOX",
                        f"Ref {order['number']}",
                        str((order["body"].get("recipient") or {}).get("name") or ""),
                        str((order["body"].get("to_location") or {}).get("city") or ""),
                    ],
                )
                for order in task["orders"]
            ]
            return Response(label_pdf(labels), content_type="application/pdf")
        return jsonify(
            {
                "entity": {
                    "uuid": task_id,
                    "orders": [{"order_uuid": o["uuid"]} for o in task["orders"]],
                    "format": task["format"],
                    "copy_count": 1,
                    "url": f"{request.host_url.rstrip('/')}/v2/print/barcodes/{task_id}.pdf",
                    "statuses": [
                        {"code": "ACCEPTED", "date_time": now_iso(OFFSET)},
                        {"code": "PROCESSING", "date_time": now_iso(OFFSET)},
                        {"code": "READY", "date_time": now_iso(OFFSET)},
                    ],
                },
                "requests": [],
            }
        )

    # -- webhooks -----------------------------------------------------------------
    def _webhooks(self):
        problem = self._authorized()
        if problem:
            return problem
        body = request.get_json(silent=True) or {}
        if body.get("type") not in ("ORDER_STATUS", "PRINT_FORM") or not body.get("url"):
            return _json(400, _invalid("CREATE", "v2_field_is_empty", "type and url required"))
        self.subscriptions[body["type"]] = body["url"]
        if body["type"] == "ORDER_STATUS":
            self.webhook_url = body["url"]
        uuid = new_uuid()
        return jsonify(
            {"entity": {"uuid": uuid}, "requests": [{"type": "CREATE", "state": "SUCCESSFUL"}]}
        )

    def _set_status(self, order: dict, code: str) -> None:
        order["statuses"].append({"code": code, "date_time": now_iso(OFFSET)})
        parcel = self.find(order["number"])
        if parcel is not None and parcel["uuid"] == order["uuid"]:
            parcel["status"] = code

    def webhook_payload(self, order: dict) -> dict:
        latest = order["statuses"][-1]
        return {
            "type": "ORDER_STATUS",
            "date_time": now_iso(OFFSET),
            "uuid": order["uuid"],
            "attributes": {
                "is_return": False,
                "cdek_number": order["cdek_number"],
                "number": order["number"],
                "code": latest["code"],
                "status_code": str(ROUTE.index(latest["code"]) + 1)
                if latest["code"] in ROUTE
                else "0",
                "status_date_time": latest["date_time"],
                "city_name": "Алматы",
                "city_code": "4756",
            },
        }

    def advance(self, reference: str, status: str) -> dict:
        """Move the order under our key to ``status`` and post ORDER_STATUS."""
        parcel = self.find(reference)
        if parcel is None:
            raise KeyError(reference)
        order = self.orders[parcel["uuid"]]
        self._set_status(order, status)
        payload = self.webhook_payload(order)
        self.deliver(payload)
        return payload

    def courier_route(self) -> tuple[str, ...]:
        return ROUTE


def _validate(body) -> tuple[str, str] | None:
    if not isinstance(body, dict):
        return "v2_bad_request", "Body must be a JSON object"
    if body.get("type") == 1 and not body.get("number"):
        return "v2_field_is_empty", "number is required for online store orders"
    if not body.get("tariff_code"):
        return "v2_field_is_empty", "tariff_code is required"
    recipient = body.get("recipient") or {}
    if not recipient.get("name") or not (recipient.get("phones") or [{}])[0].get("number"):
        return "v2_recipient_phones_empty", "recipient.name and recipient.phones are required"
    location = body.get("to_location") or {}
    if not (location.get("code") or location.get("city")) or not location.get("address"):
        return "v2_to_location_empty", "to_location needs a city (or code) and an address"
    packages = body.get("packages") or []
    if not packages or any(not p.get("weight") for p in packages):
        return "v2_package_weight_is_empty", "every package needs a weight"
    return None


def _invalid(kind: str, code: str, message: str) -> dict:
    return {
        "requests": [
            {
                "request_uuid": new_uuid(),
                "type": kind,
                "date_time": now_iso(OFFSET),
                "state": "INVALID",
                "errors": [{"code": code, "message": message}],
            }
        ]
    }


def _json(status: int, body: dict):
    response = jsonify(body)
    response.status_code = status
    return response

"""GHTK's shop API in miniature: its ``success`` answers and numeric status codes.

Implements create (``?ver=1.5``), status by label or by our id, cancel before
pick-up, the PDF label, and status updates posted as a form (``advance``).
Checks the ``Token`` and ``X-Client-Source`` headers, the fields GHTK requires,
the buyer's phone, unserved districts (a permanent address rejection) and a
repeated ``order.id`` (refused with ``ORDER_ID_EXIST`` unless
``unique_references`` is off).
"""

from __future__ import annotations

import json
import re

import requests
from flask import Response, jsonify, request

from simulators.base import Fault
from simulators.parcel import ParcelSimulator, label_pdf, log, now_iso, random_code

REQUIRED = ("id", "name", "tel", "address", "province", "district")
PHONE = re.compile(r"^0[35789]\d{8}$")
ROUTE = ("2", "12", "3", "4", "5")
CANCELLABLE = ("1", "2", "12")


class GhtkSimulator(ParcelSimulator):
    name = "ghtk-simulator"
    chaos_paths = ("/services/shipment/order",)
    create_route = ("POST", "/services/shipment/order")

    def __init__(
        self,
        *,
        token: str = "test-ghtk-token",  # noqa: S107 - its own test credential
        partner_code: str = "S308157",
        unserved_districts: tuple[str, ...] = ("Huyện Trường Sa",),
        unique_references: bool = True,
    ) -> None:
        self.token = token
        self.partner_code = partner_code
        self.unserved_districts = set(unserved_districts)
        super().__init__(unique_references=unique_references)

    def error_body(self, status: int, message: str) -> str:
        return json.dumps({"success": False, "message": message})

    def address_refusal(self) -> Fault:
        """What GHTK answers for a district it does not serve."""
        body = {"success": False, "message": "Địa chỉ giao hàng chưa được hỗ trợ"}
        return Fault(kind="status", status=400, body=json.dumps(body, ensure_ascii=False))

    def setup_routes(self) -> None:
        rules = (
            ("/services/shipment/order/", self._create, "POST"),
            ("/services/shipment/v2/<reference>", self._status, "GET"),
            ("/services/shipment/cancel/<label>", self._cancel, "POST"),
            ("/services/label/<label>", self._label, "GET"),
        )
        for rule, view, method in rules:
            self.app.add_url_rule(rule, view.__name__, view, methods=[method])

    # -- helpers ------------------------------------------------------------------
    def _auth(self):
        if request.headers.get("Token") != self.token:
            return _answer(401, "Token không hợp lệ")
        if request.headers.get("X-Client-Source") != self.partner_code:
            return _answer(401, "X-Client-Source không hợp lệ")
        return None

    def _by_label(self, label: str) -> dict | None:
        for parcel in self.parcels:
            if parcel["label"] == label:
                return parcel
        return None

    # -- routes -------------------------------------------------------------------
    def _create(self):
        problem = self._auth()
        if problem:
            return problem
        body = request.get_json(silent=True)
        order = body.get("order") if isinstance(body, dict) else None
        if not isinstance(order, dict) or not body.get("products"):
            return _answer(400, "Dữ liệu đơn hàng không hợp lệ")
        missing = [name for name in REQUIRED if order.get(name) in (None, "")]
        if missing:
            return _answer(400, f"Thiếu thông tin: {', '.join(missing)}")
        if not PHONE.match(str(order["tel"])):
            return _answer(400, "Số điện thoại người nhận không hợp lệ")
        if order["district"] in self.unserved_districts:
            return _answer(400, "Địa chỉ giao hàng chưa được hỗ trợ")
        reference = str(order["id"])
        existing = self.find(reference)
        now = now_iso("+07:00")
        parcel = {"label": f"S{self.partner_code[-3:]}.{random_code(9)}", "status": "2"}
        parcel.update(body=body, modified=now)
        stored = self.register(reference, parcel)
        if stored is None:
            return _answer(
                400,
                "Mã đơn hàng đã tồn tại",
                error={"code": "ORDER_ID_EXIST", "partner_id": reference, **_label_of(existing)},
            )
        return _answer(
            200,
            "",
            order={
                "partner_id": reference,
                "label": stored["label"],
                "area": "1",
                "fee": "30400",
                "insurance_fee": "0",
                "estimated_deliver_time": now,
                "status_id": 2,
            },
        )

    def _status(self, reference: str):
        problem = self._auth()
        if problem:
            return problem
        parcel = self._by_label(reference) or self.find(reference)
        if parcel is None:
            return _answer(200, "Không tìm thấy đơn hàng", success=False)
        return _answer(
            200,
            "",
            order={
                "label_id": parcel["label"],
                "partner_id": parcel["reference"],
                "status": parcel["status"],
                "modified": parcel["modified"],
                "weight": parcel["body"]["order"].get("total_weight"),
            },
        )

    def _cancel(self, label: str):
        problem = self._auth()
        if problem:
            return problem
        parcel = self._by_label(label)
        if parcel is None or parcel["status"] not in CANCELLABLE:
            return _answer(200, "Đơn hàng không thể hủy", success=False)
        self._set_status(parcel, "-1")
        return _answer(200, "")

    def _label(self, label: str):
        problem = self._auth()
        if problem:
            return problem
        if self._by_label(label) is None:
            return _answer(200, "Mã vận đơn không hợp lệ", success=False)
        parcel = self._by_label(label)
        body = parcel.get("body") or {}
        order = (body.get("order") or {}) if isinstance(body, dict) else {}
        lines = ["GHTK  SANDBOX", str(order.get("name", "")), str(order.get("tel", ""))]
        lines.append(", ".join(str(order.get(k, "")) for k in ("address", "ward", "province")))
        return Response(label_pdf([(label, lines)]), content_type="application/pdf")

    # -- status changes and updates -----------------------------------------------
    def _set_status(self, parcel: dict, status: str) -> None:
        parcel["status"] = status
        parcel["modified"] = now_iso("+07:00")
        if status == "-1":
            parcel["live"] = True  # a cancelled GHTK order still answers its status

    def update_fields(self, parcel: dict) -> dict:
        """The form GHTK posts to the shop's callback URL."""
        return {
            "label_id": parcel["label"],
            "partner_id": parcel["reference"],
            "status_id": parcel["status"],
            "action_time": parcel["modified"],
            "reason_code": "",
            "reason": "",
            "weight": "1.2",
            "fee": "30400",
            "return_part_package": "0",
        }

    def deliver(self, payload: dict, headers: dict[str, str] | None = None) -> int | None:
        """GHTK posts its updates as a form, not JSON."""
        self.delivered_webhooks.append(payload)
        if not self.webhook_url:
            return None
        try:
            response = requests.post(
                self.webhook_url,
                data=payload,
                headers={**self.webhook_headers, **(headers or {})},
                timeout=5,
            )
        except requests.RequestException as exc:
            log.warning("%s: update not delivered (%s)", self.name, type(exc).__name__)
            return None
        return response.status_code

    def advance(self, reference: str, status: str) -> dict:
        """Move the parcel to ``status`` and post the update; returns the form fields."""
        parcel = self.find(reference)
        if parcel is None:
            raise KeyError(reference)
        self._set_status(parcel, status)
        payload = self.update_fields(parcel)
        self.deliver(payload)
        return payload

    def courier_route(self) -> tuple[str, ...]:
        return ROUTE


def _label_of(parcel: dict | None) -> dict:
    return {"ghtk_label": parcel["label"]} if parcel else {}


def _answer(status: int, message: str, *, success: bool | None = None, **fields):
    ok = status == 200 if success is None else success
    response = jsonify({"success": ok, "message": message, **fields})
    response.status_code = status
    return response

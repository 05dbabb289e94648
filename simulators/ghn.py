"""GHN's shop API in miniature, speaking its envelope and status codes.

Implements create, detail, detail-by-client-code, cancel, the A5 print token
and page, and status callbacks (``advance``). Checks the ``Token`` and
``ShopId`` headers (401 ``Token is not valid``), the fields GHN requires, the
phone format, unserved wards (a permanent address rejection) and repeated
``client_order_code`` (refused, as GHN does, unless ``unique_references`` is off).
"""

from __future__ import annotations

import json
import re

from flask import Response, jsonify, request

from simulators.base import Fault
from simulators.parcel import ParcelSimulator, label_pdf, now_iso, random_code

REQUIRED = ("to_name", "to_phone", "to_address", "weight", "payment_type_id", "required_note")
# GHN calls the buyer: a Vietnamese mobile as dialled at home (0 + 3/5/7/8/9 + 8 digits).
# Landlines (02x, eleven digits) and numbers in international form are PHONE_INVALID.
PHONE = re.compile(r"^0[35789]\d{8}$")
ROUTE = ("ready_to_pick", "picking", "picked", "transporting", "delivering", "delivered")
CANCELLABLE = ("ready_to_pick", "picking")


class GhnSimulator(ParcelSimulator):
    name = "ghn-simulator"
    chaos_paths = ("/shiip/public-api/v2/shipping-order/create",)
    create_route = ("POST", "/shiip/public-api/v2/shipping-order/create")

    def __init__(
        self,
        *,
        token: str = "test-ghn-token",  # noqa: S107 - its own test credential
        shop_id: str = "885",
        unserved_wards: tuple[str, ...] = ("Đảo Song Tử Tây",),
        unique_references: bool = True,
    ) -> None:
        self.token = token
        self.shop_id = str(shop_id)
        self.unserved_wards = set(unserved_wards)
        self.print_tokens: dict[str, list[str]] = {}
        super().__init__(unique_references=unique_references)

    def reset(self) -> None:
        super().reset()
        self.print_tokens.clear()

    def error_body(self, status: int, message: str) -> str:
        return json.dumps({"code": status, "message": message, "data": None})

    def address_refusal(self) -> Fault:
        """What GHN answers for a ward it does not serve."""
        body = {
            "code": 400,
            "message": "Phường/xã giao hàng chưa được hỗ trợ",
            "code_message": "WARD_NOT_SUPPORTED",
            "data": None,
        }
        return Fault(kind="status", status=400, body=json.dumps(body, ensure_ascii=False))

    def setup_routes(self) -> None:
        api = "/shiip/public-api/v2"
        rules = (
            (f"{api}/shipping-order/create", self._create, "POST"),
            (f"{api}/shipping-order/detail", self._detail, "POST"),
            (f"{api}/shipping-order/detail-by-client-code", self._detail_by_client, "POST"),
            (f"{api}/switch-status/cancel", self._cancel, "POST"),
            (f"{api}/a5/gen-token", self._print_token, "POST"),
            ("/a5/public-api/printA5", self._print_page, "GET"),
        )
        for rule, view, method in rules:
            self.app.add_url_rule(rule, view.__name__, view, methods=[method])

    # -- helpers ------------------------------------------------------------------
    def _auth(self, need_shop: bool = True):
        if request.headers.get("Token") != self.token:
            return _answer(401, "Token is not valid")
        if need_shop and request.headers.get("ShopId") != self.shop_id:
            return _answer(401, "ShopId is not valid", "SHOP_ID_INVALID")
        return None

    def _by_code(self, order_code: str) -> dict | None:
        for parcel in self.parcels:
            if parcel["order_code"] == order_code:
                return parcel
        return None

    def _detail_of(self, parcel: dict) -> dict:
        return {
            "shop_id": int(self.shop_id),
            "order_code": parcel["order_code"],
            "client_order_code": parcel["reference"],
            "status": parcel["status"],
            "to_name": parcel["body"].get("to_name"),
            "to_phone": parcel["body"].get("to_phone"),
            "to_address": parcel["body"].get("to_address"),
            "weight": parcel["body"].get("weight"),
            "content": parcel["body"].get("content"),
            "log": list(parcel["log"]),
            "created_date": parcel["created_date"],
            "updated_date": parcel["log"][-1]["updated_date"],
        }

    # -- routes -------------------------------------------------------------------
    def _create(self):
        problem = self._auth()
        if problem:
            return problem
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _answer(400, "Sai định dạng dữ liệu", "USER_ERR_COMMON")
        missing = [name for name in REQUIRED if body.get(name) in (None, "")]
        if not (body.get("to_ward_code") or body.get("to_ward_name")):
            missing.append("to_ward_name")
        if not (body.get("to_district_id") or body.get("to_district_name")):
            missing.append("to_district_name")
        if missing:
            return _answer(400, f"{', '.join(missing)} is required", "USER_ERR_COMMON")
        if not PHONE.match(str(body["to_phone"])):
            return _answer(400, "Số điện thoại không hợp lệ", "PHONE_INVALID")
        if body.get("to_ward_name") in self.unserved_wards:
            return _answer(400, "Phường/xã giao hàng chưa được hỗ trợ", "WARD_NOT_SUPPORTED")
        reference = str(body.get("client_order_code") or "")
        now = now_iso()
        parcel = {
            "order_code": random_code(8),
            "status": "ready_to_pick",
            "body": body,
            "created_date": now,
            "log": [{"status": "ready_to_pick", "updated_date": now}],
        }
        stored = self.register(reference or parcel["order_code"], parcel)
        if stored is None:
            return _answer(
                400,
                f"Mã đơn hàng client_order_code {reference} đã tồn tại",
                "DUPLICATE_CLIENT_ORDER_CODE",
            )
        return _answer(
            200,
            "Success",
            data={
                "order_code": stored["order_code"],
                "sort_code": "190-G-01-A9",
                "trans_type": "truck",
                "ward_encode": "",
                "district_encode": "",
                "fee": {"main_service": 22000, "insurance": 0, "station_do": 0, "coupon": 0},
                "total_fee": 22000,
                "expected_delivery_time": now,
            },
        )

    def _detail(self):
        problem = self._auth(need_shop=False)
        if problem:
            return problem
        code = (request.get_json(silent=True) or {}).get("order_code")
        parcel = self._by_code(str(code))
        if parcel is None:
            return _answer(400, "Không tìm thấy đơn hàng", "ORDER_NOT_FOUND")
        return _answer(200, "Success", data=self._detail_of(parcel))

    def _detail_by_client(self):
        problem = self._auth(need_shop=False)
        if problem:
            return problem
        reference = (request.get_json(silent=True) or {}).get("client_order_code")
        parcel = self.find(str(reference))
        if parcel is None:
            return _answer(400, "Không tìm thấy đơn hàng", "ORDER_NOT_FOUND")
        return _answer(200, "Success", data=self._detail_of(parcel))

    def _cancel(self):
        problem = self._auth()
        if problem:
            return problem
        results = []
        for code in (request.get_json(silent=True) or {}).get("order_codes") or []:
            parcel = self._by_code(str(code))
            if parcel is None or parcel["status"] not in CANCELLABLE:
                results.append({"order_code": code, "result": False, "message": "Không thể hủy"})
                continue
            self._set_status(parcel, "cancel")
            results.append({"order_code": code, "result": True, "message": "OK"})
        return _answer(200, "Success", data=results)

    def _print_token(self):
        problem = self._auth(need_shop=False)
        if problem:
            return problem
        codes = (request.get_json(silent=True) or {}).get("order_codes") or []
        if not codes or any(self._by_code(str(code)) is None for code in codes):
            return _answer(400, "Không tìm thấy đơn hàng", "ORDER_NOT_FOUND")
        token = random_code(24)
        self.print_tokens[token] = [str(code) for code in codes]
        return _answer(200, "Success", data={"token": token})

    def _print_page(self):
        codes = self.print_tokens.get(request.args.get("token", ""))
        if codes is None:
            return Response("<html><body>Token không hợp lệ</body></html>", status=404)
        labels = []
        for code in codes:
            body = (self._by_code(code) or {"body": {}})["body"]
            place = ("to_address", "to_ward_name", "to_district_name", "to_province_name")
            lines = [
                "GHN  SANDBOX",
                f"{body.get('to_name', '')}  {body.get('to_phone', '')}",
                ", ".join(str(body.get(key, "")) for key in place),
                str(body.get("content", "")),
            ]
            labels.append((code, lines))
        # The A5 print as a PDF, one page per order code (GHN also offers it as HTML).
        return Response(label_pdf(labels), content_type="application/pdf")

    # -- status changes and callbacks --------------------------------------------
    def _set_status(self, parcel: dict, status: str) -> None:
        parcel["status"] = status
        parcel["log"].append({"status": status, "updated_date": now_iso()})
        if status == "cancel":
            parcel["live"] = True  # a cancelled GHN order still exists, with status cancel

    def callback_payload(self, parcel: dict) -> dict:
        """The body GHN posts to the shop's callback URL."""
        body = parcel["body"]
        return {
            "CODAmount": body.get("cod_amount", 0),
            "CODTransferDate": None,
            "ClientOrderCode": parcel["reference"],
            "ConvertedWeight": body.get("weight"),
            "Description": parcel["status"],
            "Fee": {"MainService": 22000, "Insurance": 0, "Return": 0},
            "Height": body.get("height"),
            "IsPartialReturn": False,
            "Length": body.get("length"),
            "OrderCode": parcel["order_code"],
            "PartialReturnCode": "",
            "PaymentType": body.get("payment_type_id"),
            "Reason": "",
            "ReasonCode": "",
            "ShopID": int(self.shop_id),
            "Status": parcel["status"],
            "Time": parcel["log"][-1]["updated_date"],
            "TotalFee": 22000,
            "Type": "switch_status",
            "Warehouse": "Bưu Cục 1 Tân Bình",
            "Weight": body.get("weight"),
            "Width": body.get("width"),
        }

    def advance(self, reference: str, status: str) -> dict:
        """Move the parcel to ``status`` and post the callback; returns the payload."""
        parcel = self.find(reference)
        if parcel is None:
            raise KeyError(reference)
        self._set_status(parcel, status)
        payload = self.callback_payload(parcel)
        self.deliver(payload)
        return payload

    def courier_route(self) -> tuple[str, ...]:
        return ROUTE


def _answer(status: int, message: str, code_message: str | None = None, data=None):
    body: dict = {"code": status, "message": message, "data": data}
    if code_message:
        body["code_message"] = code_message
    response = jsonify(body)
    response.status_code = status
    return response

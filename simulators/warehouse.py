"""The consolidation warehouse's inbound-note API in miniature (see docs/warehouse-api.md).

Bearer API key; inbound notes with SKU lines and a box count; one note per
``reference`` (409 ``duplicate_reference`` otherwise, unless
``unique_references`` is off); box and SKU labels as PDF; cancel while
``created``; receipt events signed with the webhook secret. ``advance()`` moves
a note along ``created -> in_transit -> arrived -> receiving -> received``;
``received`` writes the receipt (every unit counted, or ``short`` units missing).
"""

from __future__ import annotations

import json
import time

from flask import Response, jsonify, request

from adapters.warehouses.consolidation import SIGNATURE_HEADER, sign
from simulators.parcel import ParcelSimulator, now_iso, random_code, simple_pdf

ROUTE = ("created", "in_transit", "arrived", "receiving", "received")
SKU_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


class WarehouseSimulator(ParcelSimulator):
    name = "warehouse-simulator"
    chaos_paths = ("/v1/inbound-notes",)
    create_route = ("POST", "/v1/inbound-notes")

    def __init__(
        self,
        *,
        api_key: str = "test-warehouse-key",
        webhook_secret: str = "test-warehouse-hook",  # noqa: S107 - its own test credential
        warehouse_codes: tuple[str, ...] = ("YW01",),
        unique_references: bool = True,
    ) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.warehouse_codes = set(warehouse_codes)
        self.sequence = 0
        super().__init__(unique_references=unique_references)

    def error_body(self, status: int, message: str) -> str:
        code = {429: "rate_limited"}.get(status, "unavailable" if status >= 500 else "error")
        return json.dumps({"error": {"code": code, "message": message}})

    def sign_webhook(self, body: bytes) -> dict[str, str]:
        return {SIGNATURE_HEADER: sign(self.webhook_secret, body, int(time.time()))}

    def setup_routes(self) -> None:
        base = "/v1/inbound-notes"
        rules = (
            (base, self._notes, ["GET", "POST"]),
            (f"{base}/<note_id>", self._note, ["GET"]),
            (f"{base}/<note_id>/cancel", self._cancel, ["POST"]),
            (f"{base}/<note_id>/labels/<which>.pdf", self._labels, ["GET"]),
        )
        for rule, view, methods in rules:
            self.app.add_url_rule(rule, view.__name__, view, methods=methods)

    def _authorized(self):
        if request.headers.get("Authorization") != f"Bearer {self.api_key}":
            return _error(401, "unauthorized", "Missing or invalid API key")
        return None

    def _by_id(self, note_id: str) -> dict | None:
        for note in self.parcels:
            if note["id"] == note_id:
                return note
        return None

    def public(self, note: dict) -> dict:
        return {key: value for key, value in note.items() if key not in ("live",)}

    # -- routes -------------------------------------------------------------------
    def _notes(self):
        problem = self._authorized()
        if problem:
            return problem
        if request.method == "GET":
            reference = request.args.get("reference", "")
            items = [self.public(n) for n in self.parcels if n["reference"] == reference]
            return jsonify({"items": items})
        body = request.get_json(silent=True)
        fields = _invalid_fields(body, self.warehouse_codes)
        if fields:
            return _error(422, "invalid_request", "The note is not valid", fields)
        now = now_iso()
        with self._registry_lock:
            existing = self.find(body["reference"])
            if existing is not None and self.unique_references:
                self.duplicates_refused += 1
                return _error(
                    409,
                    "duplicate_reference",
                    "A note with this reference exists",
                    note_id=existing["id"],
                )
            self.sequence += 1
            note_id = f"IN{self.sequence:06d}"
            note = self.register(
                body["reference"],
                {
                    "id": note_id,
                    "status": "created",
                    "warehouse_code": body["warehouse_code"],
                    "market": body.get("market"),
                    "supplier": body.get("supplier"),
                    "box_count": body["box_count"],
                    "total_weight_g": body.get("total_weight_g"),
                    "lines": [
                        {
                            "sku": line["sku"],
                            "name": line.get("name"),
                            "quantity": line["quantity"],
                            "barcode": "X" + random_code(11, "0123456789"),
                        }
                        for line in body["lines"]
                    ],
                    "labels": {
                        "boxes": f"/v1/inbound-notes/{note_id}/labels/boxes.pdf",
                        "skus": f"/v1/inbound-notes/{note_id}/labels/skus.pdf",
                    },
                    "events": [{"status": "created", "at": now}],
                    "receipt": None,
                    "created_at": now,
                    "updated_at": now,
                },
            )
        response = jsonify({"note": self.public(note)})
        response.status_code = 201
        return response

    def _note(self, note_id: str):
        problem = self._authorized()
        if problem:
            return problem
        note = self._by_id(note_id)
        if note is None:
            return _error(404, "not_found", "No such note")
        return jsonify({"note": self.public(note)})

    def _cancel(self, note_id: str):
        problem = self._authorized()
        if problem:
            return problem
        note = self._by_id(note_id)
        if note is None:
            return _error(404, "not_found", "No such note")
        if note["status"] != "created":
            return _error(409, "not_cancellable", f"The note is {note['status']}")
        self._set_status(note, "cancelled")
        note["live"] = False
        return jsonify({"note": self.public(note)})

    def _labels(self, note_id: str, which: str):
        problem = self._authorized()
        if problem:
            return problem
        note = self._by_id(note_id)
        if note is None or which not in ("boxes", "skus"):
            return _error(404, "not_found", "No such label")
        if which == "boxes":
            pages = [
                [
                    "CONSOLIDATION WAREHOUSE  SANDBOX",
                    f"Inbound {note['id']}  {note['warehouse_code']}",
                    f"Box {index} of {note['box_count']}",
                    f"Ref {note['reference']}",
                ]
                for index in range(1, note["box_count"] + 1)
            ]
        else:
            pages = [
                [line["barcode"], line["sku"], str(line.get("name") or "")[:40]]
                for line in note["lines"]
            ]
        return Response(simple_pdf(pages), content_type="application/pdf")

    # -- status changes and signed webhooks ---------------------------------------
    def _set_status(self, note: dict, status: str, short: int = 0) -> None:
        now = now_iso()
        note["status"] = status
        note["updated_at"] = now
        note["events"].append({"status": status, "at": now})
        if status == "received":
            note["receipt"] = {
                "received_at": now,
                "lines": [
                    {
                        "sku": line["sku"],
                        "expected": line["quantity"],
                        "received": max(0, line["quantity"] - (short if index == 0 else 0)),
                        "damaged": 0,
                    }
                    for index, line in enumerate(note["lines"])
                ],
            }

    def webhook_payload(self, note: dict) -> dict:
        return {
            "id": "evt_" + random_code(16),
            "type": "inbound_note.updated",
            "created_at": now_iso(),
            "data": {"note": self.public(note)},
        }

    def advance(self, reference: str, status: str, short: int = 0) -> dict:
        note = self.find(reference)
        if note is None:
            raise KeyError(reference)
        self._set_status(note, status, short)
        payload = self.webhook_payload(note)
        self.deliver(payload)
        return payload

    def courier_route(self) -> tuple[str, ...]:
        return ROUTE


def _invalid_fields(body, warehouse_codes: set[str]) -> dict[str, list[str]]:
    if not isinstance(body, dict):
        return {"_body": ["Send a JSON object."]}
    fields: dict[str, list[str]] = {}
    if not body.get("reference") or len(str(body["reference"])) > 64:
        fields["reference"] = ["Required, at most 64 characters."]
    if body.get("warehouse_code") not in warehouse_codes:
        fields["warehouse_code"] = [f"Unknown warehouse; use one of {sorted(warehouse_codes)}."]
    if not isinstance(body.get("box_count"), int) or body["box_count"] < 1:
        fields["box_count"] = ["A whole number of boxes, at least 1."]
    lines = body.get("lines")
    if not isinstance(lines, list) or not lines:
        fields["lines"] = ["At least one SKU line."]
    else:
        for index, line in enumerate(lines):
            if (
                not isinstance(line, dict)
                or not line.get("sku")
                or not set(line["sku"]) <= SKU_CHARS
            ):
                fields[f"lines.{index}.sku"] = ["Letters, digits, '-', '_' or '.'."]
            elif not isinstance(line.get("quantity"), int) or line["quantity"] < 1:
                fields[f"lines.{index}.quantity"] = ["A whole number, at least 1."]
    return fields


def _error(status: int, code: str, message: str, fields=None, **extra):
    body: dict = {"error": {"code": code, "message": message, **extra}}
    if fields:
        body["error"]["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response

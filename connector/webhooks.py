"""Status webhooks from the carriers and the warehouse: ``POST /webhooks/<adapter>``.

Each is checked with the shared secret of its service before anything is
read: GHN and CDEK can only be given a URL, so theirs carries ``?token=<secret>``
(or the ``X-Webhook-Token`` header); the warehouse signs its body
(``X-Warehouse-Signature``, HMAC-SHA256 with a timestamp). Unknown services,
services without a configured secret and shipments we do not know answer 404;
a missing or wrong secret answers 401. A service is only heard about its own
shipments (another service's key is an unknown shipment), and only as far as the
shipment's state allows (``tracking.verdict``): an event about a shipment the
service never confirmed, or one claiming another outcome for a settled shipment,
answers 409 and changes nothing. Events are deduplicated and only move a
shipment's state forward (``connector.orders.tracking``); the answer is 200
once they are stored, which is what GHN waits for before it stops retrying.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, jsonify, request

from adapters.carriers import cdek, ghn
from adapters.errors import BadResponse
from adapters.warehouses import consolidation
from connector import json_input
from connector.errors import error_response
from connector.extensions import db
from connector.orders import tracking
from connector.orders.states import EventVerdict

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")

PARSERS = {
    "ghn": ghn.parse_webhook,
    "cdek": cdek.parse_webhook,
    "consolidation": consolidation.parse_webhook,
}
SECRET_HEADER = "X-Webhook-Token"  # noqa: S105 - a header name


def _secret_of(name: str) -> str | None:
    if name not in current_app.config["SHIPPING_ADAPTERS_ENABLED"]:
        return None
    settings = current_app.config["SHIPPING_ADAPTERS"].get(name) or {}
    return settings.get("webhook_secret") or None


def _authentic(name: str, secret: str, body: bytes) -> bool:
    if name == "consolidation":
        header = request.headers.get(consolidation.SIGNATURE_HEADER)
        return consolidation.verify_signature(secret, header, body)
    given = request.headers.get(SECRET_HEADER) or request.args.get("token") or ""
    return hmac.compare_digest(given.encode(), secret.encode())


@bp.post("/<name>")
def receive(name: str):
    parser = PARSERS.get(name)
    secret = _secret_of(name) if parser else None
    if parser is None or secret is None:
        return error_response(404, "No webhook receiver here.", code="unknown_webhook")
    body = request.get_data(cache=False)
    if not _authentic(name, secret, body):
        log.warning("%s webhook refused: bad or missing secret", name)
        return error_response(401, "The webhook secret is missing or wrong.", code="forged")
    try:
        # Bounded nesting as for every body; the parsers were written for float numbers.
        events = parser(json_input.loads(body, parse_float=float))
    except (ValueError, BadResponse):
        return error_response(400, "The webhook body is not understood.", code="bad_webhook")
    matched = []
    for event in events:
        shipment = tracking.find_shipment(name, event)
        if shipment is not None:
            matched.append((shipment, event))
    if events and not matched:
        db.session.rollback()
        return error_response(404, "No such shipment.", code="unknown_shipment")
    refused = [
        (shipment, event)
        for shipment, event in matched
        if tracking.verdict(shipment, event) == EventVerdict.REFUSE
    ]
    if refused:
        db.session.rollback()
        for shipment, event in refused:
            log.warning(
                "%s webhook refused: %s for shipment %s in state %s",
                name,
                event.status,
                shipment.id,
                shipment.state,
            )
        return error_response(
            409, "The event does not fit the shipment's state.", code="event_refused"
        )
    recorded = 0
    for shipment, event in matched:
        recorded += tracking.record(shipment, [event], "webhook")
    db.session.commit()
    return jsonify({"ok": True, "events": len(events), "recorded": recorded})


def init_app(app) -> None:
    from connector.extensions import csrf

    csrf.exempt(bp)
    app.register_blueprint(bp)

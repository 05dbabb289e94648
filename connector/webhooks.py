"""Status webhooks from the shipping services: ``POST /webhooks/<adapter>``.

Each is checked with the shared secret of its service before anything is read,
the way the adapter declares (``webhook_authentic``: a token in the URL or a
header, or a signed body), and read by the adapter's ``parse_webhook``. Unknown services,
services without a configured secret and shipments we do not know answer 404;
a missing or wrong secret answers 401. A service is only heard about its own
shipments (another service's key is an unknown shipment), and only as far as the
shipment's state allows (``tracking.verdict``): an event about a shipment the
service never confirmed, or one claiming another outcome for a settled shipment,
answers 409 and changes nothing. Events are deduplicated and only move a
shipment's state forward (``connector.orders.tracking``); the answer is 200
once they are stored, which is what services that retry wait for.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl

from flask import Blueprint, current_app, jsonify, request

from adapters.errors import BadResponse
from connector import json_input
from connector.errors import error_response
from connector.extensions import db
from connector.orders import tracking
from connector.orders.adapters import adapter_class
from connector.orders.states import EventVerdict

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


def _secret_of(name: str) -> str | None:
    if name not in current_app.config["SHIPPING_ADAPTERS_ENABLED"]:
        return None
    settings = current_app.config["SHIPPING_ADAPTERS"].get(name) or {}
    return settings.get("webhook_secret") or None


def _receiver(name: str) -> type | None:
    """The adapter class that reads ``name``'s webhooks, if it takes any."""
    cls = adapter_class(name)
    if cls is None or not hasattr(cls, "parse_webhook") or not hasattr(cls, "webhook_authentic"):
        return None
    return cls


MAX_FORM_FIELDS = 100


def _payload(body: bytes):
    """The body as the service sent it: a form (flat text fields) or JSON, with the
    bounded nesting every body gets (the parsers were written for float numbers)."""
    if request.mimetype == "application/x-www-form-urlencoded":
        fields = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS
        )
        return dict(fields)
    return json_input.loads(body, parse_float=float)


@bp.post("/<name>")
def receive(name: str):
    receiver = _receiver(name)
    secret = _secret_of(name) if receiver else None
    if receiver is None or secret is None:
        return error_response(404, "No webhook receiver here.", code="unknown_webhook")
    body = request.get_data(cache=False)
    if not receiver.webhook_authentic(secret, body, request.headers, request.args):
        log.warning("%s webhook refused: bad or missing secret", name)
        return error_response(401, "The webhook secret is missing or wrong.", code="forged")
    try:
        events = receiver.parse_webhook(_payload(body))
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

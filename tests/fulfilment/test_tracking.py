"""Tracking: verified webhooks per service, deduplicated, forward only; polling as fallback."""

from __future__ import annotations

import json
import time

from adapters.warehouses.consolidation import SIGNATURE_HEADER, sign
from tests.fulfilment.support import fixture, place, run_jobs, shipment_json, shipment_row


def _sent(app, client, seller, **kwargs) -> dict:
    order = place(app, client, seller, **kwargs)
    run_jobs(app)
    return order["shipments"][0]


def _ghn_hook(client, payload, secret=None):
    token = "ghn-hook-secret" if secret is None else secret
    return client.post(f"/webhooks/ghn?token={token}", json=payload)


def test_ghn_status_webhooks_move_the_shipment_forward_only(app, client, services, seller):
    ghn = services["ghn"]
    shipment = _sent(app, client, seller)
    key = shipment["idempotency_key"]
    picked = ghn.advance(key, "picked")
    delivered = ghn.advance(key, "delivered")
    assert _ghn_hook(client, delivered).status_code == 200
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "delivered" and detail["delivered_at"]
    # A late, older event is recorded but does not move the state back.
    response = _ghn_hook(client, picked)
    assert response.status_code == 200 and response.json["recorded"] == 1
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "delivered"
    assert [e["code"] for e in detail["events"] if e["source"] == "webhook"] == [
        "delivered",
        "picked",
    ]


def test_the_same_webhook_twice_is_one_event(app, client, services, seller):
    shipment = _sent(app, client, seller)
    payload = services["ghn"].advance(shipment["idempotency_key"], "delivering")
    assert _ghn_hook(client, payload).json["recorded"] == 1
    assert _ghn_hook(client, payload).json["recorded"] == 0
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "in_transit" and detail["carrier_status"] == "delivering"
    assert [e["code"] for e in detail["events"]].count("delivering") == 1


def test_forged_and_unknown_webhooks_are_refused(app, client, services, seller):
    shipment = _sent(app, client, seller)
    payload = services["ghn"].advance(shipment["idempotency_key"], "delivered")
    assert _ghn_hook(client, payload, secret="guess").status_code == 401
    assert client.post("/webhooks/ghn", json=payload).status_code == 401
    assert client.post("/webhooks/dhl?token=x", json=payload).status_code == 404
    unknown = {**payload, "OrderCode": "NOPE", "ClientOrderCode": "CBC-0-ghn-1"}
    response = _ghn_hook(client, unknown)
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_shipment"
    garbage = client.post(
        "/webhooks/ghn?token=ghn-hook-secret", data="{", content_type="application/json"
    )
    assert garbage.status_code == 400
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "submitted"


def test_webhooks_for_a_service_without_a_secret_are_not_received(app, client, services, seller):
    app.config["SHIPPING_ADAPTERS"]["ghn"]["webhook_secret"] = None
    shipment = _sent(app, client, seller)
    payload = services["ghn"].advance(shipment["idempotency_key"], "delivered")
    assert _ghn_hook(client, payload, secret="").status_code == 404


def test_ghn_return_needs_attention_with_the_carrier_reason(app, client, services, seller):
    shipment = _sent(app, client, seller)
    for status in ("picked", "lost"):
        _ghn_hook(client, services["ghn"].advance(shipment["idempotency_key"], status))
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "needs_attention"
    assert detail["last_error"]["code"] == "carrier_lost"


def test_cdek_order_status_webhook(app, client, services, seller):
    cdek = services["cdek"]
    shipment = _sent(app, client, seller, market="KZ", quantity=12)
    key = shipment["idempotency_key"]
    cdek.advance(key, "RECEIVED_AT_SHIPMENT_WAREHOUSE")
    payload = cdek.advance(key, "DELIVERED")
    response = client.post(
        "/webhooks/cdek", json=payload, headers={"X-Webhook-Token": "cdek-hook-secret"}
    )
    assert response.status_code == 200
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "delivered" and detail["carrier_status"] == "DELIVERED"
    assert client.post("/webhooks/cdek?token=no", json=payload).status_code == 401


def test_warehouse_receipt_webhook_is_signed_and_keeps_the_receipt(app, client, services, seller):
    warehouse = services["consolidation"]
    shipment = _sent(app, client, seller, mode="fully_managed", quantity=100)
    key = shipment["idempotency_key"]
    warehouse.advance(key, "in_transit")
    payload = warehouse.advance(key, "received", short=3)
    body = json.dumps(payload).encode()
    unsigned = client.post("/webhooks/consolidation", data=body, content_type="application/json")
    assert unsigned.status_code == 401
    wrong = sign("not-the-secret", body, int(time.time()))
    assert (
        client.post(
            "/webhooks/consolidation",
            data=body,
            content_type="application/json",
            headers={SIGNATURE_HEADER: wrong},
        ).status_code
        == 401
    )
    stale = sign(warehouse.webhook_secret, body, int(time.time()) - 3600)
    headers = {SIGNATURE_HEADER: stale}
    assert (
        client.post(
            "/webhooks/consolidation", data=body, content_type="application/json", headers=headers
        ).status_code
        == 401
    )
    headers = {SIGNATURE_HEADER: sign(warehouse.webhook_secret, body, int(time.time()))}
    response = client.post(
        "/webhooks/consolidation", data=body, content_type="application/json", headers=headers
    )
    assert response.status_code == 200, response.json
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "delivered"
    kinds = [d["kind"] for d in detail["documents"]]
    assert kinds == ["box_labels", "receipt", "sku_labels"]
    from tests.conftest import bearer

    receipt = client.get(
        f"/api/v1/shipments/{shipment['id']}/documents/receipt", headers=bearer(seller["token"])
    ).json
    assert receipt["lines"][0] == {
        "sku": "TS180-WHT-M",
        "expected": 100,
        "received": 97,
        "damaged": 0,
    }


def test_webhooks_really_sent_by_the_simulator_are_received(
    app, client, services, seller, live_server
):
    ghn = services["ghn"]
    shipment = _sent(app, client, seller)
    ghn.webhook_url = f"{live_server}/webhooks/ghn?token=ghn-hook-secret"
    ghn.advance(shipment["idempotency_key"], "delivering")
    assert ghn.deliver(ghn.callback_payload(ghn.find(shipment["idempotency_key"]))) == 200
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "in_transit"


def test_webhook_before_the_dispatch_finished_is_applied_when_it_does(
    app, client, services, seller
):
    """The carrier created the parcel and called back while our answer timed out."""
    ghn = services["ghn"]
    ghn.act_then_time_out(seconds=2.5, path="/shiip/public-api/v2/shipping-order/create")
    order = place(app, client, seller)
    shipment = order["shipments"][0]
    from connector.orders.dispatch import dispatch

    with app.app_context():
        assert dispatch(shipment["id"]).outcome == "retrying"
    payload = ghn.advance(shipment["idempotency_key"], "picked")
    assert _ghn_hook(client, payload).status_code == 200
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "retrying"
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "in_transit"
    assert ghn.parcel_counts() == {shipment["idempotency_key"]: 1}


def test_polling_catches_up_when_webhooks_are_lost(app, client, services, seller):
    from datetime import timedelta

    from sqlalchemy import update

    from connector.extensions import db
    from connector.models import Shipment
    from connector.models.types import utcnow
    from jobs.shipments import poll_tracking

    ghn, cdek = services["ghn"], services["cdek"]
    vn = _sent(app, client, seller)
    kz = _sent(app, client, seller, market="KZ", quantity=12)
    for status in ("picked", "delivering", "delivered"):
        ghn.advance(vn["idempotency_key"], status)  # nobody listens: lost
    cdek.advance(kz["idempotency_key"], "RECEIVED_AT_SHIPMENT_WAREHOUSE")

    def poll():
        with app.app_context():
            db.session.execute(update(Shipment).values(updated_at=utcnow() - timedelta(hours=1)))
            db.session.commit()
            count = poll_tracking()
        run_jobs(app)
        return count

    assert poll() == 2
    assert shipment_json(client, seller["token"], vn["id"])["state"] == "delivered"
    assert shipment_json(client, seller["token"], kz["id"])["state"] == "in_transit"
    assert poll() == 0  # both were polled just now
    with app.app_context():
        db.session.execute(update(Shipment).values(last_polled_at=None))
        db.session.commit()
    assert poll() == 1  # the delivered one is final: no more polling
    events = shipment_json(client, seller["token"], kz["id"])["events"]
    assert [e["code"] for e in events if e["source"] == "poll"] == [
        "ACCEPTED",
        "CREATED",
        "RECEIVED_AT_SHIPMENT_WAREHOUSE",
    ]


def test_cdek_webhook_subscription_from_the_command_line(app, runner, services):
    result = runner.invoke(args=["shipments", "subscribe-cdek"])
    assert result.exit_code == 0, result.output
    url = services["cdek"].subscriptions["ORDER_STATUS"]
    assert url.endswith("/webhooks/cdek?token=cdek-hook-secret")


# -- hardening: per-install secrets, own shipments only, legal moves only --------------


def _hook_for(shipment: dict, status: str) -> dict:
    """A GHN callback about ``shipment`` as someone who knows only its key would write it."""
    return {
        **fixture("ghn/webhook_switch_status.json"),
        "ClientOrderCode": shipment["idempotency_key"],
        "Status": status,
    }


def _events(app, shipment_id: int) -> list:
    return shipment_row(app, shipment_id)["events"]


def test_the_old_sandbox_constant_no_longer_opens_the_webhook(app, client, tmp_path):
    from connector import config

    generated = config.from_environ({"CONNECTOR_INSTANCE_PATH": str(tmp_path / "install")})
    app.config["SHIPPING_ADAPTERS"] = generated["SHIPPING_ADAPTERS"]
    payload = fixture("ghn/webhook_switch_status.json")
    response = client.post("/webhooks/ghn?token=sandbox-ghn-hook", json=payload)
    assert response.status_code == 401 and response.json["error"]["code"] == "forged"
    response = client.post("/webhooks/cdek?token=sandbox-cdek-hook", json={"type": "x"})
    assert response.status_code == 401


def test_a_shipment_ghn_never_took_is_not_delivered_by_a_webhook(app, client, services, seller):
    """The reported attack: GHN refused the address, a hook then said 'delivered'."""
    ship_to = {**fixture("ship_to_vn.json"), "ward": "Đảo Song Tử Tây"}
    shipment = _sent(app, client, seller, ship_to=ship_to)
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "needs_attention"
    before = _events(app, shipment["id"])
    response = _ghn_hook(client, _hook_for(shipment, "delivered"))
    assert response.status_code == 409 and response.json["error"]["code"] == "event_refused"
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "needs_attention" and detail["external_ref"] is None
    assert _events(app, shipment["id"]) == before


def test_a_webhook_before_anything_was_sent_is_refused(app, client, services, seller):
    shipment = place(app, client, seller)["shipments"][0]  # pending: no job has run
    response = _ghn_hook(client, _hook_for(shipment, "picked"))
    assert response.status_code == 409
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "pending"
    assert _events(app, shipment["id"]) == []


def test_a_settled_shipment_is_not_given_another_outcome(app, client, services, seller):
    ghn = services["ghn"]
    shipment = _sent(app, client, seller)
    key = shipment["idempotency_key"]
    assert _ghn_hook(client, ghn.advance(key, "delivered")).status_code == 200
    before = _events(app, shipment["id"])
    order_code = ghn.find(key)["order_code"]
    for status in ("cancel", "lost", "return"):
        payload = {**_hook_for(shipment, status), "OrderCode": order_code}
        assert _ghn_hook(client, payload).status_code == 409, status
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "delivered" and detail["carrier_status"] == "delivered"
    assert _events(app, shipment["id"]) == before


def test_a_carrier_is_heard_only_about_its_own_shipments(app, client, services, seller):
    kz = _sent(app, client, seller, market="KZ", quantity=12)
    response = _ghn_hook(client, _hook_for(kz, "delivered"))
    assert response.status_code == 404 and response.json["error"]["code"] == "unknown_shipment"
    assert shipment_json(client, seller["token"], kz["id"])["state"] == "submitted"
    assert not any(source == "webhook" for source, _, _ in _events(app, kz["id"]))


def test_a_known_key_with_another_carrier_reference_is_unknown(app, client, services, seller):
    shipment = _sent(app, client, seller)
    forged = {**_hook_for(shipment, "delivered"), "OrderCode": "NOT-THEIRS"}
    assert _ghn_hook(client, forged).status_code == 404
    assert shipment_json(client, seller["token"], shipment["id"])["state"] == "submitted"


def test_the_make_run_sandbox_signs_with_the_installs_own_secrets(
    app, client, seller, live_server, tmp_path
):
    """`make run` starts the simulators in another process from the same environment:
    they must post with the secrets this install generated."""
    from connector import config
    from simulators.sandbox import start_sandbox

    environ = {"CONNECTOR_INSTANCE_PATH": str(tmp_path / "install")}
    web = config.from_environ(environ)["SHIPPING_ADAPTERS"]
    sandbox = config.from_environ(environ)  # what `python -m simulators.sandbox` reads
    for settings in sandbox["SHIPPING_ADAPTERS"].values():
        settings["url"] = "http://127.0.0.1:0"  # free ports, not the fixed ones of make run
    simulators = start_sandbox(sandbox, live_server, courier_every=None)
    try:
        names = ("ghn", "cdek", "consolidation", "ghtk")
        by_name = dict(zip(names, simulators, strict=True))
        for name, simulator in by_name.items():
            web[name]["url"] = simulator.url
            assert web[name]["webhook_secret"] not in (None, "sandbox-ghn-hook")
        app.config["SHIPPING_ADAPTERS"] = web
        app.extensions.pop("shipping_adapters", None)
        vn = _sent(app, client, seller)
        by_name["ghn"].advance(vn["idempotency_key"], "picked")
        assert shipment_json(client, seller["token"], vn["id"])["state"] == "in_transit"
        managed = _sent(app, client, seller, mode="fully_managed", quantity=100)
        by_name["consolidation"].advance(managed["idempotency_key"], "in_transit")
        detail = shipment_json(client, seller["token"], managed["id"])
        assert detail["state"] == "in_transit"
        by_ghtk = _sent(app, client, seller, carrier="ghtk")
        assert by_ghtk["adapter"] == "ghtk"
        by_name["ghtk"].advance(by_ghtk["idempotency_key"], "3")  # picked up: a form post
        assert shipment_json(client, seller["token"], by_ghtk["id"])["state"] == "in_transit"
    finally:
        for simulator in simulators:
            simulator.stop()

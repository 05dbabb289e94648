"""Sellers manage their endpoints (API and page); nobody else sees or touches them."""

from __future__ import annotations

from tests.conftest import bearer
from tests.seller_hooks.support import ALL_EVENTS, add_endpoint, refused_order, run_jobs
from tests.web.conftest import sign_in
from tests.web.pages import Page

URL = "/api/v1/webhook-endpoints/"


def test_endpoint_crud_shows_the_secret_only_at_creation(client, seller, receiver, ops_token):
    made = add_endpoint(client, seller["token"], receiver.url, ["order.accepted"])
    assert made["secret"].endswith(made["secret_hint"]) and made["enabled"] is True
    listed = client.get(URL, headers=bearer(seller["token"])).json
    assert [e["id"] for e in listed] == [made["id"]] and "secret" not in listed[0]
    changed = client.patch(
        f"{URL}{made['id']}",
        json={"events": ["shipment.updated", "order.accepted"], "description": "ERP"},
        headers=bearer(seller["token"]),
    )
    assert changed.status_code == 200
    assert changed.json["events"] == ["order.accepted", "shipment.updated"]
    assert "secret" not in changed.json
    gone = client.delete(f"{URL}{made['id']}", headers=bearer(seller["token"]))
    assert gone.status_code == 204
    assert client.get(URL, headers=bearer(seller["token"])).json == []
    audit = client.get("/api/v1/audit/?target_type=webhook_endpoint", headers=bearer(ops_token))
    actions = [entry["action"] for entry in audit.json["items"]]
    assert sorted(actions) == [
        "seller.webhook_create",
        "seller.webhook_delete",
        "seller.webhook_update",
    ]
    assert made["secret"] not in audit.get_data(as_text=True)


def test_internal_and_plain_http_urls_are_refused_naming_the_field(app, client, seller):
    app.config["WEBHOOKS"] = {**app.config["WEBHOOKS"], "allow_local": False}
    for url in (
        "http://shop.example/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest",
        "http://127.0.0.1:9000/hooks",
        "https://localhost/hooks",
    ):
        response = client.post(
            URL, json={"url": url, "events": ALL_EVENTS}, headers=bearer(seller["token"])
        )
        assert response.status_code == 422, url
        assert list(response.json["error"]["fields"]) == ["url"], url


def test_unknown_events_are_refused(client, seller):
    response = client.post(
        URL,
        json={"url": "https://shop.example/hooks", "events": ["order.paid"]},
        headers=bearer(seller["token"]),
    )
    assert response.status_code == 422
    assert "order.accepted" in response.json["error"]["fields"]["events"][0]


def test_another_sellers_endpoints_and_deliveries_are_not_found(
    app, client, seller, other_seller, receiver
):
    made = add_endpoint(client, seller["token"], receiver.url)
    refused_order(client, seller["token"])
    run_jobs(app)
    [item] = client.get(f"{URL}{made['id']}/deliveries", headers=bearer(seller["token"])).json[
        "items"
    ]
    theirs = bearer(other_seller["token"])
    assert client.get(URL, headers=theirs).json == []
    assert client.get(f"{URL}{made['id']}", headers=theirs).status_code == 404
    assert client.patch(f"{URL}{made['id']}", json={}, headers=theirs).status_code == 404
    assert client.get(f"{URL}{made['id']}/deliveries", headers=theirs).status_code == 404
    assert client.get(f"/api/v1/webhook-deliveries/{item['id']}", headers=theirs).status_code == 404
    resend = client.post(f"/api/v1/webhook-deliveries/{item['id']}/resend", headers=theirs)
    assert resend.status_code == 404


def test_only_sellers_have_webhooks(client, exporter_token):
    assert client.get(URL, headers=bearer(exporter_token)).status_code == 403


def test_seller_adds_an_endpoint_on_the_page_and_sees_its_secret_once(client, seller, receiver):
    sign_in(client, "hanoi@shop.example", "x-seller-pass")
    page = Page(client.get("/account/webhooks/").get_data(as_text=True))
    answer = client.post(
        "/account/webhooks/",
        data={"csrf_token": page.csrf(), "url": receiver.url, "events": ["order.refused"]},
    )
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    shown = Page(answer.get_data(as_text=True)).by_id("new-webhook-secret").text()
    assert shown.startswith("whsec_")
    again = client.get("/account/webhooks/").get_data(as_text=True)
    assert shown not in again and receiver.url in again


def test_a_refused_url_on_the_page_is_explained_beside_the_field(app, client, seller):
    app.config["WEBHOOKS"] = {**app.config["WEBHOOKS"], "allow_local": False}
    sign_in(client, "hanoi@shop.example", "x-seller-pass")
    page = Page(client.get("/account/webhooks/").get_data(as_text=True))
    answer = client.post(
        "/account/webhooks/",
        data={"csrf_token": page.csrf(), "url": "https://192.168.0.10/x", "events": ALL_EVENTS},
    )
    assert answer.status_code == 422
    assert "private" in Page(answer.get_data(as_text=True)).error_beside("url")


def test_seller_rotates_a_secret_on_the_page_and_sees_the_new_one_once(client, seller, receiver):
    made = add_endpoint(client, seller["token"], receiver.url)
    sign_in(client, "hanoi@shop.example", "x-seller-pass")
    page = Page(client.get("/account/webhooks/").get_data(as_text=True))
    answer = client.post(f"/account/webhooks/{made['id']}/rotate", data={"csrf_token": page.csrf()})
    shown = Page(answer.get_data(as_text=True))
    secret = shown.by_id("new-webhook-secret").text()
    assert secret.startswith("whsec_") and secret != made["secret"]
    assert "24 hours" in answer.get_data(as_text=True)
    listed = client.get(f"{URL}{made['id']}", headers=bearer(seller["token"])).json
    assert listed["secret_hint"] == secret[-4:] and listed["previous_secret_valid_until"]

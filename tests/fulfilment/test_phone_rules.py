"""Each service's phone rule is checked when the order is placed, and what intake
accepts is exactly what the service is sent (and accepts)."""

from __future__ import annotations

import pytest
import requests

from adapters.carriers import ghn
from adapters.carriers.base import PhoneNotAccepted
from tests.fulfilment.sample_requests import vn_request
from tests.fulfilment.support import (
    RecordingSession,
    fixture,
    make_offer,
    order_body,
    post_order,
    run_jobs,
    shipment_row,
)

GHN_MESSAGE = "GHN delivers only to mobile numbers; give the buyer's mobile number."
VN_MOBILES = [
    ("0901 234 567", "0901234567"),
    ("+84 387 654 321", "0387654321"),
    ("056 312 3456", "0563123456"),
    ("0701234567", "0701234567"),
    ("0812.345.678", "0812345678"),
]
VN_LANDLINES = [
    ("028 3829 2345", "02838292345"),  # Ho Chi Minh City
    ("024 3825 1234", "02438251234"),  # Hanoi
    ("+84 236 382 1234", "02363821234"),  # Da Nang
]


@pytest.mark.parametrize(("e164", "national"), [("+84901234567", "0901234567")])
def test_ghn_sends_mobiles_as_dialled_at_home(e164, national):
    assert ghn.phone_for_service(e164) == national
    assert ghn.GhnAdapter.phone_for_service(e164) == national


@pytest.mark.parametrize("e164", ["+842838292345", "+77012345678", "", "+8490123456"])
def test_ghn_refuses_landlines_and_foreign_numbers(e164):
    with pytest.raises(PhoneNotAccepted) as caught:
        ghn.phone_for_service(e164)
    assert caught.value.code == "mobile_only" and not caught.value.transient


def test_ghn_adapter_does_not_send_a_landline():
    """An order stored before the rule reaches the adapter: refused before any call."""
    from dataclasses import replace

    request = vn_request()
    landline = replace(request, recipient=replace(request.recipient, phone="+842838292345"))
    session = RecordingSession()
    with pytest.raises(PhoneNotAccepted):
        ghn.GhnAdapter(ghn.GhnSettings(url="http://ghn", token="t", shop_id="1"), session).create(
            landline
        )
    assert session.calls == []


@pytest.mark.parametrize(("raw", "national"), VN_LANDLINES)
def test_order_with_a_landline_for_ghn_is_refused_at_intake(
    app, client, services, seller, raw, national
):
    offer_id = make_offer(app, "VN")
    ship_to = {**fixture("ship_to_vn.json"), "phone": raw}
    response = post_order(client, seller["token"], order_body(offer_id, ship_to=ship_to))
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"] == {"ship_to.phone": [GHN_MESSAGE]}
    # GHN itself (its simulator) refuses the number intake would have let through before.
    body = {**fixture("ghn/create_order_request.json"), "to_phone": national}
    ghn_sim = services["ghn"]
    answer = requests.post(
        f"{ghn_sim.url}{ghn.CREATE}",
        json=body,
        headers={"Token": ghn_sim.token, "ShopId": ghn_sim.shop_id},
        timeout=5,
    )
    assert answer.status_code == 400 and answer.json()["code_message"] == "PHONE_INVALID"
    assert ghn_sim.parcels == []


@pytest.mark.parametrize(("raw", "national"), VN_MOBILES)
def test_mobile_accepted_at_intake_is_the_number_ghn_gets(
    app, client, services, seller, raw, national
):
    offer_id = make_offer(app, "VN")
    ship_to = {**fixture("ship_to_vn.json"), "phone": raw}
    response = post_order(client, seller["token"], order_body(offer_id, ship_to=ship_to))
    assert response.status_code == 202, response.json
    run_jobs(app)
    shipment = response.json["shipments"][0]
    assert shipment_row(app, shipment["id"])["state"] == "submitted"
    [parcel] = services["ghn"].parcels
    assert parcel["body"]["to_phone"] == national


def test_cdek_and_the_warehouse_keep_landlines(app, client, services, seller):
    kz = make_offer(app, "KZ")
    almaty_landline = {**fixture("ship_to_kz.json"), "phone": "+7 727 258 1234"}
    response = post_order(
        client, seller["token"], order_body(kz, market="KZ", ship_to=almaty_landline)
    )
    assert response.status_code == 202, response.json
    vn = make_offer(app, "VN")
    ship_to = {**fixture("ship_to_vn.json"), "phone": "028 3829 2345"}
    response = post_order(
        client, seller["token"], order_body(vn, ship_to=ship_to, mode="fully_managed", quantity=100)
    )
    assert response.status_code == 202, response.json
    run_jobs(app)
    [order] = services["cdek"].orders.values()
    assert order["body"]["recipient"]["phones"] == [{"number": "+77272581234"}]
    assert len(services["consolidation"].parcels) == 1


def test_ship_to_problems_are_answered_in_the_callers_language(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    ship_to = {**fixture("ship_to_vn.json"), "phone": "028 3829 2345", "country": "KZ"}
    response = client.post(
        "/api/v1/orders/",
        json=order_body(offer_id, ship_to=ship_to),
        headers={
            "Authorization": f"Bearer {seller['token']}",
            "Idempotency-Key": "vi-landline",
            "Accept-Language": "vi",
        },
    )
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_failed"
    assert response.json["error"]["fields"] == {
        "ship_to.country": ["Thị trường VN chỉ giao hàng đến VN."],
        "ship_to.phone": ["GHN chỉ giao hàng cho số di động; hãy nhập số di động của người mua."],
    }

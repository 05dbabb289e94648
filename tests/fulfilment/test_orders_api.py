"""Placing orders through the API: scope, validation, prices, idempotency, PII."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import bearer
from tests.fulfilment.factory_support import pdf_pages
from tests.fulfilment.support import (
    fixture,
    make_offer,
    order_body,
    post_order,
    run_jobs,
    shipment_json,
)


def test_order_reaches_ghn_and_comes_back_with_tracking_and_label(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    response = post_order(client, seller["token"], order_body(offer_id, quantity=250))
    assert response.status_code == 202, response.json
    order = response.json
    assert order["status"] == "processing"
    assert order["lines"][0]["unit_price"] == "251000"  # the 200+ tier
    assert order["total"] == str(251000 * 250)
    assert order["ship_to"]["phone"] == "+84901234567"
    [shipment] = order["shipments"]
    assert shipment["state"] == "pending" and shipment["adapter"] == "ghn"
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "submitted", detail
    assert detail["tracking_number"]
    assert [d["kind"] for d in detail["documents"]] == ["label"]
    assert services["ghn"].parcel_counts() == {shipment["idempotency_key"]: 1}
    label = client.get(detail["documents"][0]["url"], headers=bearer(seller["token"]))
    assert label.status_code == 200 and label.content_type == "application/pdf"
    [page] = pdf_pages(label.data)
    assert "GHN" in page and detail["tracking_number"] in page


def test_order_in_kazakhstan_goes_through_cdek_with_its_token(app, client, services, seller):
    offer_id = make_offer(app, "KZ")
    response = post_order(client, seller["token"], order_body(offer_id, market="KZ", quantity=12))
    assert response.status_code == 202, response.json
    [shipment] = response.json["shipments"]
    assert shipment["adapter"] == "cdek"
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "submitted", detail
    assert detail["tracking_number"].isdigit() and detail["external_ref"]
    assert [d["kind"] for d in detail["documents"]] == ["label"]
    assert services["cdek"].parcel_counts() == {shipment["idempotency_key"]: 1}
    assert services["cdek"].tokens_issued == 1


def test_fully_managed_order_files_an_inbound_note_with_box_and_sku_labels(
    app, client, services, seller
):
    offer_id = make_offer(app, "VN")
    body = order_body(offer_id, quantity=1000, mode="fully_managed")
    response = post_order(client, seller["token"], body)
    assert response.status_code == 202, response.json
    [shipment] = response.json["shipments"]
    assert shipment["adapter"] == "consolidation" and shipment["mode"] == "fully_managed"
    run_jobs(app)
    detail = shipment_json(client, seller["token"], shipment["id"])
    assert detail["state"] == "submitted", detail
    assert detail["tracking_number"].startswith("IN")
    assert [d["kind"] for d in detail["documents"]] == ["box_labels", "sku_labels"]
    note = services["consolidation"].find(shipment["idempotency_key"])
    # 1000 shirts of 30x25x2 cm fill 16 cartons of 60x40x40 cm (220 kg would need 11).
    assert note["box_count"] == 16
    assert note["lines"][0] == {**note["lines"][0], "sku": "TS180-WHT-M", "quantity": 1000}


def test_idempotency_key_is_required_and_named(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    response = client.post(
        "/api/v1/orders/", json=order_body(offer_id), headers=bearer(seller["token"])
    )
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "idempotency_key_missing"
    assert "Idempotency-Key" in error["message"] and "Idempotency-Key" in error["fields"]


def test_replay_with_same_key_and_body_returns_the_first_answer(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    body = order_body(offer_id, reference="shop-1001")
    first = post_order(client, seller["token"], body, key="order-1001")
    # The same JSON with its keys in another order is the same request.
    replay = post_order(client, seller["token"], dict(reversed(body.items())), key="order-1001")
    assert first.status_code == replay.status_code == 202
    assert replay.json == first.json
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert replay.headers["Location"] == first.headers["Location"]
    orders = client.get("/api/v1/orders/", headers=bearer(seller["token"])).json
    assert orders["total"] == 1


def test_same_key_with_another_body_is_a_conflict(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    assert post_order(client, seller["token"], order_body(offer_id), key="k-1").status_code == 202
    again = post_order(client, seller["token"], order_body(offer_id, quantity=70), key="k-1")
    assert again.status_code == 409
    assert again.json["error"]["code"] == "idempotency_key_reused"


def test_a_failed_validation_does_not_use_up_the_key(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    bad = post_order(client, seller["token"], order_body(offer_id, quantity=10), key="k-2")
    assert bad.status_code == 422
    good = post_order(client, seller["token"], order_body(offer_id, quantity=60), key="k-2")
    assert good.status_code == 202


def test_keys_belong_to_one_seller(app, client, services, seller):
    from tests.fulfilment.support import make_seller

    other = make_seller(app, "other@shop.example")
    offer_id = make_offer(app, "VN")
    first = post_order(client, seller["token"], order_body(offer_id), key="shared")
    second = post_order(client, other["token"], order_body(offer_id, quantity=70), key="shared")
    assert first.status_code == second.status_code == 202
    assert first.json["id"] != second.json["id"]


def test_market_outside_the_sellers_scope_is_forbidden(app, client, services):
    from tests.fulfilment.support import make_seller

    vn_only = make_seller(app, "vn@shop.example", markets=("VN",))
    offer_id = make_offer(app, "KZ")
    response = post_order(client, vn_only["token"], order_body(offer_id, market="KZ"))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "market_not_allowed"


def test_only_sellers_place_orders(app, client, services, ops_token):
    offer_id = make_offer(app, "VN")
    response = post_order(client, ops_token, order_body(offer_id))
    assert response.status_code == 403


def test_offer_must_be_ready_and_in_the_market(app, client, services, seller):
    held = make_offer(app, "VN", status="held")
    kz = make_offer(app, "KZ")
    body = order_body(held)
    body["lines"].append({"offer_id": kz, "sku": "CUP500-SLV", "quantity": 20})
    body["lines"].append({"offer_id": 999999, "sku": "X", "quantity": 1})
    response = post_order(client, seller["token"], body)
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "is held (fx_stale)" in fields["lines.0.offer_id"][0]
    assert "No offer" in fields["lines.1.offer_id"][0]
    assert "No offer" in fields["lines.2.offer_id"][0]


def test_moq_stock_and_variant_are_checked_per_line(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    body = order_body(offer_id, quantity=49)
    body["lines"] += [
        {"offer_id": offer_id, "sku": "TS180-BLK-M", "quantity": 61},
        {"offer_id": offer_id, "sku": "NO-SUCH", "quantity": 60},
    ]
    response = post_order(client, seller["token"], body)
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert fields["lines.0.quantity"] == ["The minimum order quantity is 50."]
    assert fields["lines.1.quantity"] == ["Only 60 in stock."]
    assert "no priced variant NO-SUCH" in fields["lines.2.sku"][0]


def test_phone_is_checked_for_the_markets_country(app, client, services, seller):
    offer_id = make_offer(app, "VN")
    ship_to = {**fixture("ship_to_vn.json"), "phone": "+7 701 234 5678"}
    response = post_order(client, seller["token"], order_body(offer_id, ship_to=ship_to))
    assert response.status_code == 422
    assert "in VN" in response.json["error"]["fields"]["ship_to.phone"][0]
    ship_to["phone"] = "12345"
    response = post_order(client, seller["token"], order_body(offer_id, ship_to=ship_to))
    assert response.json["error"]["fields"]["ship_to.phone"]


def test_each_carrier_asks_for_its_own_address_fields(app, client, services, seller):
    vn = make_offer(app, "VN")
    ship_to = {**fixture("ship_to_vn.json")}
    del ship_to["ward"], ship_to["district"]
    response = post_order(client, seller["token"], order_body(vn, ship_to=ship_to))
    fields = response.json["error"]["fields"]
    assert set(fields) == {"ship_to.ward", "ship_to.district"}
    assert "ghn" in fields["ship_to.ward"][0]
    # The warehouse leg does not need the ward: the stock goes to the warehouse.
    response = post_order(
        client, seller["token"], order_body(vn, ship_to=ship_to, mode="fully_managed")
    )
    assert response.status_code == 202, response.json
    kz = make_offer(app, "KZ")
    no_city = {k: v for k, v in fixture("ship_to_kz.json").items() if k != "city"}
    response = post_order(client, seller["token"], order_body(kz, market="KZ", ship_to=no_city))
    assert set(response.json["error"]["fields"]) == {"ship_to.city"}


def test_mode_without_an_enabled_service_is_refused(app, client, services, seller):
    offer_id = make_offer(app, "VN", mutate=lambda d: d.update(market="TH", currency="THB"))
    from connector.extensions import db
    from connector.models import Offer

    with app.app_context():
        db.session.get(Offer, offer_id).market_code = "TH"
        db.session.commit()
    body = order_body(offer_id, market="TH", sku="TS180-WHT-M", ship_to=fixture("ship_to_vn.json"))
    response = post_order(client, seller["token"], body)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "mode_unavailable"  # TH ships through "partner"


def test_schema_errors_name_the_fields(app, client, services, seller):
    response = post_order(client, seller["token"], {"market": "VN", "lines": [{"sku": 1}]})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert {"ship_to", "lines.0.offer_id", "lines.0.quantity"} <= set(fields)


def test_one_shipment_per_factory_leg(app, client, services, seller):
    first = make_offer(app, "VN", supplier="工厂甲")
    second = make_offer(app, "VN", supplier="工厂乙")
    body = order_body(first)
    body["lines"].append({"offer_id": second, "sku": "TS180-WHT-M", "quantity": 50})
    body["lines"].append({"offer_id": first, "sku": "TS180-BLK-M", "quantity": 50})
    response = post_order(client, seller["token"], body)
    assert response.status_code == 202, response.json
    order = response.json
    assert [s["leg"] for s in order["shipments"]] == [1, 2]
    keys = [s["idempotency_key"] for s in order["shipments"]]
    assert keys == [f"CBC-{order['id']}-ghn-1", f"CBC-{order['id']}-ghn-2"]
    legs = [line["shipment_id"] for line in order["lines"]]
    first_leg, second_leg = (s["id"] for s in order["shipments"])
    assert legs == [first_leg, second_leg, first_leg]
    assert order["total"] == str(269000 * 60 + 269000 * 50 + 275000 * 50)
    run_jobs(app)
    assert services["ghn"].parcel_counts() == dict.fromkeys(keys, 1)


def test_buyer_data_is_encrypted_at_rest_and_masked_for_ops(
    app, client, services, seller, ops_token
):
    offer_id = make_offer(app, "VN")
    order = post_order(client, seller["token"], order_body(offer_id)).json
    from connector.extensions import db

    with app.app_context():
        raw = db.session.execute(
            db.text("SELECT ship_to_encrypted FROM sales_order WHERE id = :id"), {"id": order["id"]}
        ).scalar_one()
        record = db.session.execute(db.text("SELECT response_encrypted FROM idempotency_record"))
        stored = raw + record.scalar_one()
    for secret in ("Nguyễn", "0901", "84901234567", "Nguyễn Huệ", "an.nguyen"):
        assert secret not in stored
    seen_by_ops = client.get(f"/api/v1/orders/{order['id']}", headers=bearer(ops_token)).json
    ship_to = seen_by_ops["ship_to"]
    assert ship_to["name"] == "N***** V** A*"
    assert ship_to["phone"] == "+84******567"
    assert ship_to["email"] == "a***@example.vn"
    assert ship_to["line1"] == ship_to["ward"] == "***"
    assert ship_to["province"] == "Hồ Chí Minh" and ship_to["district"] == "Quận 1"
    shipment = order["shipments"][0]["id"]
    assert shipment_json(client, ops_token, shipment)["ship_to"]["name"] == "N***** V** A*"
    owner = client.get(f"/api/v1/orders/{order['id']}", headers=bearer(seller["token"])).json
    assert owner["ship_to"]["name"] == "Nguyễn Văn An"


def test_orders_are_visible_to_their_seller_and_ops_only(
    app, client, services, seller, ops_token, exporter_token
):
    from tests.fulfilment.support import make_seller

    other = make_seller(app, "other@shop.example")
    offer_id = make_offer(app, "VN")
    order = post_order(client, seller["token"], order_body(offer_id)).json
    url = f"/api/v1/orders/{order['id']}"
    assert client.get(url, headers=bearer(other["token"])).status_code == 404
    # Another factory's order: whether it exists is not the exporter's to know.
    assert client.get(url, headers=bearer(exporter_token)).status_code == 404
    assert client.get(url, headers=bearer(ops_token)).status_code == 200
    assert client.get("/api/v1/orders/", headers=bearer(other["token"])).json["total"] == 0
    shipment = f"/api/v1/shipments/{order['shipments'][0]['id']}"
    assert client.get(shipment, headers=bearer(other["token"])).status_code == 404
    # The demo exporter's factory is not the one that ships this order.
    assert client.get(shipment, headers=bearer(exporter_token)).status_code == 404


def test_the_shipping_factory_sees_its_shipments_and_labels_masked(
    app, client, services, seller, exporter_token
):
    from connector.demo import DEMO_SUPPLIER

    offer_id = make_offer(app, "VN", supplier=DEMO_SUPPLIER)
    order = post_order(client, seller["token"], order_body(offer_id)).json
    run_jobs(app)
    listing = client.get("/api/v1/shipments/", headers=bearer(exporter_token)).json
    assert [s["id"] for s in listing["items"]] == [order["shipments"][0]["id"]]
    detail = shipment_json(client, exporter_token, order["shipments"][0]["id"])
    # Not even a masked phone: the factory reads where the parcel goes, not to whom.
    assert detail["ship_to"] == {"country": "VN", "province": "Hồ Chí Minh", "city": None}
    label = client.get(detail["documents"][0]["url"], headers=bearer(exporter_token))
    assert label.status_code == 200
    assert label.headers["Content-Security-Policy"].startswith("sandbox")
    assert label.headers["Content-Disposition"].startswith("attachment")


def test_openapi_describes_orders_and_shipments(client):
    spec = client.get("/api/v1/openapi.json").json
    post = spec["paths"]["/api/v1/orders/"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in post["parameters"])
    assert {"202", "400", "403", "409", "422"} <= set(post["responses"])
    assert "post" in spec["paths"]["/api/v1/shipments/{shipment_id}/retry"]


def test_an_expired_key_can_be_used_again(app, client, services, seller):
    from datetime import timedelta

    from sqlalchemy import update

    from connector.extensions import db
    from connector.models import IdempotencyRecord
    from connector.models.types import utcnow

    offer_id = make_offer(app, "VN")
    first = post_order(client, seller["token"], order_body(offer_id), key="old-key")
    with app.app_context():
        db.session.execute(
            update(IdempotencyRecord).values(created_at=utcnow() - timedelta(days=2))
        )
        db.session.commit()
    again = post_order(client, seller["token"], order_body(offer_id, quantity=70), key="old-key")
    assert again.status_code == 202 and again.json["id"] != first.json["id"]


@pytest.mark.both_databases
def test_two_requests_racing_with_one_key_make_one_order(app, services, seller):
    offer_id = make_offer(app, "VN")
    body = order_body(offer_id)
    start = threading.Barrier(2)
    answers = []

    def send():
        client = app.test_client()
        start.wait()
        answers.append(post_order(client, seller["token"], body, key="racing-key"))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [a.status_code for a in answers] == [202, 202]
    assert answers[0].json == answers[1].json
    from connector.extensions import db
    from connector.models import SalesOrder

    with app.app_context():
        assert db.session.execute(db.select(db.func.count(SalesOrder.id))).scalar_one() == 1


def test_sellers_can_read_what_each_mode_needs(app, client, services):
    from tests.fulfilment.support import make_seller

    seller = make_seller(app, "kz@shop.example", markets=("VN", "TH"))
    response = client.get("/api/v1/orders/shipping-options", headers=bearer(seller["token"]))
    assert response.status_code == 200
    by_market = {entry["market"]: entry for entry in response.json}
    assert set(by_market) == {"VN", "TH"}
    vn = {m["mode"]: m for m in by_market["VN"]["modes"]}
    assert vn["semi_managed"] == {
        "mode": "semi_managed",
        "adapter": "ghn",
        "kind": "carrier",
        "available": True,
        "sandbox": True,
        "required_ship_to": ["name", "phone", "line1", "province", "district", "ward"],
    }
    assert vn["fully_managed"]["kind"] == "warehouse"
    th = by_market["TH"]["modes"][0]
    assert th["adapter"] == "partner" and not th["available"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            {
                "lines.0.quantity": ["Минимальный заказ — 50."],
                "lines.1.quantity": ["В наличии только 60."],
                "lines.2.sku": ["В предложении {offer} нет варианта NO-SUCH с ценой."],
                "lines.3.offer_id": ["Предложения 999999 на рынке VN нет."],
            },
        ),
        (
            "vi",
            {
                "lines.0.quantity": ["Số lượng đặt tối thiểu là 50."],
                "lines.1.quantity": ["Chỉ còn 60 trong kho."],
                "lines.2.sku": ["Báo giá {offer} không có biến thể NO-SUCH có giá."],
                "lines.3.offer_id": ["Không có báo giá 999999 ở thị trường VN."],
            },
        ),
        (
            "kk",
            {
                "lines.0.quantity": ["Ең аз тапсырыс көлемі — 50."],
                "lines.1.quantity": ["Қоймада тек 60 бар."],
                "lines.2.sku": ["{offer} ұсынысында бағасы бар NO-SUCH нұсқасы жоқ."],
                "lines.3.offer_id": ["VN нарығында 999999 ұсынысы жоқ."],
            },
        ),
        (
            "zh-CN",
            {
                "lines.0.quantity": ["起订量为 50。"],
                "lines.1.quantity": ["库存仅剩 60 件。"],
                "lines.2.sku": ["报价 {offer} 中没有已定价的规格 NO-SUCH。"],
                "lines.3.offer_id": ["市场 VN 中没有报价 999999。"],
            },
        ),
    ],
)
def test_line_problems_are_answered_in_the_callers_language(
    app, client, services, seller, language, expected
):
    offer_id = make_offer(app, "VN")
    body = order_body(offer_id, quantity=49)
    body["lines"] += [
        {"offer_id": offer_id, "sku": "TS180-BLK-M", "quantity": 61},
        {"offer_id": offer_id, "sku": "NO-SUCH", "quantity": 60},
        {"offer_id": 999999, "sku": "X", "quantity": 1},
    ]
    response = client.post(
        "/api/v1/orders/",
        json=body,
        headers={
            **bearer(seller["token"]),
            "Idempotency-Key": language,
            "Accept-Language": language,
        },
    )
    assert response.status_code == 422, response.json
    wanted = {
        field: [text.format(offer=offer_id) for text in texts] for field, texts in expected.items()
    }
    assert response.json["error"]["fields"] == wanted

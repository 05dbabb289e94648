"""A barcode scanner marks shipments packed or handed over: the scanned label then Enter."""

from __future__ import annotations

import pytest

from tests.fulfilment.factory_support import make_exporter, order, order_line, ready_offer
from tests.fulfilment.support import run_jobs, shipment_json
from tests.offers.support import tshirt
from tests.web.catalogs import compile_catalogs
from tests.web.conftest import get_page, sign_in


@pytest.fixture(autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture
def sent(app, client, services, seller, exporter_token, rates, translator):
    """A confirmed semi-managed shipment the carrier has, with its tracking number."""
    shirt = ready_offer(app, client, exporter_token, tshirt())
    placed = order(client, seller, [order_line(shirt, 60)])
    assert placed.status_code == 202, placed.json
    run_jobs(app)
    [shipment] = placed.json["shipments"]
    client.post(
        f"/api/v1/orders/{placed.json['id']}/confirm",
        headers={"Authorization": f"Bearer {exporter_token}"},
    )
    return shipment_json(client, seller["token"], shipment["id"])


def _scan(client, code: str, step: str):
    page = get_page(client, "/factory/scan")
    return client.post(
        "/factory/scan", data={"csrf_token": page.csrf(), "code": code, "step": step}
    )


def test_the_scan_field_is_focused_and_chooses_the_step(client, demo):
    sign_in(client, "exporter@demo.example", demo["password"])
    page = get_page(client, "/factory/scan")
    field = page.by_id("scan-code")
    assert "autofocus" in field.attrs and page.html.count("autofocus") == 1
    checked = page.all(lambda node: node.tag == "input" and "checked" in node.attrs)
    assert [node.attrs["value"] for node in checked] == ["packed"]


def _display_name(app, email: str) -> str:
    from connector.extensions import db
    from connector.models import User

    with app.app_context():
        return db.session.execute(
            db.select(User.display_name).where(User.email == email)
        ).scalar_one()


def test_scanning_the_tracking_then_the_shipment_code_packs_and_hands_over(
    app, client, demo, sent, exporter_token
):
    sign_in(client, "exporter@demo.example", demo["password"], lang="en")
    packed = _scan(client, sent["tracking_number"].lower() + "\n", "packed")
    assert packed.status_code == 200
    text = packed.get_data(as_text=True)
    assert f"Shipment {sent['id']}: Packed." in text
    assert _display_name(app, "exporter@demo.example") in text  # who, beside when

    handed = _scan(client, sent["idempotency_key"], "handed_over")
    assert handed.status_code == 200
    assert f"Shipment {sent['id']}: Handed over." in handed.get_data(as_text=True)

    steps = client.get(
        f"/api/v1/orders/{sent['order_id']}", headers={"Authorization": f"Bearer {exporter_token}"}
    ).json["shipments"][0]["factory_steps"]
    assert set(steps) == {"confirmed", "packed", "handed_over"}


def test_handing_over_before_packing_says_so(client, demo, sent):
    sign_in(client, "exporter@demo.example", demo["password"], lang="en")
    response = _scan(client, sent["tracking_number"], "handed_over")
    assert response.status_code == 409
    assert "Mark the shipment packed first." in response.get_data(as_text=True)


def test_another_factorys_label_is_not_found(app, client, sent):
    make_exporter(app, "cups@factory.example", "宁波杯业有限公司")
    from connector.extensions import db
    from connector.models import User

    with app.app_context():
        user = db.session.execute(
            db.select(User).where(User.email == "cups@factory.example")
        ).scalar_one()
        user.set_password("other-factory-pass")
        db.session.commit()
    sign_in(client, "cups@factory.example", "other-factory-pass", lang="en")
    for code in (sent["tracking_number"], sent["idempotency_key"], "NO-SUCH-CODE"):
        response = _scan(client, code, "packed")
        assert response.status_code == 404
        assert f"Not found: {code}" in response.get_data(as_text=True)

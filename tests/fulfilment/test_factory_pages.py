"""The exporter's order pages: its orders in its language, its steps, never the buyer."""

from __future__ import annotations

import pytest

from tests.fulfilment.factory_support import (
    make_exporter,
    order,
    order_line,
    ready_offer,
    upload_png,
)
from tests.offers.support import tshirt
from tests.web.catalogs import compile_catalogs
from tests.web.conftest import get_page, sign_in

LOGO = "丝印logo（单色）"
BUYER = ("Nguyễn", "0901", "234 567", "an.nguyen", "Nguyễn Huệ", "Bến Nghé", "Quận 1")


@pytest.fixture(autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture
def placed(app, client, services, seller, exporter_token, rates, translator):
    """A customized fully managed order and a plain one for the demo factory's T-shirt."""
    shirt = ready_offer(app, client, exporter_token, tshirt())
    artwork = upload_png(client, seller["token"])
    custom = {"option": LOGO, "artwork": artwork, "text": "ACME", "placement": "front"}
    first = order(
        client, seller, [order_line(shirt, 200, customization=custom)], mode="fully_managed"
    )
    second = order(client, seller, [order_line(shirt, 60)])
    assert first.status_code == second.status_code == 202, (first.json, second.json)
    return {"custom": first.json, "plain": second.json, "artwork": artwork}


def links(node) -> list[str]:
    return [n.attrs.get("href", "") for n in node.walk() if n.tag == "a"]


def test_exporter_confirms_a_new_order_in_chinese_and_the_step_is_recorded(
    app, client, demo, placed
):
    sign_in(client, "exporter@demo.example", demo["password"], lang="zh_Hans")
    page = get_page(client, "/factory/orders")
    shipment_id = placed["custom"]["shipments"][0]["id"]
    assert f"/factory/shipments/{shipment_id}" in links(page.by_id("to-confirm"))
    assert "确认" in page.html  # the Confirm button, in the exporter's language
    response = client.post(
        f"/factory/shipments/{shipment_id}/confirm",
        data={"csrf_token": page.csrf(), "next": "index"},
    )
    assert response.status_code == 302
    after = get_page(client, "/factory/orders")
    assert f"/factory/shipments/{shipment_id}" not in links(after.by_id("to-confirm"))
    for fragment in BUYER:
        assert fragment not in after.html
    detail = get_page(client, f"/factory/shipments/{shipment_id}")
    assert "已确认" in detail.html  # the step, in the exporter's language


def test_production_list_shows_the_print_spec_with_its_artwork(app, client, demo, placed):
    sign_in(client, "exporter@demo.example", demo["password"])
    page = get_page(client, "/factory/production")
    text = page.html
    assert "TS180-WHT-M" in text and "ACME" in text and "front" in text
    # The factory's own name for the product, not the buyer's-language title.
    assert "纯棉圆领短袖T恤" in text and "[vi]" not in text
    images = page.all(lambda node: node.tag == "img")
    assert any(placed["artwork"] in node.attrs.get("src", "") for node in images)


def test_day_pack_lists_print_every_open_shipment_without_the_buyer(app, client, demo, placed):
    sign_in(client, "exporter@demo.example", demo["password"])
    page = get_page(client, "/factory/pack-lists")
    lists = page.all(lambda node: "pack-list" in node.classes)
    assert len(lists) == 2
    text = page.html
    assert "Hồ Chí Minh" in text
    for fragment in BUYER:
        assert fragment not in text


def test_steps_go_in_order_and_another_factory_gets_404(app, client, demo, placed):
    sign_in(client, "exporter@demo.example", demo["password"])
    shipment_id = placed["plain"]["shipments"][0]["id"]
    page = get_page(client, f"/factory/shipments/{shipment_id}")
    early = client.post(
        f"/factory/shipments/{shipment_id}/handed-over", data={"csrf_token": page.csrf()}
    )
    assert early.status_code == 302
    assert "Mark the shipment packed first." in get_page(client, early.location).html
    for step in ("confirm", "packed", "handed-over"):
        done = client.post(
            f"/factory/shipments/{shipment_id}/{step}", data={"csrf_token": page.csrf()}
        )
        assert done.status_code == 302
    final = get_page(client, f"/factory/shipments/{shipment_id}")
    assert "Handed over" in final.html

    make_exporter(app, "cups@factory.example", "宁波杯业有限公司")
    from connector.extensions import db
    from connector.models import User

    with app.app_context():
        user = db.session.execute(
            db.select(User).where(User.email == "cups@factory.example")
        ).scalar_one()
        user.set_password("other-factory-pass")
        db.session.commit()
    other = app.test_client()
    sign_in(other, "cups@factory.example", "other-factory-pass")
    assert other.get(f"/factory/shipments/{shipment_id}").status_code == 404
    assert f"/factory/shipments/{shipment_id}" not in get_page(other, "/factory/orders").html


def test_sellers_pages_are_closed_to_ops(client, demo):
    sign_in(client, "ops@demo.example", demo["password"])
    assert client.get("/factory/orders").status_code == 403

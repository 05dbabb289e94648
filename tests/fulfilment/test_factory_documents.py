"""The factory prints PDFs: carriers' labels, pack lists, the inbound note with box and SKU
labels, and a day's batch in one file; our own pages never carry the buyer."""

from __future__ import annotations

import pytest

from tests.fulfilment.factory_support import (
    make_exporter,
    order,
    order_line,
    pdf_images,
    pdf_pages,
    ready_offer,
    upload_png,
)
from tests.fulfilment.support import run_jobs, shipment_json
from tests.offers.support import tshirt
from tests.web.catalogs import compile_catalogs
from tests.web.conftest import sign_in

LOGO = "丝印logo（单色）"
# The buyer as the carrier needs it, in any spelling a PDF may print it.
BUYER = ("Nguy", "0901", "234 567", "an.nguyen", "Hu", "Nghe", "Quan 1", "Quận 1")


@pytest.fixture(autouse=True)
def _catalogs():
    compile_catalogs()


@pytest.fixture
def shirt(app, client, exporter_token, rates, translator):
    return ready_offer(app, client, exporter_token, tshirt())


def _custom(client, seller) -> dict:
    artwork = upload_png(client, seller["token"])
    return {"option": LOGO, "artwork": artwork, "text": "ACME", "placement": "front"}


def _no_buyer(pages: list[str]) -> None:
    text = "\n".join(pages)
    for fragment in BUYER:
        assert fragment not in text, fragment


def test_the_carrier_label_is_a_pdf_with_the_tracking_number(app, client, services, seller, shirt):
    placed = order(client, seller, [order_line(shirt, 60)])
    run_jobs(app)
    shipment = shipment_json(client, seller["token"], placed.json["shipments"][0]["id"])
    [label] = shipment["documents"]
    assert label["content_type"] == "application/pdf"
    data = client.get(label["url"], headers={"Authorization": f"Bearer {seller['token']}"}).data
    [page] = pdf_pages(data)
    assert shipment["tracking_number"] in page


def test_pack_list_pdf_lists_skus_and_barcodes_without_the_buyer(
    app, client, demo, services, seller, shirt
):
    placed = order(client, seller, [order_line(shirt, 60)])
    assert placed.status_code == 202, placed.json
    run_jobs(app)
    [shipment] = placed.json["shipments"]
    tracking = shipment_json(client, seller["token"], shipment["id"])["tracking_number"]
    sign_in(client, "exporter@demo.example", demo["password"])
    response = client.get(f"/factory/shipments/{shipment['id']}/pack-list.pdf")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    pages = pdf_pages(response.data)
    assert len(pages) == 1
    assert "TS180-WHT-M" in pages[0] and tracking in pages[0]
    assert shipment["idempotency_key"] in pages[0]  # the shipment code under its barcode
    _no_buyer(pages)


def test_inbound_note_has_box_and_sku_labels_and_the_print_spec(
    app, client, demo, services, seller, shirt
):
    lines = [
        order_line(shirt, 200, customization=_custom(client, seller)),
        order_line(shirt, 60, sku=shirt["document"]["variants"][1]["sku"]),
    ]
    placed = order(client, seller, lines, mode="fully_managed")
    assert placed.status_code == 202, placed.json
    [shipment] = placed.json["shipments"]
    run_jobs(app)
    sign_in(client, "exporter@demo.example", demo["password"])
    response = client.get(f"/factory/shipments/{shipment['id']}/pack-list.pdf")
    pages = pdf_pages(response.data)
    skus = [line["sku"] for line in lines]
    boxes = [page for page in pages if "Box " in page]
    sku_labels = [page for page in pages[1 + len(boxes) :]]
    assert boxes and len(sku_labels) == 2
    assert all(shipment["idempotency_key"] in page for page in boxes)
    assert [next(s for s in skus if s in page) for page in sku_labels] == skus
    assert "Inbound shipping note" in pages[0] and "ACME" in pages[0]
    assert pdf_images(response.data) == 2  # the artwork on the note and on its SKU label
    _no_buyer(pages)


def test_todays_batch_takes_the_warehouse_box_labels_with_the_inbound_note(
    app, client, demo, services, seller, shirt
):
    placed = order(
        client,
        seller,
        [order_line(shirt, 200, customization=_custom(client, seller))],
        mode="fully_managed",
    )
    assert placed.status_code == 202, placed.json
    run_jobs(app)
    sign_in(client, "exporter@demo.example", demo["password"])
    response = client.get("/factory/batch.pdf")
    assert response.headers["X-Labels-Missing"] == "0"
    pages = pdf_pages(response.data)
    warehouse = [page for page in pages if "CONSOLIDATION WAREHOUSE" in page]
    assert warehouse and pages[: len(warehouse)] == warehouse
    assert "Inbound shipping note" in pages[len(warehouse)]
    assert "ACME" in pages[len(warehouse)]


def test_todays_batch_is_one_pdf_of_carrier_labels_and_pack_lists(
    app, client, demo, services, seller, shirt
):
    first = order(client, seller, [order_line(shirt, 60)])
    second = order(client, seller, [order_line(shirt, 80)])
    run_jobs(app)
    tracking = [
        shipment_json(client, seller["token"], o.json["shipments"][0]["id"])["tracking_number"]
        for o in (first, second)
    ]
    sign_in(client, "exporter@demo.example", demo["password"])
    response = client.get("/factory/batch.pdf")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert response.headers["X-Labels-Missing"] == "0"
    pages = pdf_pages(response.data)
    assert len(pages) == 4  # per shipment: the carrier's label, then our pack list
    oldest_first = sorted(
        zip((first, second), tracking, strict=True), key=lambda p: p[0].json["id"]
    )
    for index, (_placed, number) in enumerate(oldest_first):
        label, pack = pages[2 * index], pages[2 * index + 1]
        assert number in label and "GHN" in label
        assert number in pack and "TS180-WHT-M" in pack
        _no_buyer([pack])


def test_labels_not_fetched_yet_are_counted_and_the_batch_still_prints(
    app, client, demo, services, seller, shirt
):
    placed = order(client, seller, [order_line(shirt, 60)])
    assert placed.status_code == 202
    sign_in(client, "exporter@demo.example", demo["password"])
    response = client.get("/factory/batch.pdf")
    assert response.headers["X-Labels-Missing"] == "1"
    assert len(pdf_pages(response.data)) == 1


def test_another_factory_cannot_print_a_shipment_it_does_not_make(
    app, client, services, seller, shirt
):
    placed = order(client, seller, [order_line(shirt, 60)])
    [shipment] = placed.json["shipments"]
    other = make_exporter(app, "cups@factory.example", "宁波杯业有限公司")
    from connector.extensions import db
    from connector.models import User

    with app.app_context():
        user = db.session.get(User, other["id"])
        user.set_password("other-factory-pass")
        db.session.commit()
    sign_in(client, "cups@factory.example", "other-factory-pass")
    assert client.get(f"/factory/shipments/{shipment['id']}/pack-list.pdf").status_code == 404
    assert len(pdf_pages(client.get("/factory/batch.pdf").data)) == 1  # nothing of theirs

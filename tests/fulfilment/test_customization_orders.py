"""Order lines that ask for a listing's customization: minimum, extra cost, setup fee, spec."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.conftest import bearer
from tests.fulfilment.factory_support import order, order_line, ready_offer, upload_png
from tests.offers.support import tshirt

LOGO = "丝印logo（单色）"


@pytest.fixture
def shirt(app, client, exporter_token, rates, translator):
    listing = tshirt()
    listing["customizations"][0]["setup_fee"] = "150.00"
    return ready_offer(app, client, exporter_token, listing, market="VN")


def logo(artwork: str, **extra) -> dict:
    return {
        "option": LOGO,
        "artwork": artwork,
        "placement": "front",
        "colours": ["PMS 286C"],
        **extra,
    }


def _quote(client, seller, lines, mode="fully_managed"):
    body = {"market": "VN", "mode": mode, "lines": lines}
    return client.post("/api/v1/quotes/", json=body, headers=bearer(seller["token"]))


def test_customized_line_costs_more_and_the_factory_is_paid_its_extra_and_setup_fee(
    app, client, services, seller, exporter_token, shirt
):
    artwork = upload_png(client, seller["token"])
    plain = _quote(client, seller, [order_line(shirt, 300)])
    assert plain.status_code == 201, plain.json
    placed = order(
        client,
        seller,
        [order_line(shirt, 300, customization=logo(artwork, text="ACME"))],
        mode="fully_managed",
    )
    assert placed.status_code == 202, placed.json
    line = placed.json["lines"][0]
    extra = D(placed.json["pricing"]["lines"][0]["customization"]["extra_total"])
    assert extra > 0
    assert D(line["line_total"]) == D(plain.json["total"]) + extra
    assert D(placed.json["total"]) == D(line["line_total"])
    # The seller never reads the factory's costs.
    text = placed.get_data(as_text=True)
    assert "extra_unit_cost_cny" not in text and "setup_fee_cny" not in text
    assert "factory_amount_cny" not in line

    mine = client.get(f"/api/v1/orders/{placed.json['id']}", headers=bearer(exporter_token)).json
    [factory_line] = mine["lines"]
    spec = factory_line["customization"]
    assert spec["option"] == LOGO and spec["text"] == "ACME" and spec["placement"] == "front"
    assert spec["colours"] == ["PMS 286C"] and spec["artwork"] == artwork
    assert client.get(spec["artwork_url"]).status_code == 200
    # 16.80 a shirt at 300, plus 1.20 a shirt for the logo, plus the 150 setup fee.
    assert D(factory_line["factory_amount_cny"]) == D("16.80") * 300 + D("1.20") * 300 + 150


def test_the_options_minimum_quantity_is_enforced(app, client, services, seller, shirt):
    artwork = upload_png(client, seller["token"])
    response = order(client, seller, [order_line(shirt, 100, customization=logo(artwork))])
    assert response.status_code == 422
    assert response.json["error"]["fields"]["lines.0.quantity"] == [
        f"With {LOGO} the minimum order quantity is 200."
    ]


def test_unknown_option_and_unknown_artwork_are_named_by_field(
    app, client, services, seller, shirt
):
    unknown = order(
        client, seller, [order_line(shirt, 300, customization={"option": "刺绣", "text": "x"})]
    )
    assert unknown.status_code == 422
    assert "lines.0.customization.option" in unknown.json["error"]["fields"]
    no_image = order(client, seller, [order_line(shirt, 300, customization=logo("a" * 64))])
    assert no_image.status_code == 422
    assert no_image.json["error"]["fields"]["lines.0.customization.artwork"] == [
        "Unknown uploaded image."
    ]
    nothing = order(client, seller, [order_line(shirt, 300, customization={"option": LOGO})])
    assert nothing.status_code == 422
    assert "lines.0.customization.text" in nothing.json["error"]["fields"]


def test_a_quote_for_a_customized_line_is_charged_only_for_the_same_customization(
    app, client, services, seller, shirt
):
    artwork = upload_png(client, seller["token"])
    lines = [order_line(shirt, 300, customization=logo(artwork))]
    quoted = _quote(client, seller, lines)
    assert quoted.status_code == 201, quoted.json
    other = [order_line(shirt, 300, customization=logo(artwork, text="OTHER"))]
    mismatch = order(client, seller, other, mode="fully_managed", quote_id=quoted.json["id"])
    assert mismatch.status_code == 422
    assert mismatch.json["error"]["code"] == "quote_mismatch"
    placed = order(client, seller, lines, mode="fully_managed", quote_id=quoted.json["id"])
    assert placed.status_code == 202, placed.json
    assert placed.json["total"] == quoted.json["total"]
    assert placed.json["pricing"]["lines"][0]["customization"]["option"] == LOGO


def test_production_list_groups_lines_with_the_same_print(
    app, client, services, seller, exporter_token, shirt
):
    artwork = upload_png(client, seller["token"])
    for quantity in (200, 250):
        placed = order(
            client,
            seller,
            [order_line(shirt, quantity, customization=logo(artwork))],
            mode="fully_managed",
        )
        assert placed.status_code == 202, placed.json
    assert order(client, seller, [order_line(shirt, 60)]).status_code == 202
    [day] = client.get("/api/v1/factory/production", headers=bearer(exporter_token)).json
    rows = sorted(day["rows"], key=lambda row: row["quantity"])
    assert [(row["sku"], row["quantity"]) for row in rows] == [
        ("TS180-WHT-M", 60),
        ("TS180-WHT-M", 450),
    ]
    assert rows[0]["customization"] is None
    assert rows[1]["customization"]["artwork"] == artwork

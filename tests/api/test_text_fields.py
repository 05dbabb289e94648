"""Text a person cannot see or a column cannot hold is refused, naming the field.

Control characters (NUL is refused by PostgreSQL; the others break labels and CSV
files), titles made only of zero-width or direction marks (they read as empty), and
e-mail addresses longer than the 254 characters the column holds.
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer
from tests.fulfilment.support import make_seller

INVISIBLE = ["\u200b", "\u200e\u200f", "\u2066\u2069 \ufeff", "\u3164", "\u00ad\u200d"]
CONTROL = ["a\x00b", "a\x1bb", "a\x85b", "a\x7f"]


def field_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "validation_failed"
    return response.json["error"]["fields"]


@pytest.mark.parametrize("title", INVISIBLE)
def test_a_title_of_only_invisible_marks_is_refused(client, exporter_token, title):
    response = client.post(
        "/api/v1/listings/", json={"title_zh": title}, headers=bearer(exporter_token)
    )
    assert "visible text" in field_errors(response)["title_zh"][0]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"category": "\u200b\u200b"}, "category"),
        ({"attributes": [{"name": "材质", "value": "\u2060"}]}, "attributes.0.value"),
        ({"customizations": [{"name": "\x00", "extra_unit_cost": "1"}]}, "customizations.0.name"),
        ({"description_zh": "好\x0b"}, "description_zh"),
    ],
)
def test_other_listing_texts_are_checked_the_same_way(client, exporter_token, payload, field):
    response = client.post(
        "/api/v1/listings/", json={"title_zh": "杯子", **payload}, headers=bearer(exporter_token)
    )
    assert field in field_errors(response)


def test_visible_text_with_a_joiner_inside_is_kept(client, exporter_token):
    title = "👩\u200d🔬 杯子"  # a joiner between visible characters is part of the text
    response = client.post(
        "/api/v1/listings/", json={"title_zh": title}, headers=bearer(exporter_token)
    )
    assert response.status_code == 201 and response.json["title_zh"] == title


@pytest.mark.parametrize("name", CONTROL + INVISIBLE[:2])
def test_seller_and_key_and_token_names_refuse_control_and_invisible_text(
    client, ops_token, exporter_token, name
):
    seller = client.post(
        "/api/v1/sellers/",
        json={"name": name, "email": "shop@seller.example", "markets": ["VN"]},
        headers=bearer(ops_token),
    )
    assert "name" in field_errors(seller)
    token = client.post("/api/v1/tokens/", json={"name": name}, headers=bearer(exporter_token))
    assert "name" in field_errors(token)


def test_an_email_longer_than_the_column_is_refused(client, ops_token):
    email = "a" * 4980 + "@seller.example"  # 4,995 characters; the column holds 254
    response = client.post(
        "/api/v1/sellers/",
        json={"name": "Shop", "email": email, "markets": ["VN"]},
        headers=bearer(ops_token),
    )
    assert any("254" in message for message in field_errors(response)["email"])


def test_a_manual_rate_note_refuses_control_characters(client, ops_token):
    response = client.post(
        "/api/v1/fx/rates",
        json={"base": "CNY", "quote": "VND", "rate": "3500", "note": "bank\x00fixing"},
        headers=bearer(ops_token),
    )
    assert "note" in field_errors(response)


@pytest.mark.parametrize(
    ("ship_to", "field"),
    [
        ({"name": "Nguyễn\x00"}, "ship_to.name"),
        ({"name": "\u200b\u200e"}, "ship_to.name"),
        ({"line1": "12 Lý\x1b Thường Kiệt"}, "ship_to.line1"),
        ({"email": "b" * 300 + "@buyer.example"}, "ship_to.email"),
    ],
)
def test_order_addresses_refuse_control_and_invisible_text(app, client, ship_to, field):
    seller = make_seller(app)
    order = {
        "market": "VN",
        "lines": [{"offer_id": 1, "sku": "A", "quantity": 1}],
        "ship_to": {"name": "Nguyễn Văn A", "phone": "0901234567", "line1": "1 Street", **ship_to},
    }
    response = client.post(
        "/api/v1/orders/",
        json=order,
        headers={**bearer(seller["token"]), "Idempotency-Key": "t-1"},
    )
    assert field in field_errors(response)

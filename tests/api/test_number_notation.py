"""Numbers people type: written out in full, of a size a price or a quantity can have.

``1e3`` is 1000 to a parser and a slip to a factory pricing its goods; an exponent
of a million is half a minute of a worker's time in ``int()``. Both are refused,
naming the field, before anything converts them.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from tests.conftest import FIXTURES, bearer
from tests.fulfilment.support import make_seller

EXPONENT = "without an exponent"
TOO_LARGE = "too large"


@pytest.fixture
def tshirt() -> dict:
    return json.loads((FIXTURES / "listing_tshirt.json").read_text())


def post_raw(client, token: str, url: str, body: str, method: str = "POST", **headers):
    headers = {**bearer(token), "Content-Type": "application/json", **headers}
    return client.open(url, method=method, data=body, headers=headers)


def fields_of(response) -> dict[str, list[str]]:
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    assert response.json["error"]["code"] == "validation_failed"
    return response.json["error"]["fields"]


# Every integer field of a listing, as a path and a JSON body that sets it to a literal.
INTEGER_FIELDS = [
    ("moq", lambda n: f'{{"title_zh": "x", "moq": {n}}}'),
    ("weight_g", lambda n: f'{{"title_zh": "x", "weight_g": {n}}}'),
    ("lead_time_days", lambda n: f'{{"title_zh": "x", "lead_time_days": {n}}}'),
    (
        "price_tiers.0.min_qty",
        lambda n: f'{{"title_zh": "x", "price_tiers": [{{"min_qty": {n}, "unit_price": "1"}}]}}',
    ),
    (
        "variants.0.stock",
        lambda n: f'{{"title_zh": "x", "variants": [{{"sku": "A", "stock": {n}}}]}}',
    ),
    (
        "customizations.0.extra_moq",
        lambda n: (
            '{"title_zh": "x", "customizations": '
            f'[{{"name": "logo", "extra_unit_cost": "1", "extra_moq": {n}}}]}}'
        ),
    ),
]


@pytest.mark.parametrize(("field", "body"), INTEGER_FIELDS, ids=[f for f, _b in INTEGER_FIELDS])
@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("1e1000000", EXPONENT),  # 36 bytes; int() of it took ~23 s
        ("1E+3", EXPONENT),
        ('"1e3"', EXPONENT),
        ("1" + "0" * 40 + ".0", TOO_LARGE),  # plain notation, still no int() of it
    ],
)
def test_listing_integers_refuse_exponents_and_huge_values_by_name(
    client, exporter_token, field, body, literal, message
):
    created = post_raw(client, exporter_token, "/api/v1/listings/", body(literal))
    errors = fields_of(created)
    # The field's own message, not its range check: refused before any conversion.
    assert any(message in text for text in errors[field]), errors

    listing = post_raw(client, exporter_token, "/api/v1/listings/", '{"title_zh": "y"}').json
    patched = post_raw(
        client, exporter_token, f"/api/v1/listings/{listing['id']}", body(literal), method="PATCH"
    )
    assert any(message in text for text in fields_of(patched)[field])


DECIMAL_FIELDS = [
    ("price_tiers.0.unit_price", lambda d, v: d["price_tiers"][0].__setitem__("unit_price", v)),
    ("variants.2.price", lambda d, v: d["variants"][2].__setitem__("price", v)),
    ("variants.1.price_delta", lambda d, v: d["variants"][1].__setitem__("price_delta", v)),
    (
        "customizations.0.extra_unit_cost",
        lambda d, v: d["customizations"][0].__setitem__("extra_unit_cost", v),
    ),
    ("length_cm", lambda d, v: d.__setitem__("length_cm", v)),
]


@pytest.mark.parametrize(("field", "change"), DECIMAL_FIELDS, ids=[f for f, _c in DECIMAL_FIELDS])
@pytest.mark.parametrize("typed", ["1e1", "1E+1", " 2.5e1 ", "1e-1"])
def test_listing_decimals_written_with_an_exponent_are_refused_by_name(
    client, exporter_token, tshirt, field, change, typed
):
    as_string = copy.deepcopy(tshirt)
    change(as_string, typed)
    errors = fields_of(post_raw(client, exporter_token, "/api/v1/listings/", json.dumps(as_string)))
    assert any(EXPONENT in text for text in errors[field]), errors

    # The same as a JSON number (the marker is replaced after dumping the document).
    as_number = copy.deepcopy(tshirt)
    change(as_number, "@NUMBER@")
    body = json.dumps(as_number).replace('"@NUMBER@"', typed.strip())
    errors = fields_of(post_raw(client, exporter_token, "/api/v1/listings/", body))
    assert any(EXPONENT in text for text in errors[field]), errors


def test_plain_decimals_are_still_exact(client, exporter_token, tshirt):
    tshirt["price_tiers"][0]["unit_price"] = "@NUMBER@"
    body = json.dumps(tshirt).replace('"@NUMBER@"', "18.50")
    created = post_raw(client, exporter_token, "/api/v1/listings/", body)
    assert created.status_code == 201, created.json
    assert created.json["price_tiers"][0]["unit_price"] == "18.50"


@pytest.mark.parametrize("rate", ['"1e3"', "1e3", '"3.5E+3"'])
def test_manual_fx_rate_with_an_exponent_is_refused_by_name(client, ops_token, rate):
    body = f'{{"base": "CNY", "quote": "VND", "rate": {rate}}}'
    errors = fields_of(post_raw(client, ops_token, "/api/v1/fx/rates", body))
    assert any(EXPONENT in text for text in errors["rate"]), errors


def test_manual_fx_rate_as_a_plain_json_number_is_taken_exactly(client, ops_token):
    body = '{"base": "CNY", "quote": "VND", "rate": 3512.25}'
    response = post_raw(client, ops_token, "/api/v1/fx/rates", body)
    assert response.status_code == 201, response.json
    assert Decimal(response.json["rate"]) == Decimal("3512.25")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ('{"offer_id": 1, "sku": "A", "quantity": 1e3}', "lines.0.quantity"),
        ('{"offer_id": 1, "sku": "A", "quantity": 1e1000000}', "lines.0.quantity"),
        ('{"offer_id": 1E+0, "sku": "A", "quantity": 1}', "lines.0.offer_id"),
    ],
)
def test_order_quantities_with_an_exponent_are_refused_by_name(app, client, demo, line, field):
    seller = make_seller(app)
    body = (
        '{"market": "VN", "lines": [' + line + '], "ship_to": {"name": "A", "phone": "0901234567",'
        ' "line1": "1 Street"}}'
    )
    response = post_raw(
        client, seller["token"], "/api/v1/orders/", body, **{"Idempotency-Key": "n1"}
    )
    errors = fields_of(response)
    assert any(EXPONENT in text for text in errors[field]), errors

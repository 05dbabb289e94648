"""The listings API, through HTTP: what an exporter's script sees."""

from __future__ import annotations

import copy
import json

import pytest

from tests.conftest import FIXTURES, bearer


@pytest.fixture
def tshirt() -> dict:
    return json.loads((FIXTURES / "listing_tshirt.json").read_text())


def post_listing(client, token, payload):
    return client.post("/api/v1/listings/", json=payload, headers=bearer(token))


def second_exporter_token(app) -> str:
    from connector.auth.tokens import issue_token
    from connector.extensions import db
    from connector.models import Role, Supplier, User

    with app.app_context():
        other = Supplier(name="宁波某某塑料制品厂")
        user = User(
            email="other@factory.example", display_name="Other", role=Role.EXPORTER, supplier=other
        )
        user.set_password("other-pass-123")
        db.session.add(user)
        db.session.commit()
        return issue_token(user, "test")[1]


@pytest.mark.both_databases
def test_listing_posted_reads_back_exactly_as_sent(client, exporter_token, tshirt):
    # The file's bytes as sent: 14.9 must never pass through a float.
    created = client.post(
        "/api/v1/listings/",
        data=(FIXTURES / "listing_tshirt.json").read_bytes(),
        headers={**bearer(exporter_token), "Content-Type": "application/json"},
    )
    assert created.status_code == 201, created.json
    body = created.json
    assert created.headers["Location"].endswith(f"/api/v1/listings/{body['id']}")

    fetched = client.get(f"/api/v1/listings/{body['id']}", headers=bearer(exporter_token)).json
    assert fetched["title_zh"] == tshirt["title_zh"]
    assert fetched["description_zh"] == tshirt["description_zh"]
    assert fetched["hs_code"] == "61091000"  # dots are notation, not digits
    assert fetched["status"] == "submitted" and fetched["submitted_at"]
    assert fetched["currency"] == "CNY"
    # JSON numbers keep their exact decimal value, written with fen.
    assert [(t["min_qty"], t["unit_price"]) for t in fetched["price_tiers"]] == [
        (50, "18.50"),
        (200, "16.80"),
        (1000, "14.90"),
    ]
    assert (fetched["length_cm"], fetched["width_cm"]) == ("30.0", "25.5")
    assert [v["sku"] for v in fetched["variants"]] == ["TS180-WHT-M", "TS180-WHT-XL", "TS180-BLK-M"]
    assert fetched["variants"][1]["options"] == {"颜色": "白色", "尺码": "XL"}
    assert fetched["variants"][1]["price_delta"] == "1.00"
    assert fetched["variants"][2]["price"] == "19.90"
    assert fetched["customizations"] == [
        {
            "name": "丝印logo（单色）",
            "extra_unit_cost": "1.20",
            "extra_moq": 200,
            "setup_fee": "0.00",
        }
    ]
    assert fetched["images"][0]["url"] == "https://img.example.com/ts180/front.jpg"
    assert fetched["created_at"].endswith("+00:00")


def test_draft_needs_only_a_title_but_submit_needs_the_rest(client, exporter_token):
    draft = post_listing(client, exporter_token, {"title_zh": "硅胶手机壳"})
    assert draft.status_code == 201
    assert draft.json["status"] == "draft"

    submitted = post_listing(
        client, exporter_token, {"title_zh": "硅胶手机壳", "status": "submitted"}
    )
    assert submitted.status_code == 422
    fields = submitted.json["error"]["fields"]
    for name in ("category", "weight_g", "length_cm", "moq", "price_tiers", "lead_time_days"):
        assert name in fields, name


def field_errors(response) -> dict:
    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_failed" and error["status"] == 422
    return error["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            lambda d: d["price_tiers"].__setitem__(1, {"min_qty": 40, "unit_price": "16.80"}),
            "price_tiers.1.min_qty",
        ),
        (
            lambda d: d["price_tiers"].__setitem__(2, {"min_qty": 1000, "unit_price": "19.00"}),
            "price_tiers.2.unit_price",
        ),
        (lambda d: d.__setitem__("moq", 100), "price_tiers.0.min_qty"),
        (lambda d: d["variants"][1].__setitem__("sku", "ts180-wht-m"), "variants.1.sku"),
        (lambda d: d["variants"][0].__setitem__("sku", "has space"), "variants.0.sku"),
        (lambda d: d["variants"][1].__setitem__("price", "20.00"), "variants.1.price_delta"),
        (lambda d: d["variants"][2].__setitem__("options", {"颜色": "白色"}), "variants.2.options"),
        (
            lambda d: d["variants"][2].__setitem__("options", {"颜色": "白色", "尺码": "M"}),
            "variants.2.options",
        ),
        (lambda d: d.__setitem__("weight_g", 0), "weight_g"),
        (lambda d: d.__setitem__("weight_g", 250_000), "weight_g"),
        (lambda d: d.__setitem__("weight_g", 1.5), "weight_g"),
        (lambda d: d.__setitem__("length_cm", -3), "length_cm"),
        (lambda d: d.__setitem__("height_cm", 900), "height_cm"),
        (lambda d: d.__setitem__("height_cm", "2.25"), "height_cm"),
        (
            lambda d: d["price_tiers"][0].__setitem__("unit_price", "18.505"),
            "price_tiers.0.unit_price",
        ),
        (lambda d: d["price_tiers"][0].__setitem__("unit_price", 0), "price_tiers.0.unit_price"),
        (
            lambda d: d["price_tiers"][0].__setitem__("unit_price", "abc"),
            "price_tiers.0.unit_price",
        ),
        (
            lambda d: d["price_tiers"][0].__setitem__("unit_price", "NaN"),
            "price_tiers.0.unit_price",
        ),
        (
            lambda d: d["price_tiers"][0].__setitem__("unit_price", "1e400"),
            "price_tiers.0.unit_price",
        ),
        (lambda d: d.__setitem__("hs_code", "12345"), "hs_code"),
        (lambda d: d.__setitem__("hs_code", "61091000001"), "hs_code"),
        (lambda d: d.__setitem__("hs_code", "6109AB"), "hs_code"),
        (lambda d: d.__setitem__("title_zh", ""), "title_zh"),
        (lambda d: d.__setitem__("title_zh", "T恤" * 150), "title_zh"),
        (lambda d: d.__setitem__("title_zh", "T恤\x00"), "title_zh"),
        (lambda d: d.__setitem__("moq", True), "moq"),
        (lambda d: d["images"].__setitem__(0, {"url": "ftp://x.example/a.jpg"}), "images.0.url"),
        (lambda d: d["images"].__setitem__(0, {"sha256": "0" * 64}), "images.0.sha256"),
        (lambda d: d.__setitem__("surprise", 1), "surprise"),
    ],
)
def test_bad_field_is_named_and_nothing_is_saved(client, exporter_token, tshirt, change, field):
    payload = copy.deepcopy(tshirt)
    change(payload)
    errors = field_errors(post_listing(client, exporter_token, payload))
    assert field in errors, errors
    listed = client.get("/api/v1/listings/", headers=bearer(exporter_token)).json
    # Only the demo listing exists: the rejected one was not half-written.
    assert listed["total"] == 1


def test_negative_delta_that_makes_a_tier_free_is_rejected(client, exporter_token, tshirt):
    tshirt["variants"][1]["price_delta"] = "-14.90"
    assert "variants.1.price_delta" in field_errors(post_listing(client, exporter_token, tshirt))


def test_unreadable_bodies_get_a_clear_4xx(client, exporter_token):
    headers = {**bearer(exporter_token), "Content-Type": "application/json"}
    broken_utf8 = client.post(
        "/api/v1/listings/", data=b'{"title_zh": "\xff\xfe"}', headers=headers
    )
    assert broken_utf8.status_code == 400
    assert broken_utf8.json["error"]["code"] == "bad_request"

    not_json = client.post("/api/v1/listings/", data=b"{title", headers=headers)
    assert not_json.status_code == 400

    form = client.post("/api/v1/listings/", data={"title_zh": "x"}, headers=bearer(exporter_token))
    assert form.status_code == 415
    assert form.json["error"]["code"] == "unsupported_media_type"

    a_list = client.post("/api/v1/listings/", json=[1, 2], headers=bearer(exporter_token))
    assert a_list.status_code == 422


def test_huge_body_is_refused_with_413(app, client, exporter_token):
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = b'{"title_zh": "' + b"a" * (limit + 10) + b'"}'
    response = client.post(
        "/api/v1/listings/",
        data=body,
        headers={**bearer(exporter_token), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_patch_changes_one_field_and_bumps_revision(client, exporter_token, tshirt):
    listing = post_listing(client, exporter_token, tshirt).json
    url = f"/api/v1/listings/{listing['id']}"

    patched = client.patch(
        url,
        json={
            "moq": 60,
            "price_tiers": [
                {"min_qty": 60, "unit_price": "18.00"},
                {"min_qty": 500, "unit_price": "15.00"},
            ],
        },
        headers=bearer(exporter_token),
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["moq"] == 60
    assert patched.json["revision"] == listing["revision"] + 1
    assert patched.json["title_zh"] == tshirt["title_zh"]
    assert len(patched.json["variants"]) == 3

    same = client.patch(url, json={"moq": 60}, headers=bearer(exporter_token))
    assert same.json["revision"] == patched.json["revision"]  # nothing changed


def test_patch_that_breaks_the_listing_changes_nothing(client, exporter_token, tshirt):
    listing = post_listing(client, exporter_token, tshirt).json
    url = f"/api/v1/listings/{listing['id']}"
    response = client.patch(url, json={"moq": 75}, headers=bearer(exporter_token))
    assert "price_tiers.0.min_qty" in field_errors(response)
    assert client.get(url, headers=bearer(exporter_token)).json["moq"] == 50


def test_exporter_never_sees_another_suppliers_listing(app, client, exporter_token, tshirt):
    mine = post_listing(client, exporter_token, tshirt).json
    other_token = second_exporter_token(app)

    assert (
        client.get(f"/api/v1/listings/{mine['id']}", headers=bearer(other_token)).status_code == 404
    )
    patch = client.patch(
        f"/api/v1/listings/{mine['id']}", json={"moq": 1}, headers=bearer(other_token)
    )
    assert patch.status_code == 404
    assert client.get("/api/v1/listings/", headers=bearer(other_token)).json["total"] == 0
    assert client.get("/api/v1/listings/", headers=bearer(exporter_token)).json["total"] == 2


def test_ops_sees_every_supplier_and_must_name_one_to_create(app, client, ops_token, tshirt):
    other_token = second_exporter_token(app)
    post_listing(client, other_token, tshirt)
    assert client.get("/api/v1/listings/", headers=bearer(ops_token)).json["total"] == 2

    unnamed = post_listing(client, ops_token, tshirt)
    assert "supplier_id" in field_errors(unnamed)
    named = post_listing(client, ops_token, {**tshirt, "supplier_id": 1})
    assert named.status_code == 201 and named.json["supplier_id"] == 1


def test_list_filters_by_status_and_pages(client, exporter_token):
    for index in range(3):
        post_listing(client, exporter_token, {"title_zh": f"草稿 {index}"})
    drafts = client.get(
        "/api/v1/listings/?status=draft&limit=2", headers=bearer(exporter_token)
    ).json
    assert drafts["total"] == 3 and len(drafts["items"]) == 2
    assert all(item["status"] == "draft" for item in drafts["items"])
    bad = client.get("/api/v1/listings/?limit=0", headers=bearer(exporter_token))
    assert bad.status_code == 422 and "limit" in bad.json["error"]["fields"]


def test_missing_or_revoked_or_wrong_role_token(app, client, demo):
    assert client.get("/api/v1/listings/").status_code == 401
    unauthorized = client.get("/api/v1/listings/", headers=bearer("cbc_not-a-token"))
    assert unauthorized.status_code == 401
    assert unauthorized.json["error"]["code"] == "unauthorized"
    assert unauthorized.headers["WWW-Authenticate"].startswith("Bearer")

    from connector.auth.tokens import issue_token
    from connector.extensions import db
    from connector.models import Role, User

    with app.app_context():
        seller = User(email="shop@seller.example", display_name="Shop", role=Role.SELLER)
        seller.set_password("seller-pass-123")
        db.session.add(seller)
        db.session.commit()
        seller_token = issue_token(seller, "t")[1]
    forbidden = client.get("/api/v1/listings/", headers=bearer(seller_token))
    assert forbidden.status_code == 403
    assert forbidden.json["error"]["code"] == "forbidden"


def test_unknown_routes_and_methods_answer_the_envelope(client, exporter_token):
    missing = client.get("/api/v1/nothing-here", headers=bearer(exporter_token))
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/listings/", headers=bearer(exporter_token))
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    gone = client.get("/api/v1/listings/999999", headers=bearer(exporter_token))
    assert gone.status_code == 404 and gone.json["error"]["code"] == "not_found"


def test_every_problem_is_reported_in_one_round(client, exporter_token, tshirt):
    tshirt["weight_g"] = 1.5
    tshirt["moq"] = 100  # the first tier starts at 50
    tshirt["variants"][1]["sku"] = tshirt["variants"][0]["sku"]
    fields = field_errors(post_listing(client, exporter_token, tshirt))
    assert fields["weight_g"] == ["Enter a whole number."]  # once, not also "required"
    assert "price_tiers.0.min_qty" in fields
    assert "variants.1.sku" in fields


def test_a_bad_row_does_not_shift_cross_field_errors(client, exporter_token, tshirt):
    tshirt["price_tiers"][0]["unit_price"] = "abc"
    tshirt["price_tiers"][2]["unit_price"] = "99.00"  # also more than the tier before
    fields = field_errors(post_listing(client, exporter_token, tshirt))
    assert "price_tiers.0.unit_price" in fields
    # Row 1 is fine; no error may land on it because row 0 failed to load.
    assert not any(key.startswith("price_tiers.1") for key in fields)


def test_patch_with_if_match_refuses_a_stale_revision(client, exporter_token, tshirt):
    listing = post_listing(client, exporter_token, tshirt).json
    url = f"/api/v1/listings/{listing['id']}"
    read = client.get(url, headers=bearer(exporter_token))
    assert read.headers["ETag"] == '"1"'
    first = client.patch(
        url,
        json={"lead_time_days": 7},
        headers={**bearer(exporter_token), "If-Match": read.headers["ETag"]},
    )
    assert first.status_code == 200 and first.headers["ETag"] == '"2"'
    second = client.patch(
        url,
        json={"lead_time_days": 9},
        headers={**bearer(exporter_token), "If-Match": read.headers["ETag"]},
    )
    assert second.status_code == 412
    assert second.json["error"]["code"] == "stale_revision"
    assert client.get(url, headers=bearer(exporter_token)).json["lead_time_days"] == 7

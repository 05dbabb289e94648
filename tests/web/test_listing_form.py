"""The onboarding form over HTTP: errors beside their fields, nothing typed is lost,
a valid form becomes the listing the API returns, and factories see only their own."""

from __future__ import annotations

import io
import random
import re

import pytest
from PIL import Image
from redis import Redis
from rq import Queue
from sqlalchemy import func, select

from connector.extensions import db
from connector.models import Listing
from tests.web.conftest import bearer, get_page, sign_in
from tests.web.pages import Page

CJK = re.compile(r"[\u4e00-\u9fff]")


def png_bytes(size=(64, 48), noise: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    if noise:
        rng = random.Random(7)
        image.putdata(
            [
                (rng.randrange(256), rng.randrange(256), rng.randrange(256))
                for _ in range(size[0] * size[1])
            ]
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def post_listing(client, fields: dict, action: str = "submit", files=None, url="/listings/new"):
    page = get_page(client, url)
    data = {"csrf_token": page.csrf(), "action": action, **fields}
    if files is not None:
        data["image_files"] = files
    return client.post(url, data=data, content_type="multipart/form-data")


def listing_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Listing.id))).scalar_one()


def assert_values_kept(page: Page, typed: dict, skip=()) -> None:
    for name, value in typed.items():
        if name in skip:
            continue
        assert page.value(name) == value, (
            f"{name}: typed {value!r}, page shows {page.value(name)!r}"
        )


# --- the empty form --------------------------------------------------------------------


def test_new_form_renders_blank_rows_and_add_buttons(exporter):
    page = get_page(exporter, "/listings/new")
    for index in range(3):
        assert page.control(f"price_tiers.{index}.min_qty") is not None
    assert page.control("variants.0.sku") is not None
    assert page.control("variants.0.option_values.2") is not None
    assert page.control("customizations.0.name") is not None
    assert page.control("attributes.0.name") is not None
    assert page.control("image_files").attrs["type"] == "file"
    assert "multiple" in page.control("image_files").attrs
    templates = page.root.walk()
    assert any(n.tag == "template" for n in templates)
    buttons = {n.attrs.get("value") for n in page.all(lambda n: n.tag == "button")}
    assert {"draft", "submit"} <= buttons
    assert "/static/listing-form.js" in page.html


def test_login_required_for_the_form(client):
    response = client.get("/listings/new")
    assert response.status_code == 302
    assert "/login" in response.location


# --- bad input, one field class at a time ----------------------------------------------

BAD_INPUT = [
    pytest.param(
        {"price_tiers.1.min_qty": "80"},
        "price_tiers.1.min_qty",
        "larger quantity",
        id="tiers-not-ascending",
    ),
    pytest.param(
        {"price_tiers.1.unit_price": "24.00"},
        "price_tiers.1.unit_price",
        "cannot cost more",
        id="price-rises-with-quantity",
    ),
    pytest.param(
        {"moq": "120"},
        "price_tiers.0.min_qty",
        "minimum order quantity",
        id="first-tier-is-not-moq",
    ),
    pytest.param(
        {"variants.1.sku": "cup500-slv"}, "variants.1.sku", "already used", id="duplicate-sku"
    ),
    pytest.param(
        {"variants.2.sku": "杯子 红"}, "variants.2.sku", "letters, digits", id="sku-with-spaces"
    ),
    pytest.param({"weight_g": "70001"}, "weight_g", "70,000 g", id="weight-too-heavy"),
    pytest.param({"weight_g": "4.5"}, "weight_g", "whole number", id="weight-not-whole"),
    pytest.param({"height_cm": "300.5"}, "height_cm", "300 cm", id="height-too-large"),
    pytest.param({"width_cm": "0"}, "width_cm", "0.1 and 300", id="width-zero"),
    pytest.param({"length_cm": "8.55"}, "length_cm", "1 decimal place", id="size-two-decimals"),
    pytest.param(
        {"price_tiers.0.unit_price": "23.505"},
        "price_tiers.0.unit_price",
        "2 decimal places",
        id="price-three-decimals",
    ),
    pytest.param(
        {"variants.2.price": "abc"}, "variants.2.price", "Enter a number", id="price-not-a-number"
    ),
    pytest.param(
        {"price_tiers.0.unit_price": "2.35e1"},
        "price_tiers.0.unit_price",
        "without an exponent",
        id="price-with-exponent",
    ),
    pytest.param({"moq": "1E+2"}, "moq", "without an exponent", id="moq-with-exponent"),
    pytest.param(
        {"variants.2.price_delta": "1.00"},
        "variants.2.price_delta",
        "not both",
        id="own-price-and-change",
    ),
    pytest.param({"hs_code": "61091"}, "hs_code", "6 to 10 digits", id="hs-code-too-short"),
    pytest.param({"hs_code": "6109.1A"}, "hs_code", "6 to 10 digits", id="hs-code-letters"),
    pytest.param({"lead_time_days": "400"}, "lead_time_days", "365", id="lead-time-too-long"),
    pytest.param({"title_zh": ""}, "title_zh", "required", id="title-missing"),
    pytest.param(
        {"category": ""},
        "category",
        "before the listing can be submitted",
        id="category-missing-on-submit",
    ),
    pytest.param(
        {"variants.0.option_values.1": "大号"},
        "option_names.1",
        "Name this option",
        id="value-for-unnamed-option",
    ),
    pytest.param(
        {"option_names.1": "颜色", "variants.0.option_values.1": "大号"},
        "option_names.1",
        "already has this name",
        id="option-name-twice",
    ),
    pytest.param(
        {"variants.2.option_values.0": ""},
        "variants.2.options",
        "same options",
        id="variant-missing-option-value",
    ),
    pytest.param(
        {"customizations.0.extra_unit_cost": "-1"},
        "customizations.0.extra_unit_cost",
        "0 or more",
        id="negative-customization-cost",
    ),
    pytest.param(
        {"localized.ru_KZ.title": "Т" * 201},
        "localized.ru_KZ.title",
        "1 to 200 characters",
        id="own-translation-too-long",
    ),
    pytest.param(
        {"images.0.url": "ftp://img.example.com/a.jpg"},
        "images.0.url",
        "https://",
        id="image-url-not-http",
    ),
]


@pytest.mark.parametrize(("bad", "field", "message"), BAD_INPUT)
def test_bad_input_is_shown_beside_its_field_and_nothing_typed_is_lost(
    app, exporter, listing_form, bad, field, message
):
    typed = {**listing_form, **bad}
    response = post_listing(exporter, typed)
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert message in page.error_beside(field)
    assert message in page.summary()
    assert_values_kept(page, typed)
    assert listing_count(app) == 1  # only the demo listing


def test_draft_may_be_incomplete_but_not_wrong(app, exporter):
    response = post_listing(exporter, {"title_zh": "草稿商品", "weight_g": "-5"}, action="draft")
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.error_beside("weight_g")
    assert page.error_for("category") is None  # only needed to submit

    response = post_listing(exporter, {"title_zh": "草稿商品"}, action="draft")
    assert response.status_code == 302
    page = get_page(exporter, response.location)
    assert "草稿商品" in page.html
    assert "Draft" in page.html


def test_empty_rows_are_dropped_and_errors_follow_the_renumbered_rows(exporter, listing_form):
    typed = {
        **listing_form,
        "price_tiers.1.min_qty": "",
        "price_tiers.1.unit_price": "",
        "price_tiers.2.unit_price": "24.00",  # dearer than the tier before it, once renumbered
        "attributes.0.name": "",
        "attributes.0.value": "",
    }
    response = post_listing(exporter, typed)
    page = Page(response.get_data(as_text=True))
    assert "cannot cost more" in page.error_beside("price_tiers.1.unit_price")
    assert page.value("price_tiers.1.min_qty") == "2000"
    assert page.value("price_tiers.1.unit_price") == "24.00"
    assert page.value("price_tiers.2.min_qty") == ""  # padded blank row for the third tier
    assert page.value("attributes.0.name") == "容量"


# --- images ----------------------------------------------------------------------------


def test_text_file_named_png_is_refused_beside_the_upload_field(app, exporter, listing_form):
    files = [(io.BytesIO(b"this is not a picture"), "photo.png", "image/png")]
    response = post_listing(exporter, listing_form, files=files)
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    message = page.error_beside("image_files")
    assert "photo.png" in message
    assert "not an image" in message
    assert_values_kept(page, listing_form)
    assert listing_count(app) == 1


def test_oversized_image_is_refused_beside_the_upload_field(app, exporter, listing_form):
    app.config["IMAGE_MAX_BYTES"] = 4096
    big = png_bytes((200, 200), noise=True)
    assert len(big) > 4096
    response = post_listing(exporter, listing_form, files=[(io.BytesIO(big), "big.png")])
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert "larger than" in page.error_beside("image_files")
    assert_values_kept(page, listing_form)
    assert listing_count(app) == 1


def test_upload_is_kept_when_another_field_fails(
    app, exporter, listing_form, exporter_token, redis_url
):
    typed = {**listing_form, "hs_code": "12"}
    response = post_listing(exporter, typed, files=[(io.BytesIO(png_bytes()), "cup.png")])
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    sha = page.value("images.1.sha256")
    assert sha and len(sha) == 64
    previews = page.all(lambda n: n.tag == "img" and sha in n.attrs.get("src", ""))
    assert previews, "the kept upload is previewed"
    queued = Queue("default", connection=Redis.from_url(redis_url)).job_ids
    assert f"thumbnail-{sha}" in queued  # enqueued after the commit

    fixed = {**page.form_values(), "hs_code": "96170019", "action": "submit"}
    response = exporter.post("/listings/new", data=fixed, content_type="multipart/form-data")
    assert response.status_code == 302
    listing_id = int(response.location.rsplit("/", 1)[1])
    data = exporter.get(f"/api/v1/listings/{listing_id}", headers=bearer(exporter_token)).json
    assert [image["sha256"] for image in data["images"]] == [None, sha]
    assert data["images"][1]["content_type"] == "image/png"


def test_kept_image_can_be_removed_without_javascript(exporter, listing_form):
    response = post_listing(
        exporter, {**listing_form, "hs_code": "12"}, files=[(io.BytesIO(png_bytes()), "a.png")]
    )
    page = Page(response.get_data(as_text=True))
    fields = {**page.form_values(), "hs_code": "", "images.1.remove": "1", "action": "draft"}
    response = exporter.post("/listings/new", data=fields, content_type="multipart/form-data")
    assert response.status_code == 302
    detail = get_page(exporter, response.location)
    assert "/images/" not in detail.html


# --- a valid form ----------------------------------------------------------------------


def test_valid_form_creates_the_listing_the_api_returns(
    exporter, listing_form, listing_expected, exporter_token
):
    response = post_listing(exporter, listing_form)
    assert response.status_code == 302
    assert re.fullmatch(r"/listings/\d+", response.location)
    listing_id = int(response.location.rsplit("/", 1)[1])

    page = get_page(exporter, response.location)
    assert "submitted" in page.html.lower()
    for text in (
        "304不锈钢保温杯 500ml 可定制logo",
        "家居 &gt; 水杯",
        "96170019",
        "¥23.50",
        "¥21.00",
        "¥19.80",
        "CUP500-SLV",
        "CUP500-BLK",
        "+1.50",
        "¥25.00",
        "激光雕刻logo",
        "¥2.00",
        "8.5 × 8.5 × 24.0",
        "https://img.example.com/cup500.jpg",
        "Russian (Kazakhstan)",
        "Термокружка 500 мл из нержавеющей стали 304",
    ):
        assert text in page.html, text

    api = exporter.get(f"/api/v1/listings/{listing_id}", headers=bearer(exporter_token))
    assert api.status_code == 200
    data = api.json
    for key, value in listing_expected.items():
        assert data[key] == value, key


def test_edit_form_shows_the_stored_listing_and_saves_changes(
    exporter, listing_form, exporter_token
):
    response = post_listing(exporter, listing_form)
    listing_id = int(response.location.rsplit("/", 1)[1])
    url = f"/listings/{listing_id}/edit"
    page = get_page(exporter, url)
    assert_values_kept(page, listing_form, skip={"hs_code"})
    assert page.value("hs_code") == "96170019"

    unchanged = {**page.form_values(), "action": "submit"}
    assert exporter.post(url, data=unchanged).status_code == 302
    api = exporter.get(f"/api/v1/listings/{listing_id}", headers=bearer(exporter_token)).json
    assert api["revision"] == 1  # saving without a change is not a new revision

    changed = {**unchanged, "price_tiers.2.unit_price": "18.90", "variants.0.stock": "2500"}
    response = exporter.post(url, data=changed)
    assert response.status_code == 302
    api = exporter.get(f"/api/v1/listings/{listing_id}", headers=bearer(exporter_token)).json
    assert api["revision"] == 2
    assert api["price_tiers"][2]["unit_price"] == "18.90"
    assert api["variants"][0]["stock"] == 2500


def test_edit_with_errors_keeps_typed_values(exporter, listing_form):
    response = post_listing(exporter, listing_form)
    url = response.location + "/edit"
    page = get_page(exporter, url)
    typed = {**page.form_values(), "weight_g": "999999", "title_zh": "改过的标题"}
    response = exporter.post(url, data={**typed, "action": "submit"})
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.error_beside("weight_g")
    assert page.value("title_zh") == "改过的标题"


# --- who sees what ---------------------------------------------------------------------


def test_exporter_cannot_see_another_factorys_listing(client, demo, other_exporter):
    sign_in(client, *other_exporter)
    index = get_page(client, "/listings")
    assert "纯棉圆领短袖T恤" not in index.html
    assert client.get("/listings/1").status_code == 404
    assert client.get("/listings/1/edit").status_code == 404
    response = client.post(
        "/listings/1/edit",
        data={"csrf_token": index.csrf(), "title_zh": "抢来的", "action": "draft"},
    )
    assert response.status_code == 404


def test_ops_see_every_factory_and_choose_one_for_a_new_listing(ops, listing_form):
    index = get_page(ops, "/listings")
    assert "义乌市星辰服饰有限公司" in index.html  # the factory column
    assert get_page(ops, "/listings/1").html

    response = post_listing(ops, listing_form)
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.error_beside("supplier_id")
    assert_values_kept(page, listing_form)

    supplier = page.all(lambda n: n.tag == "option" and n.attrs.get("value"))[0].attrs["value"]
    response = post_listing(ops, {**listing_form, "supplier_id": supplier})
    assert response.status_code == 302
    assert "义乌市星辰服饰有限公司" in get_page(ops, response.location).html


def test_index_filters_by_status(exporter):
    post_listing(exporter, {"title_zh": "只是草稿"}, action="draft")
    drafts = get_page(exporter, "/listings?status=draft")
    assert "只是草稿" in drafts.html
    assert "纯棉圆领短袖T恤" not in drafts.html
    submitted = get_page(exporter, "/listings?status=submitted")
    assert "纯棉圆领短袖T恤" in submitted.html
    assert "只是草稿" not in submitted.html


@pytest.mark.parametrize("page", ["99999999999999999999", "²", "0", "-1"])
def test_index_page_that_is_not_a_page_number_is_a_404(exporter, page):
    response = exporter.get("/listings", query_string={"page": page})
    assert response.status_code == 404


def test_edit_form_whose_revision_is_not_a_number_is_a_400(app, exporter, listing_form):
    response = post_listing(exporter, listing_form)
    url = f"/listings/{int(response.location.rsplit('/', 1)[1])}/edit"
    opened = get_page(exporter, url).form_values()
    response = exporter.post(url, data={**opened, "revision": "²", "action": "submit"})
    assert response.status_code == 400


# --- languages -------------------------------------------------------------------------


def test_form_and_its_errors_in_chinese(client, demo, listing_form):
    sign_in(client, "exporter@demo.example", demo["password"], lang="zh_Hans")
    page = get_page(client, "/listings/new")
    assert '<html lang="zh-Hans">' in page.html
    assert "发布商品" in page.html
    response = post_listing(client, {**listing_form, "price_tiers.1.min_qty": "80"})
    page = Page(response.get_data(as_text=True))
    message = page.error_beside("price_tiers.1.min_qty")
    assert CJK.search(message), message
    assert "Each tier" not in message


def test_form_in_english_via_lang_parameter(client, demo):
    sign_in(client, "exporter@demo.example", demo["password"], lang="en")
    page = get_page(client, "/listings/new")
    assert '<html lang="en">' in page.html
    assert "Submit listing" in page.html
    assert "Save as draft" in page.html


def test_two_people_editing_do_not_overwrite_each_other(exporter, listing_form, exporter_token):
    response = post_listing(exporter, listing_form)
    listing_id = int(response.location.rsplit("/", 1)[1])
    url = f"/listings/{listing_id}/edit"
    opened = get_page(exporter, url).form_values()  # one person opens the form
    # Meanwhile a colleague's script changes the stock through the API.
    client_api = exporter.patch(
        f"/api/v1/listings/{listing_id}",
        json={"lead_time_days": 12},
        headers=bearer(exporter_token),
    )
    assert client_api.status_code == 200
    typed = {**opened, "title_zh": "我改的标题", "action": "submit"}
    response = exporter.post(url, data=typed)
    assert response.status_code == 409
    page = Page(response.get_data(as_text=True))
    assert "Someone saved this listing after you opened it" in page.html
    assert page.value("title_zh") == "我改的标题"  # nothing typed is lost
    api = exporter.get(f"/api/v1/listings/{listing_id}", headers=bearer(exporter_token)).json
    assert api["lead_time_days"] == 12 and api["title_zh"] != "我改的标题"

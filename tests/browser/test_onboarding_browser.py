"""An exporter onboards a listing in a real browser: add rows, upload, submit, fix errors."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from jobs.images import make_thumbnail

pytestmark = pytest.mark.browser


def sign_in(page, live_server, password: str, lang: str = "en") -> None:
    page.goto(f"{live_server}/login?lang={lang}")
    page.fill("#f-email", "exporter@demo.example")
    page.fill("#f-password", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server}/listings")


def fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f'[name="{name}"]', value)


@pytest.fixture
def product_photo(tmp_path):
    path = tmp_path / "cup.png"
    image = Image.new("RGB", (480, 360), (236, 240, 244))
    for x in range(160, 320):
        for y in range(60, 300):
            image.putpixel((x, y), (190, 70, 30))
    image.save(path, "PNG")
    return path


def test_exporter_creates_a_listing_with_variants_tiers_and_an_image(
    app, page, live_server, demo, product_photo, screenshot
):
    sign_in(page, live_server, demo["password"])
    page.click("nav >> text=New listing")
    expect(page.locator("h1")).to_have_text("New listing")

    fill(
        page,
        {
            "title_zh": "304不锈钢保温杯 500ml",
            "category": "家居 > 水杯",
            "description_zh": "真空保温12小时。\n支持激光雕刻logo。",
            "attributes.0.name": "材质",
            "attributes.0.value": "304不锈钢",
            "moq": "100",
            "price_tiers.0.min_qty": "100",
            "price_tiers.0.unit_price": "23.50",
            "price_tiers.1.min_qty": "500",
            "price_tiers.1.unit_price": "21.00",
            "price_tiers.2.min_qty": "2000",
            "price_tiers.2.unit_price": "19.80",
            "option_names.0": "颜色",
            "variants.0.sku": "CUP500-SLV",
            "variants.0.option_values.0": "银色",
            "variants.0.stock": "3000",
        },
    )
    # The option name typed above now labels the variant's option input.
    expect(page.locator('label[for="f-variants-0-option_values-0"]')).to_have_text("颜色")

    page.click("text=+ Add variant")
    second_sku = page.locator('[name="variants.1.sku"]')
    expect(second_sku).to_be_focused()
    fill(
        page,
        {
            "variants.1.sku": "CUP500-BLK",
            "variants.1.option_values.0": "黑色",
            "variants.1.price_delta": "1.50",
            "variants.1.stock": "1200",
            "customizations.0.name": "激光雕刻logo",
            "customizations.0.extra_unit_cost": "2.00",
            "customizations.0.extra_moq": "300",
            "weight_g": "420",
            "lead_time_days": "7",
            "hs_code": "9617.00.19",
            "length_cm": "8.5",
            "width_cm": "8.5",
            "height_cm": "24.0",
        },
    )
    page.set_input_files("#f-image_files", str(product_photo))
    screenshot(page, "listing-form")

    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r".*/listings/\d+$"))
    expect(page.locator("h1")).to_have_text("304不锈钢保温杯 500ml")
    expect(page.locator(".flash")).to_contain_text("submitted")
    body = page.locator("main")
    for text in (
        "¥23.50",
        "¥21.00",
        "¥19.80",
        "CUP500-SLV",
        "CUP500-BLK",
        "+1.50",
        "激光雕刻logo",
        "96170019",
        "8.5 × 8.5 × 24.0",
        "材质",
        "304不锈钢",
    ):
        expect(body).to_contain_text(text)
    image = page.locator(".image-item img")
    expect(image).to_have_count(1)
    src = image.get_attribute("src")
    assert re.search(r"/images/[0-9a-f]{64}$", src), src  # the original, until the thumbnail exists
    assert page.evaluate("document.querySelector('.image-item img').naturalWidth") == 480

    sha256 = src.rsplit("/", 1)[1]
    with app.app_context():
        assert make_thumbnail(sha256)
    page.reload()
    expect(page.locator(".image-item img")).to_have_attribute("src", re.compile(r"/thumb$"))
    screenshot(page, "listing-detail")


def test_bad_tier_is_shown_beside_the_field_and_input_is_kept(page, live_server, demo, screenshot):
    sign_in(page, live_server, demo["password"])
    page.goto(f"{live_server}/listings/new")
    fill(
        page,
        {
            "title_zh": "折叠收纳箱",
            "category": "家居 > 收纳",
            "moq": "50",
            "price_tiers.0.min_qty": "50",
            "price_tiers.0.unit_price": "12.00",
            "price_tiers.1.min_qty": "30",
            "price_tiers.1.unit_price": "11.00",
            "variants.0.sku": "BOX-L",
            "weight_g": "900",
        },
    )
    page.click("button[value=submit]")

    field = page.locator('.field:has([name="price_tiers.1.min_qty"])')
    error = field.locator(".field-error")
    expect(error).to_be_visible()
    expect(error).to_have_attribute("id", "error-price_tiers-1-min_qty")
    expect(error).to_contain_text("larger quantity than the one before")
    expect(field.locator("input")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Tier 2")

    for name, value in {
        "title_zh": "折叠收纳箱",
        "category": "家居 > 收纳",
        "moq": "50",
        "price_tiers.0.unit_price": "12.00",
        "price_tiers.1.min_qty": "30",
        "variants.0.sku": "BOX-L",
        "weight_g": "900",
    }.items():
        expect(page.locator(f'[name="{name}"]')).to_have_value(value)
    screenshot(page, "listing-form-error")

    page.click('#error-summary a:has-text("Tier 2")')
    expect(page.locator('[name="price_tiers.1.min_qty"]')).to_be_focused()


def test_removing_a_row_keeps_the_names_contiguous(page, live_server, demo):
    sign_in(page, live_server, demo["password"])
    page.goto(f"{live_server}/listings/new")
    page.click("text=+ Add tier")
    fill(page, {f"price_tiers.{i}.min_qty": str(10 * (i + 1)) for i in range(4)})
    page.locator('fieldset[data-row]:has([name="price_tiers.1.min_qty"]) [data-remove-row]').click()

    names = page.eval_on_selector_all(
        '[data-rows="price_tiers"] [data-row-list] input', "els => els.map(e => e.name)"
    )
    assert names == [f"price_tiers.{i}.{f}" for i in range(3) for f in ("min_qty", "unit_price")]
    values = [page.input_value(f'[name="price_tiers.{i}.min_qty"]') for i in range(3)]
    assert values == ["10", "30", "40"]
    legends = page.locator('[data-rows="price_tiers"] [data-row-legend]').all_inner_texts()
    assert legends == ["Tier 1", "Tier 2", "Tier 3"]


def test_chinese_ui_switches_to_english_with_the_language_buttons(
    page, live_server, demo, screenshot
):
    sign_in(page, live_server, demo["password"], lang="zh_Hans")
    page.goto(f"{live_server}/listings/new")
    expect(page.locator("h1")).to_have_text("新建商品")
    fill(
        page,
        {
            "title_zh": "竹制砧板",
            "moq": "20",
            "price_tiers.0.min_qty": "10",
            "price_tiers.0.unit_price": "8.80",
            "weight_g": "1.5",
        },
    )
    page.click("button[value=submit]")
    expect(page.locator("#error-weight_g")).to_contain_text("请输入整数。")
    expect(page.locator("#error-category")).to_have_text("发布商品前必须填写此项。")
    expect(page.locator('[name="title_zh"]')).to_have_value("竹制砧板")
    screenshot(page, "listing-form-zh")

    page.click(".lang-switch >> text=English")
    expect(page.locator("h1")).to_have_text("New listing")
    page.click(".lang-switch >> text=简体中文")
    expect(page.locator("h1")).to_have_text("新建商品")

"""Translating a listing where its texts are written: the form, the fix links, the grid."""

from __future__ import annotations

from decimal import Decimal as D
from urllib.parse import unquote, urlsplit

import pytest

from tests.offers.support import Quote, create, fresh, offers, run_jobs, store, tshirt
from tests.web.conftest import bearer, get_page

VIETNAMESE = {"title": "Áo thun cotton cổ tròn", "description": "Cotton chải kỹ 180 g."}


@pytest.fixture
def held_tshirt(app, client, exporter_token, rates):
    """The T-shirt with its own Vietnamese title and description, and nothing else translated."""
    payload = tshirt()
    payload["localized"] = {"vi_VN": dict(VIETNAMESE)}
    listing = create(client, exporter_token, payload)
    run_jobs(app)
    return listing["id"]


def _fix_link(page, anchor_prefix: str) -> str:
    links = page.all(
        lambda n: n.tag == "a" and f"#{anchor_prefix}" in unquote(n.attrs.get("href", ""))
    )
    assert links, f"no fix link to {anchor_prefix}"
    return links[0].attrs["href"]


def test_fix_link_opens_the_form_on_the_untranslated_texts_field(exporter, held_tshirt):
    listing_page = get_page(exporter, f"/listings/{held_tshirt}")
    assert "These texts have no translation yet" in listing_page.html
    assert "丝印logo（单色）" in listing_page.html
    href = _fix_link(listing_page, "f-localized-vi_VN-terms-")

    url = urlsplit(href)
    form = get_page(exporter, f"{url.path}?{url.query}")
    field = form.by_id(unquote(url.fragment))
    assert field is not None and field.tag == "input"
    assert "autofocus" in field.attrs  # focused and scrolled into view, without a script
    details = field.closest(lambda n: n.tag == "details")
    assert details is not None and "open" in details.attrs
    label = form.all(lambda n: n.tag == "label" and n.attrs.get("for") == field.attrs["id"])
    assert label[0].text().strip() in "颜色 白色 黑色 丝印logo（单色） 材质 100%棉 克重"


def test_own_translations_in_the_form_make_the_offer_ready_without_a_service(
    app, exporter, exporter_token, held_tshirt
):
    url = f"/listings/{held_tshirt}/edit"
    page = get_page(exporter, url)
    values = page.form_values()
    term_fields = [name for name in values if name.startswith("localized.vi_VN.terms.")]
    assert len(term_fields) >= 4  # 材质, 100%棉, 克重, 丝印logo（单色）, and any option text
    for name in term_fields:
        values[name] = "bản dịch"
    values["action"] = "submit"
    response = exporter.post(url, data=values)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    run_jobs(app)
    vn = offers(exporter, exporter_token, held_tshirt)["VN"]
    assert vn["status"] == "ready", vn["hold_reasons"]
    api = exporter.get(f"/api/v1/listings/{held_tshirt}", headers=bearer(exporter_token)).json
    assert api["localized"]["vi_VN"]["terms"]["丝印logo（单色）"] == "bản dịch"


def test_translation_grid_shows_each_texts_source_and_saves_in_place(
    app, exporter, exporter_token, held_tshirt
):
    url = f"/listings/{held_tshirt}/translations"
    page = get_page(exporter, url)
    cells = {
        cell.attrs["data-source"]: cell
        for cell in page.all(lambda n: n.tag == "span" and "data-source" in n.attrs)
    }
    assert {"exporter", "glossary", "missing"} <= set(cells), set(cells)
    title_cell = page.control("localized.vi_VN.title")
    assert page.value("localized.vi_VN.title") == VIETNAMESE["title"]
    source_of_title = title_cell.closest(lambda n: n.tag == "td").attrs["class"]
    assert "grid-cell--exporter" in source_of_title

    values = page.form_values()
    custom = next(
        name
        for name in values
        if name.startswith("localized.ru_KZ.terms.")
        and page.control(name).closest(lambda n: n.tag == "tr").text().find("丝印logo") >= 0
    )
    values[custom] = "Шелкография логотипа (один цвет)"
    response = exporter.post(url, data=values)
    assert response.status_code == 302
    api = exporter.get(f"/api/v1/listings/{held_tshirt}", headers=bearer(exporter_token)).json
    assert api["localized"]["ru_KZ"]["terms"] == {
        "丝印logo（单色）": "Шелкография логотипа (один цвет)"
    }
    assert api["localized"]["vi_VN"]["title"] == VIETNAMESE["title"]  # kept as it was
    run_jobs(app)
    page = get_page(exporter, url)
    cell = page.control(custom).closest(lambda n: n.tag == "td")
    assert "grid-cell--exporter" in cell.attrs["class"]


def test_translation_grid_refuses_a_too_long_text_beside_its_cell(exporter, held_tshirt):
    url = f"/listings/{held_tshirt}/translations"
    page = get_page(exporter, url)
    values = {**page.form_values(), "localized.vi_VN.title": "x" * 201}
    response = exporter.post(url, data=values)
    assert response.status_code == 422
    assert "Use 1 to 200 characters." in response.get_data(as_text=True)


def test_category_is_picked_from_our_tree_named_in_the_readers_language(exporter):
    page = get_page(exporter, "/listings/new")
    field = page.control("category")
    assert field.attrs.get("list") == "category-choices"
    options = page.all(lambda n: n.tag == "option" and n.closest(lambda p: p.tag == "datalist"))
    mop = next(o for o in options if o.attrs["value"] == "家居日用 > 清洁工具 > 拖把")
    assert mop.attrs["label"].startswith("Home and household > Cleaning tools > Mops")


def test_fx_page_shows_rates_with_six_significant_digits(app, ops, rates):
    store(app, Quote("CNY", "MYR", D("0.6212345678"), "ecb", fresh(0)))
    page = get_page(ops, "/ops/fx")
    assert ">0.621235<" in page.html
    assert ">0.6212345678<" not in page.html

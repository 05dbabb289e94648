"""Translating a listing where its texts are written: the form, the fix links, the grid."""

from __future__ import annotations

from decimal import Decimal as D
from urllib.parse import unquote, urlsplit

import pytest

from tests.offers.support import Quote, create, fresh, offers, run_jobs, store, tshirt
from tests.web.conftest import bearer, get_page
from tests.web.pages import Page

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


def _po_entries(text: str) -> dict[str, str]:
    """msgid -> msgctxt of a PO file's entries (the header left out)."""
    from io import BytesIO

    from babel.messages.pofile import read_po

    catalog = read_po(BytesIO(text.encode()))
    return {message.id: message.context for message in catalog if message.id}


def _translated_po(locale: str, entries: list[tuple[str, str, str]]) -> bytes:
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(locale=locale)
    for context, source, text in entries:
        catalog.add(source, text, context=context)
    out = BytesIO()
    write_po(out, catalog)
    return out.getvalue()


def _upload(exporter, listing_id: int, locale: str, data: bytes, name: str = "vi.po"):
    from io import BytesIO

    page = get_page(exporter, f"/listings/{listing_id}/translations")
    return exporter.post(
        f"/listings/{listing_id}/translations/import",
        data={"csrf_token": page.csrf(), "locale": locale, "po_file": (BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_missing_texts_download_as_po_and_upload_back_without_overwriting_own_text(
    app, exporter, exporter_token, held_tshirt
):
    response = exporter.get(f"/listings/{held_tshirt}/translations/vi_VN.po")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    entries = _po_entries(response.get_data(as_text=True))
    assert entries["丝印logo（单色）"] == "term"
    assert entries["100%棉"] == "term"
    assert "材质" not in entries  # the glossary has it
    assert VIETNAMESE["title"] not in entries and tshirt()["title_zh"] not in entries  # own title

    translated = _translated_po(
        "vi_VN",
        [
            ("term", "丝印logo（单色）", "In lụa logo (một màu)"),
            ("title", tshirt()["title_zh"], "Áo phông của người dịch"),  # the exporter's own stays
            ("term", "不存在的词", "không có"),
        ],
    )
    response = _upload(exporter, held_tshirt, "vi_VN", translated)
    assert response.status_code == 200
    report = Page(response.get_data(as_text=True))
    conflicts = report.by_id("import-conflicts")
    assert conflicts is not None and "Áo phông của người dịch" in conflicts.text()
    assert "不存在的词" in report.by_id("import-report").text()
    api = exporter.get(f"/api/v1/listings/{held_tshirt}", headers=bearer(exporter_token)).json
    assert api["localized"]["vi_VN"]["title"] == VIETNAMESE["title"]
    assert api["localized"]["vi_VN"]["terms"] == {"丝印logo（单色）": "In lụa logo (một màu)"}


@pytest.mark.parametrize(
    "data, locale, message",
    [
        (b"\xff\xfe not a po file \x00", "vi_VN", "This is not a PO file we can read."),
        (None, "ru_KZ", "This file is for another language than the one chosen."),
        (b"", "vi_VN", "Choose a PO file."),
        (b"msgid ", "xx_XX", "Choose a language of this listing."),
    ],
)
def test_bad_translation_file_is_refused_beside_its_field(
    exporter, held_tshirt, data, locale, message
):
    if data is None:
        data = _translated_po("vi_VN", [("term", "材质", "Chất liệu")])
    response = _upload(exporter, held_tshirt, locale, data, name="x.po" if data else "")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_too_long_translation_of_a_short_text_is_shown_beside_its_field(exporter, held_tshirt):
    url = f"/listings/{held_tshirt}/edit"
    values = get_page(exporter, url).form_values()
    name = next(n for n in values if n.startswith("localized.ru_KZ.terms."))
    response = exporter.post(url, data={**values, name: "я" * 201, "action": "draft"})
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.control(name).attrs.get("aria-invalid") == "true"
    assert page.value(name) == "я" * 201  # what was typed is kept
    error = page.by_id("error-" + name.replace(".", "-"))
    assert error is not None and "Use 1 to 200 characters." in error.text()

"""Missing texts of all listings in one PO or XLIFF 2.0 file per language, and back."""

from __future__ import annotations

import json
from io import BytesIO
from xml.etree import ElementTree

import pytest
from defusedxml import ElementTree as safe_tree

from tests.conftest import FIXTURES
from tests.offers.support import create, run_jobs, tshirt
from tests.web.conftest import bearer, get_page

XLIFF = "{urn:oasis:names:tc:xliff:document:2.0}"
BAD_FILES = FIXTURES / "translation"


def bags() -> dict:
    return json.loads((FIXTURES / "listing_garbage_bags.json").read_text())


@pytest.fixture
def two_listings(app, client, exporter_token, rates):
    """The T-shirt with nothing of its own, the garbage bags with their own vi texts."""
    shirt = create(client, exporter_token, tshirt())["id"]
    bag = create(client, exporter_token, bags())["id"]
    run_jobs(app)
    return shirt, bag


def missing(client, token, locale: str, fmt: str):
    response = client.get(
        f"/api/v1/translations/missing?locale={locale}&format={fmt}", headers=bearer(token)
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def upload(client, token, locale: str, data: bytes, name: str = "vi.xlf"):
    return client.post(
        "/api/v1/translations/import",
        data={"locale": locale, "file": (BytesIO(data), name)},
        content_type="multipart/form-data",
        headers=bearer(token),
    )


def own_texts(client, token, listing_id: int, locale: str) -> dict:
    response = client.get(f"/api/v1/listings/{listing_id}", headers=bearer(token))
    return (response.json.get("localized") or {}).get(locale) or {}


def units_of(body: bytes) -> dict:
    root = safe_tree.fromstring(body)
    return {unit.get("id"): unit for unit in root.iter(XLIFF + "unit")}


def test_xliff_has_the_2_0_structure_and_round_trips(client, exporter_token, two_listings):
    shirt, bag = two_listings
    response = missing(client, exporter_token, "vi_VN", "xliff")
    assert response.headers["Content-Type"].startswith("application/xliff+xml")
    root = safe_tree.fromstring(response.data)
    assert root.tag == XLIFF + "xliff"
    assert (root.get("version"), root.get("srcLang"), root.get("trgLang")) == (
        "2.0",
        "zh-Hans",
        "vi-VN",
    )
    units = {unit.get("id"): unit for unit in root.iter(XLIFF + "unit")}
    assert f"l{shirt}.title" in units and f"l{shirt}.description" in units
    # The bags have their own Vietnamese title: nothing of it is asked for.
    assert f"l{bag}.title" not in units
    for unit in units.values():
        segment = unit.find(XLIFF + "segment")
        assert segment.find(XLIFF + "source").text and segment.find(XLIFF + "target") is not None
    for number, unit in enumerate(units.values()):
        unit.find(f"{XLIFF}segment/{XLIFF}target").text = f"bản dịch {number}"
    translated = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    result = upload(client, exporter_token, "vi_VN", translated)
    assert result.status_code == 200, result.json
    assert len(result.json["applied"]) == len(units) and not result.json["conflicts"]
    assert own_texts(client, exporter_token, shirt, "vi_VN")["title"].startswith("bản dịch")
    # Nothing is missing any more in Vietnamese.
    assert units_of(missing(client, exporter_token, "vi_VN", "xliff").data) == {}


def test_po_round_trip_through_the_page(app, exporter, exporter_token, two_listings):
    from babel.messages.pofile import read_po, write_po

    shirt, _bag = two_listings
    page = get_page(exporter, "/listings/translations")
    download = exporter.get("/listings/translations/missing.po?locale=ru_KZ")
    assert download.status_code == 200
    catalog = read_po(BytesIO(download.data))
    assert f"l{shirt}.title" in {message.context for message in catalog if message.id}
    for message in catalog:
        if message.id:
            message.string = "перевод"
    out = BytesIO()
    write_po(out, catalog)
    response = exporter.post(
        "/listings/translations/import",
        data={
            "csrf_token": page.csrf(),
            "locale": "ru_KZ",
            "translation_file": (BytesIO(out.getvalue()), "ru.po"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "texts added" in response.get_data(as_text=True)
    assert own_texts(exporter, exporter_token, shirt, "ru_KZ")["title"] == "перевод"


def _xliff_for(unit: str, source: str, target: str, locale: str = "vi-VN") -> bytes:
    from connector.listings.xliff import Unit, write_xliff

    return write_xliff([Unit(unit, source, target)], "zh-Hans", locale, "listings")


def test_a_file_never_replaces_own_text_until_someone_chooses_it(
    client, exporter_token, two_listings
):
    _shirt, bag = two_listings
    own = own_texts(client, exporter_token, bag, "vi_VN")["title"]
    data = _xliff_for(f"l{bag}.title", bags()["title_zh"], "Túi rác của người dịch")
    result = upload(client, exporter_token, "vi_VN", data)
    assert result.status_code == 200
    assert result.json["applied"] == []
    conflict = result.json["conflicts"][0]
    assert (conflict["own"], conflict["theirs"]) == (own, "Túi rác của người dịch")
    assert own_texts(client, exporter_token, bag, "vi_VN")["title"] == own
    # Choosing with an outdated view of the own text brings the conflict back.
    stale = {"unit": conflict["unit"], "own": "something else", "text": conflict["theirs"]}
    response = client.post(
        "/api/v1/translations/resolve",
        json={"locale": "vi_VN", "choices": [stale]},
        headers=bearer(exporter_token),
    )
    assert response.status_code == 200 and response.json["conflicts"]
    assert own_texts(client, exporter_token, bag, "vi_VN")["title"] == own
    chosen = {"unit": conflict["unit"], "own": own, "text": conflict["theirs"]}
    response = client.post(
        "/api/v1/translations/resolve",
        json={"locale": "vi_VN", "choices": [chosen]},
        headers=bearer(exporter_token),
    )
    assert response.status_code == 200 and response.json["applied"]
    assert own_texts(client, exporter_token, bag, "vi_VN")["title"] == "Túi rác của người dịch"


def test_conflicts_are_shown_on_the_page_and_settled_by_ticking(
    exporter, exporter_token, two_listings
):
    _shirt, bag = two_listings
    page = get_page(exporter, "/listings/translations")
    data = _xliff_for(f"l{bag}.title", bags()["title_zh"], "Túi rác của người dịch")
    response = exporter.post(
        "/listings/translations/import",
        data={
            "csrf_token": page.csrf(),
            "locale": "vi_VN",
            "translation_file": (BytesIO(data), "vi.xlf"),
        },
        content_type="multipart/form-data",
    )
    report = get_page_from(response)
    assert "Túi rác của người dịch" in report.by_id("import-conflicts").text()
    form = {"csrf_token": report.csrf(), "locale": "vi_VN", "take": "1"}
    for name in ("conflict-1-unit", "conflict-1-own", "conflict-1-text"):
        form[name] = report.value(name)
    response = exporter.post("/listings/translations/resolve", data=form)
    assert response.status_code == 200
    assert own_texts(exporter, exporter_token, bag, "vi_VN")["title"] == "Túi rác của người dịch"


def get_page_from(response):
    from tests.web.pages import Page

    assert response.status_code == 200, response.status_code
    return Page(response.get_data(as_text=True))


@pytest.mark.parametrize(
    "name, named",
    [
        ("batch_xliff_v12.xlf", "XLIFF 2.0"),
        ("batch_xliff_no_source.xlf", "l1.title"),
        ("batch_xliff_dtd.xlf", "DTD"),
    ],
)
def test_a_bad_file_is_refused_naming_the_problem_and_nothing_is_written(
    client, exporter_token, two_listings, name, named
):
    shirt, _bag = two_listings
    before = client.get(f"/api/v1/listings/{shirt}", headers=bearer(exporter_token)).json
    response = upload(client, exporter_token, "vi_VN", (BAD_FILES / name).read_bytes())
    assert response.status_code == 422
    assert named in response.json["error"]["fields"]["file"][0]
    after = client.get(f"/api/v1/listings/{shirt}", headers=bearer(exporter_token)).json
    assert after["revision"] == before["revision"]


def test_a_file_for_another_language_or_of_another_shape_is_refused(
    client, exporter_token, two_listings
):
    shirt, _bag = two_listings
    data = _xliff_for(f"l{shirt}.title", tshirt()["title_zh"], "Футболка", locale="ru-KZ")
    response = upload(client, exporter_token, "vi_VN", data)
    assert response.status_code == 422
    assert "ru-KZ" in response.json["error"]["fields"]["file"][0]
    data = _xliff_for("title", tshirt()["title_zh"], "Áo thun")
    response = upload(client, exporter_token, "vi_VN", data)
    assert response.status_code == 422
    assert "title" in response.json["error"]["fields"]["file"][0]
    assert own_texts(client, exporter_token, shirt, "vi_VN") == {}


def test_a_bad_file_on_the_page_is_shown_beside_the_file_field(exporter, two_listings):
    page = get_page(exporter, "/listings/translations")
    response = exporter.post(
        "/listings/translations/import",
        data={
            "csrf_token": page.csrf(),
            "locale": "vi_VN",
            "translation_file": (BytesIO((BAD_FILES / "batch_xliff_v12.xlf").read_bytes()), "x"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    from tests.web.pages import Page

    assert "XLIFF 2.0" in Page(response.get_data(as_text=True)).error_for("translation_file")


def test_units_of_listings_the_exporter_cannot_see_are_left_out(
    client, exporter_token, two_listings
):
    data = _xliff_for("l999999.title", tshirt()["title_zh"], "Áo thun")
    response = upload(client, exporter_token, "vi_VN", data)
    assert response.status_code == 200
    assert response.json["skipped"] == [{"unit": "l999999.title", "reason": "no_listing"}]

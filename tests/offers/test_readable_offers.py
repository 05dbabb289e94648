"""Ready means readable: a ready offer carries no Chinese text in any feed format.

The five fixture products come from the source industries (garbage bags with
囍/福 prints, cashmere, mops, school uniforms, packaging boxes), each with the
exporter's own Vietnamese, Russian and Kazakh texts, and no translation service.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest

from tests.conftest import FIXTURES, bearer
from tests.offers.support import create, offers, run_jobs, tshirt

PRODUCTS = ("garbage_bags", "cashmere_scarf", "mop", "school_uniform", "packaging_box")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def product(name: str) -> dict:
    return json.loads((FIXTURES / f"listing_{name}.json").read_text())


def strings(value, path="$"):
    """Every text inside a JSON value, with where it is."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path + ".key", str(key)
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


@pytest.fixture
def catalog(app, client, exporter_token, rates):
    ids = {name: create(client, exporter_token, product(name))["id"] for name in PRODUCTS}
    run_jobs(app)
    return ids


def test_exporters_own_texts_make_offers_ready_without_a_translation_service(
    client, exporter_token, catalog
):
    for name, listing_id in catalog.items():
        by_market = offers(client, exporter_token, listing_id)
        for market in ("VN", "KZ"):
            offer = by_market[market]
            assert offer["status"] == "ready", (name, market, offer["hold_reasons"])


@pytest.mark.parametrize(
    "market, lang", [("VN", "vi_VN"), ("KZ", "ru_KZ"), ("KZ", "kk_KZ")], ids=str
)
def test_ready_feeds_carry_no_chinese_in_any_format(client, ops_token, catalog, market, lang):
    url = f"/api/v1/markets/{market}/offers"
    as_json = client.get(url, query_string={"lang": lang, "limit": 100}, headers=bearer(ops_token))
    assert as_json.status_code == 200
    items = as_json.json["items"]
    assert len(items) == len(PRODUCTS) + 1  # and the demo T-shirt, in the factory's words
    for item in items:
        for path, text in strings(item):
            assert not HAN.search(text), (item["id"], path, text)

    as_csv = client.get(
        url, query_string={"lang": lang}, headers={**bearer(ops_token), "Accept": "text/csv"}
    )
    assert as_csv.status_code == 200
    assert as_csv.get_data(as_text=True).count("\n") > len(PRODUCTS)
    assert not HAN.findall(as_csv.get_data(as_text=True))

    as_xml = client.get(
        url, query_string={"lang": lang, "format": "xml"}, headers=bearer(ops_token)
    )
    assert as_xml.status_code == 200
    root = ElementTree.fromstring(as_xml.data)  # noqa: S314 - our own feed, in a test
    texts = [element.text or "" for element in root.iter()]
    assert len(root.findall("./channel/item")) >= len(PRODUCTS)
    assert not [text for text in texts if HAN.search(text)]


def test_feed_names_the_category_in_the_buyers_language_with_its_taxonomy_id(
    client, ops_token, catalog
):
    url = "/api/v1/markets/VN/offers"
    items = client.get(url, query_string={"limit": 100}, headers=bearer(ops_token)).json["items"]
    mop = next(item for item in items if item["title"].startswith("Cây lau nhà"))
    assert mop["category"] == "Đồ gia dụng > Dụng cụ vệ sinh"  # stored as 家居日用/清洁工具
    assert mop["google_product_category"] == 623
    xml = client.get(url, query_string={"format": "xml"}, headers=bearer(ops_token))
    assert "<g:google_product_category>623</g:google_product_category>" in xml.text
    assert "<g:product_type>Đồ gia dụng &gt; Dụng cụ vệ sinh</g:product_type>" in xml.text


def test_untranslated_customization_or_attribute_holds_the_offer(
    app, client, exporter_token, rates
):
    payload = tshirt()
    payload["localized"] = {
        "vi_VN": {"title": "Áo thun cotton cổ tròn", "description": "Cotton chải kỹ 180 g."}
    }
    listing = create(client, exporter_token, payload)
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "held"
    reason = next(r for r in vn["hold_reasons"] if r["code"] == "terms_untranslated")
    assert "丝印logo（单色）" in reason["params"]["terms"]

    payload["localized"]["vi_VN"]["terms"] = {
        "丝印logo（单色）": "In lụa logo (một màu)",
        "材质": "Chất liệu",
        "100%棉": "100% cotton",
        "克重": "Định lượng vải",
    }
    response = client.patch(
        f"/api/v1/listings/{listing['id']}",
        json={"localized": payload["localized"]},
        headers=bearer(exporter_token),
    )
    assert response.status_code == 200, response.json
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "ready", vn["hold_reasons"]


def test_machine_translation_that_echoes_chinese_is_not_a_translation(
    app, client, exporter_token, rates, translator
):
    translator.dictionary[("zh", "vi")] = {"丝印logo（单色）": "丝印 logo (1 màu)"}
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "held"
    reason = next(r for r in vn["hold_reasons"] if r["code"] == "terms_untranslated")
    assert reason["params"]["terms"] == "丝印logo（单色）"


def test_prices_show_the_currencys_own_decimals_in_tables_and_feeds(
    client, exporter_token, catalog
):
    my = offers(client, exporter_token, catalog["cashmere_scarf"])["MY"]
    displays = [
        price["display"]["ms_MY"]
        for variant in my["document"]["variants"]
        for price in variant["prices"]
    ]
    assert displays and all(re.search(r"\.\d\d$", shown) for shown in displays), displays
    kz = offers(client, exporter_token, catalog["cashmere_scarf"])["KZ"]
    shown = kz["document"]["variants"][0]["prices"][0]["display"]["ru_KZ"]
    assert "," not in shown  # tenge prices are rounded to 10: no decimals

"""Machine translation: one batch per listing and language, the glossary's terms kept intact."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tests.offers.support import create, offers, run_jobs


def bags_without_own_texts() -> dict:
    payload = json.loads((FIXTURES / "listing_garbage_bags.json").read_text())
    payload.pop("localized", None)
    payload["title_zh"] = "Xingchen加厚垃圾袋 囍字福字印花 XL 110cm"
    payload["attributes"].append({"name": "品牌", "value": "Xingchen"})
    return payload


@pytest.fixture
def languages(app):
    from connector.offers.localize import market_locales

    with app.app_context():
        return {locale.split("_")[0] for locale in market_locales()}


def test_one_request_per_listing_and_language(
    app, client, exporter_token, rates, translator, languages
):
    run_jobs(app)  # the demo listing's own localization
    translator.reset()
    create(client, exporter_token, bags_without_own_texts())
    run_jobs(app)
    targets = [call["target"] for call in translator.translate_calls]
    # ru_KZ and ru_UZ share one Russian request.
    assert translator.translate_request_count() == len(languages)
    assert sorted(targets) == sorted(languages)
    # Title, description and the terms the glossary lacks travel together.
    vi_call = next(call for call in translator.translate_calls if call["target"] == "vi")
    assert isinstance(vi_call["q"], list) and len(vi_call["q"]) >= 3


def test_protected_terms_reach_the_buyer_as_the_glossary_says(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, bags_without_own_texts())
    run_jobs(app)
    sent = " ".join(text for call in translator.translate_calls for text in call["q"])
    assert "囍" not in sent and "福" not in sent and "Xingchen" not in sent
    by_market = offers(client, exporter_token, listing["id"])
    vi = by_market["VN"]["document"]["texts"]["vi_VN"]
    assert vi["sources"]["title"] == "machine"
    for kept in ("chữ Song Hỷ", "chữ Phúc", "XL", "110cm", "Xingchen"):
        assert kept in vi["title"], (kept, vi["title"])
    assert "[[" not in vi["title"]
    ru = by_market["KZ"]["document"]["texts"]["ru_KZ"]
    assert "иероглиф «двойное счастье»" in ru["title"]
    assert "иероглиф «счастье»" in ru["description"]


def test_an_engine_that_loses_placeholders_leaves_the_text_held(
    app, client, exporter_token, rates, translator
):
    translator.mangles_placeholders = True
    listing = create(client, exporter_token, bags_without_own_texts())
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "held"
    texts = vn["document"]["texts"]["vi_VN"]
    assert texts["sources"]["title"] == "untranslated"
    assert "title_untranslated" in vn["document"]["readiness"]["vi_VN"]["missing"]


def test_a_failing_provider_gives_a_clear_reason_and_writes_nothing(
    app, client, exporter_token, rates, translator
):
    translator.fail(500, times=50)
    listing = create(client, exporter_token, bags_without_own_texts())
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "held"
    codes = {reason["code"]: reason for reason in vn["hold_reasons"]}
    assert codes["machine_translation_failed"]["params"]["provider"] == "libretranslate"
    texts = vn["document"]["texts"]["vi_VN"]
    assert "machine" not in texts["sources"].values()
    from connector.extensions import db
    from connector.models import TranslationMemo

    with app.app_context():
        assert db.session.query(TranslationMemo).count() == 0

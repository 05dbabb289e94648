"""The curated glossary: complete in every language, well-formed, and looked up robustly."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from adapters.translation.glossary import (
    DEFAULT_DIR,
    Glossary,
    GlossaryError,
    capitalize_first,
    default_glossary,
)
from tests.adapters.translation.conftest import fixture_text

SHIPPED = ("en", "kk", "ms", "ru", "th", "uz", "vi")
EXPECTED = {
    lang: terms
    for lang, terms in json.loads(fixture_text("glossary_expected.json")).items()
    if not lang.startswith("_")
}


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return default_glossary()


def raw(lang: str) -> dict:
    return json.loads((DEFAULT_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def all_values():
    for lang in SHIPPED:
        for group, entries in raw(lang)["terms"].items():
            for term, value in entries.items():
                yield lang, group, term, value


# -- the shipped files -----------------------------------------------------------------


def test_every_shipped_language_loads(glossary):
    assert glossary.languages == SHIPPED


def test_every_term_is_in_every_language_in_the_same_group():
    reference = {term: group for group, entries in raw("en")["terms"].items() for term in entries}
    for lang in SHIPPED:
        found = {term: group for group, entries in raw(lang)["terms"].items() for term in entries}
        assert found == reference, lang


def test_the_glossary_covers_at_least_120_terms(glossary):
    assert len(glossary.terms) >= 120


def test_the_core_terms_are_all_there(glossary):
    core = (
        "颜色 尺码 尺寸 材质 款式 容量 规格 型号 重量 包装 "
        "红色 黑色 白色 蓝色 绿色 黄色 灰色 粉色 紫色 橙色 棕色 米色 "
        "卡其色 透明 银色 金色 藏青色 酒红色 "
        "S M L XL XXL 均码 大号 中号 小号 "
        "棉 纯棉 涤纶 尼龙 真丝 羊毛 皮革 PU皮 硅胶 塑料 不锈钢 铝合金 木 竹 玻璃 陶瓷 "
        "服装 T恤 连衣裙 鞋 箱包 手机壳 家居 厨房用品 玩具 美妆 电子配件 数据线 充电器 文具 "
        "件 个 套 双 包 箱 米 克 千克 "
        "印logo 丝印 热转印 刺绣 激光雕刻 定制包装 起订量 打样"
    ).split()
    assert sorted(set(core) - glossary.terms) == []


def test_no_value_is_empty_or_padded():
    for lang, _group, term, value in all_values():
        assert value.strip(), (lang, term)
        assert value == value.strip(), (lang, term)
        assert "  " not in value, (lang, term)


def test_meta_records_how_and_when_it_was_reviewed():
    for lang in SHIPPED:
        meta = raw(lang)["_meta"]
        assert meta["language"] == lang
        assert meta["review_method"]
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta["reviewed_on"])


def _starts_with_acronym(value: str) -> bool:
    first = re.split(r"[\s\-]", value, maxsplit=1)[0]
    return bool(re.fullmatch(r"[0-9A-Z%]+", first))


def test_values_start_lower_case_unless_they_start_with_an_acronym_or_size():
    for lang, _group, term, value in all_values():
        if value[0].isupper():
            assert _starts_with_acronym(value), (lang, term, value)


def test_sizes_are_the_same_letters_everywhere(glossary):
    for size in ("XS", "S", "M", "L", "XL", "XXL", "XXXL", "2XL", "3XL"):
        assert {glossary.lookup(size, lang) for lang in SHIPPED} == {size}


def test_kazakh_and_russian_are_in_cyrillic():
    latin_words = re.compile(r"[A-Za-z]+")
    for lang, _group, term, value in all_values():
        if lang in ("kk", "ru"):
            # Only acronyms and sizes (PU, USB, XL) may be Latin.
            assert all(w.isupper() for w in latin_words.findall(value)), (lang, term, value)


def test_russian_writes_yo_as_ye():
    assert not [v for lang, _g, _t, v in all_values() if lang == "ru" and "ё" in v]


def test_kazakh_uses_its_own_letters():
    kazakh = "".join(v for lang, _g, _t, v in all_values() if lang == "kk")
    assert set("әғқңөұүһі") & set(kazakh) >= set("әғқңөұүі")


def test_uzbek_is_latin_with_the_proper_apostrophes():
    for lang, _group, term, value in all_values():
        if lang == "uz":
            assert re.fullmatch(r"[0-9A-Za-z%\u02bb\u02bc \-]+", value), (term, value)
    uzbek = "".join(v for lang, _g, _t, v in all_values() if lang == "uz")
    assert "oʻ" in uzbek
    assert "gʻ" in uzbek


def test_thai_values_are_in_thai_script():
    for lang, _group, term, value in all_values():
        if lang == "th" and not _starts_with_acronym(value):
            assert re.search(r"[\u0e00-\u0e7f]", value), (term, value)


def test_vietnamese_keeps_its_diacritics(glossary):
    assert glossary.lookup("绿色", "vi") == "xanh lá"
    assert glossary.lookup("不锈钢", "vi") == "thép không gỉ"
    assert glossary.lookup("玻璃", "vi") == "thủy tinh"


@pytest.mark.parametrize(
    ("lang", "term", "expected"),
    [(lang, term, value) for lang, terms in EXPECTED.items() for term, value in terms.items()],
)
def test_known_terms_translate_as_reviewed(glossary, lang, term, expected):
    assert glossary.lookup(term, lang) == expected


# -- lookups -----------------------------------------------------------------------------


def test_lookup_accepts_a_locale(glossary):
    assert glossary.lookup("红色", "kk_KZ") == "қызыл"
    assert glossary.lookup("红色", "ru_KZ") == "красный"
    assert glossary.lookup("红色", "uz-UZ") == "qizil"


def test_lookup_normalizes_width_whitespace_and_case(glossary):
    assert glossary.lookup("ＸＬ", "vi") == "XL"
    assert glossary.lookup("  红色\u3000", "vi") == "đỏ"
    assert glossary.lookup("xl", "en") == "XL"
    assert glossary.lookup("印LOGO", "ru") == "нанесение логотипа"
    assert glossary.lookup("ｐｕ皮", "ms") == "kulit PU"


def test_a_bare_colour_root_finds_its_colour(glossary):
    assert glossary.lookup("红", "vi") == "đỏ"
    assert glossary.lookup("米白", "ru") == "молочный"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("米", "en", "beige"),
        ("米", "ru", "бежевый"),
        ("米/XL", "vi", "be/XL"),
        ("米色 M", "kk", "беж M"),
        ("1.5米", "en", "1.5 meter"),
        ("2米/红色", "ru", "2 метр/красный"),
        ("3厘米", "en", "3 centimeter"),
    ],
)
def test_a_bare_mi_is_beige_and_mi_after_a_number_is_metres(glossary, text, lang, expected):
    assert glossary.translate_value(text, lang) == expected


def test_assorted_colours_are_not_multicoloured(glossary):
    assert glossary.lookup("混色", "en") == "assorted colors"
    assert glossary.lookup("混色", "ru") == "в ассортименте"


def test_style_model_and_sample_are_three_words_in_every_language(glossary):
    for lang in SHIPPED:
        words = {glossary.lookup(term, lang) for term in ("款式", "型号", "样品")}
        assert len(words) == 3, (lang, words)


def test_the_source_industries_terms_are_there(glossary):
    terms = (
        "拖把 抹布 海绵 清洁刷 垃圾袋 独立包装 OPP袋 彩盒 纸箱 飞机盒 "
        "圆领 短袖 长袖 男女同款 纯棉 羊绒 校服 logo 印logo 丝印 囍 福 囍字 福字"
    ).split()
    assert sorted(set(terms) - glossary.terms) == []
    assert glossary.translate_value("囍字", "vi") == "chữ Song Hỷ"
    assert glossary.translate_value("福字", "kk") == "«бақыт» иероглифі"


def test_unknown_terms_and_languages_give_none(glossary):
    assert glossary.lookup("量子纠缠", "vi") is None
    assert glossary.lookup("", "vi") is None
    assert glossary.lookup("红色", "fr") is None


def test_group_of_a_term(glossary):
    assert glossary.group_of("红色") == "color"
    assert glossary.group_of("ｘｌ") == "size"
    assert glossary.group_of("量子") is None


def test_capitalize_first_makes_a_label():
    assert capitalize_first("màu sắc") == "Màu sắc"
    assert capitalize_first("түсі") == "Түсі"
    assert capitalize_first("oʻlcham") == "Oʻlcham"
    assert capitalize_first("") == ""


# -- compound values --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("红色/XL", "vi", "đỏ/XL"),
        ("白色 M", "ru", "белый M"),
        ("黑色 / 均码", "en", "black / one size"),
        ("藏青色，XXL", "kk", "қою көк, XXL"),
        ("灰色、L", "th", "สีเทา, L"),
        ("红色XL", "ms", "merah XL"),
        ("粉色-S", "uz", "pushti-S"),
        ("纯棉/白色/39", "vi", "100% cotton/trắng/39"),
        ("蓝色 500ml", "en", "blue 500ml"),
        ("ＰＵ皮／黑色", "ms", "kulit PU/hitam"),
    ],
)
def test_compound_values_translate_when_every_part_is_known(glossary, text, lang, expected):
    assert glossary.translate_value(text, lang) == expected


def test_a_whole_term_is_translated_as_a_value(glossary):
    assert glossary.translate_value("酒红色", "ru") == "бордовый"


@pytest.mark.parametrize("text", ["红色/未知", "量子", "", "   ", "/", "红色//XL", "XL码"])
def test_compound_values_with_an_unknown_part_give_none(glossary, text):
    assert glossary.translate_value(text, "vi") is None


# -- validation ---------------------------------------------------------------------------


@pytest.fixture
def glossary_copy(tmp_path):
    for path in DEFAULT_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit(directory, lang, change):
    path = directory / f"{lang}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def test_a_copy_of_the_shipped_files_loads(glossary_copy):
    assert Glossary.load(glossary_copy).languages == SHIPPED


def test_a_term_missing_in_one_language_is_an_error(glossary_copy):
    edit(glossary_copy, "kk", lambda doc: doc["terms"]["color"].pop("红色"))
    with pytest.raises(GlossaryError, match=r"kk lacks 红色"):
        Glossary.load(glossary_copy)


def test_an_empty_translation_is_an_error(glossary_copy):
    edit(glossary_copy, "th", lambda doc: doc["terms"]["color"].update({"红色": " "}))
    with pytest.raises(GlossaryError, match="th"):
        Glossary.load(glossary_copy)


def test_a_term_in_another_group_is_an_error(glossary_copy):
    def move(doc):
        doc["terms"]["size"]["红色"] = doc["terms"]["color"].pop("红色")

    edit(glossary_copy, "ms", move)
    with pytest.raises(GlossaryError, match="another group"):
        Glossary.load(glossary_copy)


def test_a_term_twice_after_normalization_is_an_error(glossary_copy):
    edit(glossary_copy, "en", lambda doc: doc["terms"]["size"].update({"ｘｌ": "XL"}))
    with pytest.raises(GlossaryError, match="twice"):
        Glossary.load(glossary_copy)


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc.pop("_meta"),
        lambda doc: doc["_meta"].pop("review_method"),
        lambda doc: doc["_meta"].update({"reviewed_on": "last week"}),
        lambda doc: doc["_meta"].update({"language": "ru"}),
        lambda doc: doc.pop("terms"),
        lambda doc: doc["terms"].update({"color": ["红色"]}),
    ],
)
def test_malformed_files_are_errors(glossary_copy, change):
    edit(glossary_copy, "vi", change)
    with pytest.raises(GlossaryError, match="vi"):
        Glossary.load(glossary_copy)


def test_broken_json_is_an_error(glossary_copy):
    (glossary_copy / "th.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"th\.json"):
        Glossary.load(glossary_copy)


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(GlossaryError):
        Glossary.load(tmp_path)

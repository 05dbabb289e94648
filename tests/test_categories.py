"""The category tree file: every category named in every UI and market language."""

from __future__ import annotations

import pytest

from connector.categories import CategoryTreeError, _load, category_tree, language_of

UI_LANGUAGES = {"zh_Hans", "en", "vi", "ru", "kk"}


def test_every_category_has_a_name_in_every_ui_and_market_language(app):
    from connector.offers.localize import market_locales

    with app.app_context():
        wanted = UI_LANGUAGES | {language_of(locale) for locale in market_locales()}
    tree = category_tree()
    assert wanted <= tree.languages()
    for category in tree.all():
        assert tree.path(category, "zh_Hans") is not None
        assert category.google_id, category.id


def test_a_factorys_path_finds_its_category_whatever_the_separator():
    tree = category_tree()
    assert tree.find("家居日用/清洁工具") is tree.find("家居日用 > 清洁工具")
    assert (
        tree.path(tree.find("家居日用／清洁工具"), "ru") == "Товары для дома > Инвентарь для уборки"
    )
    assert tree.find("家居 > 水杯") is None  # free text stays free text


def test_a_category_missing_a_language_is_a_load_error(tmp_path):
    path = tmp_path / "categories.toml"
    path.write_text(
        '[[category]]\nid = "a"\nzh_Hans = "甲"\nen = "A"\n'
        '[[category]]\nid = "a.b"\nzh_Hans = "乙"\n',
        encoding="utf-8",
    )
    with pytest.raises(CategoryTreeError):
        _load(path)

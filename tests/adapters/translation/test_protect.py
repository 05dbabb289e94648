"""Protected terms travel through the machine as placeholders and come back as the glossary says."""

from __future__ import annotations

from adapters.translation.protect import protect, restore

PRINTS = {"囍字": "chữ Song Hỷ", "囍": "Song Hỷ", "福": "chữ Phúc"}


def test_named_prints_and_sizes_become_placeholders():
    held = protect("囍字垃圾袋 福 XL 110cm", PRINTS)
    assert "囍" not in held.text and "福" not in held.text
    assert "XL" not in held.text and "110cm" not in held.text
    assert held.values == ("chữ Song Hỷ", "chữ Phúc", "XL", "110cm")


def test_the_longest_term_is_held_whole():
    held = protect("印囍字", PRINTS)
    assert held.values == ("chữ Song Hỷ",)


def test_size_letters_inside_words_are_left_alone():
    held = protect("LOGO印刷 PE材质 M码", {})
    assert held.values == ("M",)
    assert "LOGO" in held.text and "PE" in held.text


def test_restore_puts_each_rendering_back_in_the_engines_order():
    held = protect("福 XL", PRINTS)
    assert restore("size [[2]] with [[1]]", held) == "size XL with chữ Phúc"


def test_a_lost_doubled_or_altered_placeholder_gives_nothing():
    held = protect("福 XL", PRINTS)
    assert restore("only [[1]]", held) is None
    assert restore("[[1]] [[1]] [[2]]", held) is None
    assert restore("[1] [[2]]", held) is None
    assert restore("[[1]] [[2]] [[3]]", held) is None


def test_words_that_merely_contain_a_print_character_are_left_to_the_engine():
    held = protect("福建工厂 幸福 福字", PRINTS | {"福字": "chữ Phúc"})
    assert held.values == ("chữ Phúc",)
    assert held.text.startswith("福建工厂 幸福 ")

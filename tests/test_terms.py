"""The team's terms (locales/terms.toml) hold in every UI catalog, the glossary and the markets.

A reader who meets "submit a listing" and "send a shipment" must read two different
verbs; one concept is one word everywhere. The table says which word, and which words
must not stand for it; these tests read every translated message against it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from adapters.translation.glossary import default_glossary

ROOT = Path(__file__).resolve().parents[1]
TERMS_FILE = ROOT / "locales" / "terms.toml"
CATALOG_LANGUAGES = ("vi", "ru", "kk", "zh_Hans")
# What a translation carries over untranslated: placeholders and literal <...>.
LITERALS = re.compile(r"%\(\w+\)[sd]|\{\w+\}|<[^>]*>")


def load_terms() -> dict[str, dict]:
    with TERMS_FILE.open("rb") as handle:
        return tomllib.load(handle)


TERMS = load_terms()
CATALOG_TERMS = {name: term for name, term in TERMS.items() if "english" in term}
GLOSSARY_TERMS = {name: term for name, term in TERMS.items() if "glossary" in term}
MARKET_TERMS = {name: term for name, term in TERMS.items() if "market" in term}


def _search(pattern: str, text: str) -> re.Match | None:
    return re.search(pattern, text, re.IGNORECASE)


def _starts_with_any(text: str, start: int, patterns: list[str]) -> bool:
    return any(re.compile(p, re.IGNORECASE).match(text, start) for p in patterns)


def _catalog(lang: str):
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle)


def _forms(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def term_problems(msgid, msgstr, lang: str) -> list[str]:
    """Where one translated message breaks the table: each names the msgid, the
    language, the word found and the word wanted."""
    problems = []
    english = " ".join(_forms(msgid))
    present = {
        name: term[lang]
        for name, term in CATALOG_TERMS.items()
        if lang in term
        and english not in term.get("ignore", ())
        and _search(term["english"], LITERALS.sub(" ", english))
    }
    for name, rule in present.items():
        # A word another term of this message chose is not avoided here
        # ("cancel ... refuses": both 取消 and 拒绝 belong).
        others = [r["forms"] for other, r in present.items() if other != name]
        for text in _forms(msgstr):
            plain = LITERALS.sub(" ", text)
            if not plain.strip():
                continue  # untranslated: test_i18n_catalog reports it
            avoided = next(
                (
                    found
                    for found in re.finditer(rule.get("avoid") or "(?!)", plain, re.IGNORECASE)
                    if not _starts_with_any(plain, found.start(), others)
                ),
                None,
            )
            if avoided:
                problems.append(
                    f"{english!r} [{lang}] {name}: found {avoided.group(0)!r}, "
                    f"wanted {rule['use']!r}: {text!r}"
                )
            elif not _search(rule["forms"], plain):
                problems.append(
                    f"{english!r} [{lang}] {name}: found no {rule['use']!r} "
                    f"(forms /{rule['forms']}/), wanted {rule['use']!r}: {text!r}"
                )
    return problems


# -- the table itself -------------------------------------------------------------------------


def test_the_table_says_native_review_is_pending():
    header = TERMS_FILE.read_text(encoding="utf-8").split("\n[", 1)[0]
    assert "NATIVE REVIEW PENDING" in header


def test_every_term_has_a_line_per_language_with_a_word_and_a_reason():
    for name, term in TERMS.items():
        for lang in CATALOG_LANGUAGES if "glossary" not in term else ("vi", "ru", "kk"):
            rule = term.get(lang)
            assert rule, f"{name}: no line for {lang}"
            assert rule.get("use") and rule.get("note"), f"{name} [{lang}]: use and note"
            if "english" in term:
                assert rule.get("forms"), f"{name} [{lang}]: forms"


def test_every_pattern_compiles_and_finds_the_chosen_word():
    for name, term in TERMS.items():
        for key in ("english",):
            if key in term:
                re.compile(term[key])
        for lang, rule in term.items():
            if not isinstance(rule, dict):
                continue
            if rule.get("forms"):
                assert _search(rule["forms"], rule["use"]), f"{name} [{lang}]: forms miss use"
            if rule.get("avoid"):
                assert not _search(rule["avoid"], rule["use"]), f"{name} [{lang}]: use is avoided"


def test_a_checker_catches_the_verb_for_sending_goods():
    found = term_problems("Submit listing", "Отправить товар", "ru")
    assert len(found) == 1
    assert "'Submit listing' [ru] publish: found 'Отправ', wanted 'Опубликовать'" in found[0]
    assert term_problems("Submit listing", "Опубликовать товар", "ru") == []


# -- the catalogs ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", CATALOG_LANGUAGES)
def test_every_catalog_uses_the_chosen_words(lang):
    problems = []
    for message in _catalog(lang):
        if message.id:
            problems.extend(term_problems(message.id, message.string, lang))
    assert not problems, f"{len(problems)} message(s) off the terms table:\n" + "\n".join(problems)


# -- the glossary and the markets ----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GLOSSARY_TERMS))
def test_the_glossary_agrees_with_the_table(name):
    term = GLOSSARY_TERMS[name]
    glossary = default_glossary()
    for lang, rule in term.items():
        if not isinstance(rule, dict):
            continue
        value = glossary.lookup(term["glossary"], lang)
        assert value == rule["use"], (
            f"glossary {term['glossary']} [{lang}]: found {value!r}, wanted {rule['use']!r}"
        )


def test_no_two_glossary_terms_of_the_table_share_a_word():
    glossary = default_glossary()
    for lang in ("en", "vi", "ru", "kk", "ms", "th", "uz"):
        values = [glossary.lookup(t["glossary"], lang) for t in GLOSSARY_TERMS.values()]
        assert len(values) == len(set(values)), (lang, values)


@pytest.mark.parametrize("name", sorted(MARKET_TERMS))
def test_market_names_follow_the_table(name):
    term = MARKET_TERMS[name]
    path = ROOT / "markets" / f"{term['market'].lower()}.toml"
    with path.open("rb") as handle:
        names = tomllib.load(handle).get("names", {})
    for lang in CATALOG_LANGUAGES:
        assert names.get(lang) == term[lang]["use"], (
            f"{path.name} names [{lang}]: found {names.get(lang)!r}, wanted {term[lang]['use']!r}"
        )

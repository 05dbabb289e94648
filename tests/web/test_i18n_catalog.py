"""The translation catalogs: complete, not fuzzy, placeholders intact, and up to date."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def load(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def msgids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.fixture(scope="module")
def template():
    return load(LOCALES / "messages.pot")


@pytest.fixture(scope="module")
def chinese():
    return load(LOCALES / "zh_Hans" / "LC_MESSAGES" / "messages.po")


def test_every_message_has_a_chinese_translation(template, chinese):
    untranslated = []
    for message_id in sorted(msgids(template), key=str):
        message = chinese.get(message_id)
        if message is None or not all(s.strip() for s in strings(message)):
            untranslated.append(message_id)
    assert not untranslated, f"untranslated in zh_Hans: {untranslated}"


def test_no_fuzzy_entries(chinese):
    assert not chinese.fuzzy, "the zh_Hans header is marked fuzzy"
    fuzzy = [message.id for message in chinese if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy in zh_Hans: {fuzzy}"


def test_no_obsolete_chinese_entries(chinese):
    assert not chinese.obsolete, f"obsolete in zh_Hans: {list(chinese.obsolete)}"


def test_placeholders_survive_translation(chinese):
    for message in chinese:
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        wanted = sorted(PLACEHOLDER.findall(source))
        for translated in strings(message):
            assert sorted(PLACEHOLDER.findall(translated)) == wanted, (source, translated)


def test_english_catalog_covers_the_template(template):
    english = load(LOCALES / "en" / "LC_MESSAGES" / "messages.po")
    assert msgids(template) <= msgids(english)


def test_template_is_up_to_date_with_the_sources(template, tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            str(LOCALES / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
    )
    missing = msgids(load(fresh)) - msgids(template)
    assert not missing, (
        "strings missing from locales/messages.pot (run pybabel extract and update): "
        f"{sorted(missing, key=str)}"
    )

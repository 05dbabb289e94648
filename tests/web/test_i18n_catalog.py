"""The translation catalogs: complete, not fuzzy, placeholders intact, and up to date.

Every UI language but English (whose msgids are the English text) is checked the same way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from connector.config import UI_LOCALES
from connector.i18n import LANGUAGE_NAMES

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ROOT / "locales"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
TRANSLATED = [code for code in UI_LOCALES if code != "en"]


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


@pytest.fixture(scope="module", params=TRANSLATED)
def catalog(request):
    """One translated UI language's catalog; its code is ``catalog.locale_identifier``."""
    return load(LOCALES / request.param / "LC_MESSAGES" / "messages.po")


def test_every_ui_language_has_a_catalog_and_a_name():
    for code in UI_LOCALES:
        assert (LOCALES / code / "LC_MESSAGES" / "messages.po").is_file(), code
        assert code in LANGUAGE_NAMES, code


def test_every_message_has_a_translation(template, catalog):
    untranslated = []
    for message_id in sorted(msgids(template), key=str):
        message = catalog.get(message_id)
        if message is None or not all(s.strip() for s in strings(message)):
            untranslated.append(message_id)
    assert not untranslated, f"untranslated in {catalog.locale_identifier}: {untranslated}"


def test_no_fuzzy_entries(catalog):
    code = catalog.locale_identifier
    assert not catalog.fuzzy, f"the {code} header is marked fuzzy"
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert not fuzzy, f"fuzzy in {code}: {fuzzy}"


def test_no_obsolete_entries(catalog):
    assert not catalog.obsolete, (
        f"obsolete in {catalog.locale_identifier}: {list(catalog.obsolete)}"
    )


def test_placeholders_survive_translation(catalog):
    for message in catalog:
        if not message.id:
            continue
        source = message.id[0] if isinstance(message.id, tuple) else message.id
        wanted = sorted(PLACEHOLDER.findall(source))
        for translated in strings(message):
            assert sorted(PLACEHOLDER.findall(translated)) == wanted, (source, translated)


def test_plural_messages_have_every_form_of_the_language(catalog):
    for message in catalog:
        if message.id and isinstance(message.id, tuple):
            assert len(strings(message)) == catalog.num_plurals, (
                catalog.locale_identifier,
                message.id,
                strings(message),
            )


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

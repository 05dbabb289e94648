"""The UI in Vietnamese, Russian and Kazakh: no English sentence is left on the exporter's
pages, and the API answers errors in the language the client asks for."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.web.conftest import bearer, get_page, sign_in
from tests.web.pages import Node, Page

LOCALES = Path(__file__).resolve().parents[2] / "locales"
LANGUAGES = ("vi", "ru", "kk")
EXPORTER = "exporter@demo.example"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ENGLISH_WORD = re.compile(r"[A-Za-z]+")
# Attributes a person sees or hears, besides the text between tags.
SHOWN_ATTRIBUTES = (
    "alt",
    "aria-label",
    "placeholder",
    "title",
    "data-row-label",
    "data-default-label",
)
LISTING_LINK = re.compile(r"/listings/(\d+)")
RUSSIAN = "ru-RU,ru;q=0.9,en;q=0.8"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


@cache
def english_sentences() -> tuple[tuple[str, re.Pattern], ...]:
    """Every msgid (singular and plural) of more than three English words, as a pattern in
    which each placeholder stands for any short text."""
    found = []
    for message in _read(LOCALES / "messages.pot"):
        for text in message.id if isinstance(message.id, tuple) else (message.id,):
            if len(ENGLISH_WORD.findall(PLACEHOLDER.sub(" ", text or ""))) <= 3:
                continue
            parts = [re.escape(" ".join(part.split())) for part in PLACEHOLDER.split(text)]
            found.append((text, re.compile(".{1,80}?".join(parts))))
    return tuple(found)


@cache
def translation(lang: str, msgid: str) -> str:
    message = _read(LOCALES / lang / "LC_MESSAGES" / "messages.po").get(msgid)
    assert message is not None and message.string, (lang, msgid)
    return message.string


def shown_text(page: Page, lang: str) -> str:
    """The page's words as a person meets them: text and shown attributes, tags stripped.

    Parts marked as another language on purpose (the language switcher's names, texts
    written for a market) are data, not UI, and are left out; so are scripts and styles."""
    parts: list[str] = []

    def visit(node: Node) -> None:
        if node.tag in ("script", "style"):
            return
        own = node.attrs.get("lang", "")
        if own and node.tag != "html" and own.split("-")[0] != lang:
            return
        parts.extend(node.attrs[name] for name in SHOWN_ATTRIBUTES if node.attrs.get(name))
        for child in node.children:
            if isinstance(child, Node):
                visit(child)
            else:
                parts.append(child)

    visit(page.root)
    return " ".join(" ".join(parts).split())


def english_left(page: Page, lang: str) -> list[str]:
    text = shown_text(page, lang)
    return [msgid for msgid, pattern in english_sentences() if pattern.search(text)]


def assert_in_language(page: Page, lang: str, heading: str) -> None:
    """The page really is in ``lang`` (no vacuous pass on a Chinese page) and has no English."""
    assert f'<html lang="{lang}">' in page.html
    assert page.all(lambda n: n.tag == "h1")[0].text().startswith(translation(lang, heading))
    assert not english_left(page, lang), f"English left on the {lang} page"


def demo_listing_id(client) -> int:
    page = get_page(client, "/listings")
    ids = [
        int(match.group(1))
        for node in page.all(lambda n: n.tag == "a")
        if (match := LISTING_LINK.fullmatch(node.attrs.get("href", "")))
    ]
    assert ids, "the demo listing is not on the index"
    return ids[0]


@pytest.fixture(params=LANGUAGES)
def lang(request) -> str:
    return request.param


@pytest.fixture
def exporter_in(client, demo, lang):
    """A client signed in as the demo exporter with the UI in ``lang``."""
    sign_in(client, EXPORTER, demo["password"], lang=lang)
    return client


def test_english_sentences_are_found_in_english_pages(client, demo):
    """The check itself sees English when it is there."""
    sign_in(client, EXPORTER, demo["password"], lang="en")
    page = get_page(client, "/listings/new")
    assert "Save as draft" in shown_text(page, "en")
    assert english_left(page, "en")


def test_listings_index_has_no_english(exporter_in, lang):
    assert_in_language(get_page(exporter_in, "/listings"), lang, "Listings")


def test_new_listing_form_has_no_english(exporter_in, lang):
    assert_in_language(get_page(exporter_in, "/listings/new"), lang, "New listing")


def test_listing_detail_has_no_english(exporter_in, lang):
    listing_id = demo_listing_id(exporter_in)
    page = get_page(exporter_in, f"/listings/{listing_id}")
    assert f'<html lang="{lang}">' in page.html
    assert translation(lang, "Shipping and customs") in shown_text(page, lang)
    assert not english_left(page, lang), f"English left on the {lang} page"


def test_edit_form_of_a_full_listing_has_no_english(exporter_in, lang):
    listing_id = demo_listing_id(exporter_in)
    page = get_page(exporter_in, f"/listings/{listing_id}/edit")
    assert_in_language(page, lang, "Edit listing")


def test_form_errors_have_no_english(exporter_in, lang):
    page = get_page(exporter_in, "/listings/new")
    response = exporter_in.post("/listings/new", data={**page.form_values(), "action": "submit"})
    shown = Page(response.get_data(as_text=True))
    assert shown.summary(), "submitting an empty form shows no errors"
    assert_in_language(shown, lang, "New listing")


def test_api_validation_errors_in_russian_from_accept_language(client, exporter_token):
    response = client.post(
        "/api/v1/listings/",
        json={"status": "draft", "title_zh": "纯棉T恤", "moq": 0},
        headers={**bearer(exporter_token), "Accept-Language": RUSSIAN},
    )
    assert response.status_code == 422
    error = response.json["error"]
    assert error["message"] == "Некоторые поля заполнены неверно."
    assert error["fields"]["moq"] == ["Введите минимальный заказ не меньше 1."]


def test_api_not_found_in_russian_from_accept_language(client):
    response = client.get("/api/v1/no-such-thing", headers={"Accept-Language": RUSSIAN})
    assert response.status_code == 404
    assert response.json["error"]["message"] == "Не найдено."


def test_api_401_in_russian_from_accept_language(client):
    response = client.get("/api/v1/listings/", headers={"Accept-Language": RUSSIAN})
    assert response.status_code == 401
    assert CYRILLIC.search(response.json["error"]["message"])

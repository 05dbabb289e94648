"""LibreTranslate: request building, response parsing, chunking and codes (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.errors import BadResponse, ProviderNotConfigured, ProviderUnavailable, Rejected
from adapters.translation.libretranslate import (
    LibreTranslateSettings,
    build_translate_request,
    chunk_texts,
    endpoint,
    error_from_response,
    libretranslate_code,
    parse_languages_response,
    parse_translate_response,
    supports,
)
from tests.adapters.translation.conftest import fixture_text

# -- language codes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "code"),
    [
        ("zh_Hans", "zh"),
        ("zh-Hans", "zh"),
        ("zh_CN", "zh"),
        ("zh_Hant", "zt"),
        ("vi_VN", "vi"),
        ("kk_KZ", "kk"),
        ("ru_KZ", "ru"),
        ("ru_UZ", "ru"),
        ("uz_UZ", "uz"),
        ("th_TH", "th"),
        ("ms_MY", "ms"),
        ("en", "en"),
        ("en_US", "en"),
        ("id_ID", "id"),
    ],
)
def test_locale_maps_to_libretranslate_code(locale, code):
    assert libretranslate_code(locale) == code


@pytest.mark.parametrize("locale", ["", "  ", "1234", "x"])
def test_unusable_locale_is_rejected_as_unsupported_language(locale):
    with pytest.raises(Rejected) as caught:
        libretranslate_code(locale)
    assert caught.value.code == "unsupported_language"
    assert caught.value.transient is False


def test_supports_matches_zh_with_the_zh_hans_listing():
    languages = parse_languages_response(fixture_text("languages_ok.json"))
    assert supports(languages, "zh", "vi")
    assert supports(languages, "vi", "zh")
    assert not supports(languages, "zh", "kk")
    assert not supports(languages, "kk", "zh")


def test_supports_reads_a_legacy_listing():
    languages = parse_languages_response(fixture_text("languages_legacy.json"))
    assert supports(languages, "zh", "ru")
    assert not supports(languages, "zh", "th")


# -- request building ------------------------------------------------------------------


def test_translate_request_sends_q_as_a_list_with_key_and_format():
    body = build_translate_request(["红色", "颜色"], "zh", "vi", api_key="k-1")
    assert body == {
        "q": ["红色", "颜色"],
        "source": "zh",
        "target": "vi",
        "format": "text",
        "api_key": "k-1",
    }


def test_translate_request_omits_an_absent_api_key():
    body = build_translate_request(["红色"], "zh", "en")
    assert "api_key" not in body
    assert body["q"] == ["红色"]


def test_translate_request_refuses_an_unknown_format():
    with pytest.raises(ValueError):
        build_translate_request(["x"], "zh", "en", text_format="markdown")


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://mt:5000", "http://mt:5000/translate"),
        ("http://mt:5000/", "http://mt:5000/translate"),
        ("https://example.test/lt/", "https://example.test/lt/translate"),
    ],
)
def test_endpoint_keeps_a_url_prefix(base, url):
    assert endpoint(base, "translate") == url


# -- response parsing ------------------------------------------------------------------


def test_parse_batch_answer():
    assert parse_translate_response(fixture_text("translate_batch_ok.json"), 3) == [
        "Đỏ",
        "Váy liền",
        "Màu sắc",
    ]


def test_parse_single_string_answer_as_one_item():
    assert parse_translate_response(fixture_text("translate_single_ok.json"), 1) == ["Xin chào"]


def test_parse_answer_with_detected_language():
    assert parse_translate_response(fixture_text("translate_auto_detect_ok.json"), 1) == ["Đỏ"]


def test_parse_count_mismatch_is_bad_response():
    with pytest.raises(BadResponse) as caught:
        parse_translate_response(fixture_text("translate_count_mismatch.json"), 2)
    assert "sent 2" in caught.value.message


@pytest.mark.parametrize(
    "body",
    [
        b"<html>gateway</html>",
        b"",
        b"[1, 2]",
        b'{"translatedText": 5}',
        b'{"translatedText": ["ok", null]}',
        b'{"error": "odd"}',
    ],
)
def test_parse_garbage_is_bad_response(body):
    with pytest.raises(BadResponse) as caught:
        parse_translate_response(body, 2)
    assert caught.value.code == "bad_response"


def test_parse_languages():
    languages = parse_languages_response(fixture_text("languages_ok.json"))
    assert [lang.code for lang in languages] == ["en", "zh-Hans", "vi"]
    assert languages[1].name == "Chinese"
    assert "vi" in languages[1].targets


@pytest.mark.parametrize("body", [b"nope", b'{"code": "en"}', b'[{"name": "x"}]'])
def test_parse_languages_garbage_is_bad_response(body):
    with pytest.raises(BadResponse):
        parse_languages_response(body)


# -- error mapping ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "fixture", "kind", "code", "transient"),
    [
        (400, "translate_error_unsupported.json", Rejected, "unsupported_language", False),
        (400, "translate_error_pair_unavailable.json", Rejected, "unsupported_language", False),
        (400, "translate_error_char_limit.json", Rejected, "limit_exceeded", False),
        (400, "translate_error_key_required.json", None, "bad_api_key", False),
        (403, "translate_error_invalid_key.json", None, "bad_api_key", False),
        (403, "translate_error_banned.json", ProviderUnavailable, "banned", True),
    ],
)
def test_error_answers_map_to_coded_errors(status, fixture, kind, code, transient):
    error = error_from_response(status, fixture_text(fixture))
    if kind is not None:
        assert isinstance(error, kind)
    assert error.code == code
    assert error.transient is transient
    assert error.provider == "libretranslate"


def test_other_client_errors_are_permanent_with_the_status_in_the_code():
    error = error_from_response(404, b"<html>Not Found</html>")
    assert isinstance(error, Rejected)
    assert error.code == "http_404"
    assert error.transient is False


def test_bad_request_without_json_is_rejected():
    error = error_from_response(400, b"bad")
    assert isinstance(error, Rejected)
    assert error.code == "rejected"


# -- chunking --------------------------------------------------------------------------


def test_chunks_respect_max_items():
    texts = [f"t{i}" for i in range(7)]
    assert chunk_texts(texts, max_items=3, max_chars=1000) == [
        ["t0", "t1", "t2"],
        ["t3", "t4", "t5"],
        ["t6"],
    ]


def test_chunks_respect_max_chars():
    texts = ["aaaa", "bbbb", "cc", "d"]
    assert chunk_texts(texts, max_items=10, max_chars=6) == [["aaaa"], ["bbbb", "cc"], ["d"]]


def test_an_oversized_text_travels_alone():
    assert chunk_texts(["x" * 20, "y"], max_items=10, max_chars=5) == [["x" * 20], ["y"]]


def test_no_texts_no_chunks():
    assert chunk_texts([], max_items=5, max_chars=5) == []


@given(
    texts=st.lists(st.text(max_size=30), max_size=60),
    max_items=st.integers(min_value=1, max_value=10),
    max_chars=st.integers(min_value=1, max_value=80),
)
def test_chunking_keeps_order_and_limits(texts, max_items, max_chars):
    chunks = chunk_texts(texts, max_items, max_chars)
    assert [t for chunk in chunks for t in chunk] == texts
    for chunk in chunks:
        assert 1 <= len(chunk) <= max_items
        assert len(chunk) == 1 or sum(len(t) for t in chunk) <= max_chars


# -- settings --------------------------------------------------------------------------


def test_settings_without_url_are_not_configured():
    for settings in (None, {}, {"url": ""}, {"url": "   "}):
        with pytest.raises(ProviderNotConfigured) as caught:
            LibreTranslateSettings.from_mapping(settings)
        assert caught.value.code == "not_configured"
        assert caught.value.transient is False


def test_settings_read_numbers_from_strings():
    settings = LibreTranslateSettings.from_mapping(
        {"url": "http://mt", "api_key": " k ", "read_timeout": "2.5", "max_items": "7"}
    )
    assert settings.api_key == "k"
    assert settings.timeout == (3.05, 2.5)
    assert settings.max_items == 7


def test_settings_accept_one_timeout_or_a_pair_and_base_url():
    one = LibreTranslateSettings.from_mapping({"base_url": "http://mt", "timeout": 4})
    assert one.url == "http://mt"
    assert one.timeout == (4.0, 4.0)
    pair = LibreTranslateSettings.from_mapping({"url": "http://mt", "timeout": [1, 9]})
    assert pair.timeout == (1.0, 9.0)
    override = LibreTranslateSettings.from_mapping(
        {"url": "http://mt", "timeout": [1, 9], "read_timeout": 0.3}
    )
    assert override.timeout == (1.0, 0.3)


@pytest.mark.parametrize(
    "bad",
    [
        {"max_items": 0},
        {"read_timeout": "soon"},
        {"max_chars": -1},
        {"timeout": [1, 2, 3]},
        {"timeout": "never"},
        {"timeout": [1, 0]},
    ],
)
def test_invalid_settings_are_a_configuration_error(bad):
    with pytest.raises(ProviderNotConfigured) as caught:
        LibreTranslateSettings.from_mapping({"url": "http://mt", **bad})
    assert caught.value.code == "invalid_settings"

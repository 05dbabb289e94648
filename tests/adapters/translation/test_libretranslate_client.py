"""LibreTranslate client against the simulator: batches, limits and every failure mode."""

from __future__ import annotations

import time

import pytest

from adapters.errors import AdapterError, BadResponse, ProviderUnavailable, Rejected
from adapters.translation.libretranslate import LibreTranslateClient
from simulators.base import Fault
from simulators.libretranslate import LibreTranslateSimulator, romanized


def test_translates_a_batch_in_order(simulator, make_client):
    client = make_client(simulator)
    result = client.translate_batch(["红色", "颜色", "连衣裙"], "zh_Hans", "vi_VN")
    assert result == ["Đỏ", "Màu sắc", "Váy liền"]
    assert simulator.translate_calls == [
        {"q": ["红色", "颜色", "连衣裙"], "source": "zh", "target": "vi", "format": "text"}
    ]


def test_unknown_text_comes_back_marked_with_the_target(simulator, make_client):
    client = make_client(simulator)
    # Marked with the target, and with no Chinese left (a real service answers in kk).
    assert client.translate("纯棉短袖T恤", "zh_Hans", "kk_KZ") == f"[kk] {romanized('纯棉短袖T恤')}"


def test_each_market_locale_reaches_its_language(simulator, make_client):
    client = make_client(simulator)
    for locale, expected in [
        ("vi_VN", "Đỏ"),
        ("kk_KZ", "Қызыл"),
        ("ru_KZ", "Красный"),
        ("uz_UZ", "Qizil"),
        ("th_TH", "สีแดง"),
        ("ms_MY", "Merah"),
        ("en", "Red"),
    ]:
        assert client.translate("红色", "zh_Hans", locale) == expected


def test_large_batches_are_split_by_item_count(simulator, make_client):
    client = make_client(simulator, max_items=2)
    texts = [f"商品{i}" for i in range(5)]
    result = client.translate_batch(texts, "zh_Hans", "ru_KZ")
    assert result == [f"[ru] {romanized(f'商品{i}')}" for i in range(5)]
    assert [len(call["q"]) for call in simulator.translate_calls] == [2, 2, 1]


def test_large_batches_are_split_by_characters_under_the_server_limit(make_client):
    with LibreTranslateSimulator(char_limit=10) as sim:
        client = make_client(sim, max_chars=10)
        texts = ["一二三四五六", "七八九十", "甲乙丙"]
        translated = client.translate_batch(texts, "zh_Hans", "en")
        assert translated == [f"[en] {romanized(t)}" for t in texts]
        assert [call["q"] for call in sim.translate_calls] == [
            ["一二三四五六", "七八九十"],
            ["甲乙丙"],
        ]


def test_over_the_server_limit_is_rejected_as_limit_exceeded(make_client):
    with LibreTranslateSimulator(batch_limit=2) as sim:
        client = make_client(sim, max_items=3)
        with pytest.raises(Rejected) as caught:
            client.translate_batch(["一", "二", "三"], "zh_Hans", "en")
    assert caught.value.code == "limit_exceeded"


def test_blank_and_repeated_texts_are_not_sent_twice(simulator, make_client):
    client = make_client(simulator)
    result = client.translate_batch(["红色", "", "  ", "红色", "颜色"], "zh_Hans", "en")
    assert result == ["Red", "", "  ", "Red", "Color"]
    assert simulator.translate_calls[0]["q"] == ["红色", "颜色"]


def test_nothing_to_translate_makes_no_call(simulator, make_client):
    client = make_client(simulator)
    assert client.translate_batch([], "zh_Hans", "vi_VN") == []
    assert client.translate_batch([" "], "zh_Hans", "vi_VN") == [" "]
    assert client.translate_batch(["hello"], "en_US", "en") == ["hello"]
    assert simulator.requests == []


def test_languages_lists_the_server_models(simulator, make_client):
    languages = make_client(simulator).languages()
    codes = {lang.code for lang in languages}
    assert {"zh-Hans", "vi", "kk", "ru", "uz", "th", "ms", "en"} <= codes


def test_unsupported_language_is_rejected(make_client):
    with LibreTranslateSimulator(languages={"zh": "Chinese", "en": "English"}) as sim:
        with pytest.raises(Rejected) as caught:
            make_client(sim).translate("红色", "zh_Hans", "kk_KZ")
    assert caught.value.code == "unsupported_language"
    assert caught.value.transient is False


def test_unavailable_pair_is_rejected(make_client):
    with LibreTranslateSimulator(missing_pairs=[("zh", "uz")]) as sim:
        with pytest.raises(Rejected) as caught:
            make_client(sim).translate("红色", "zh_Hans", "uz_UZ")
    assert caught.value.code == "unsupported_language"


def test_api_key_is_sent_when_configured(keyed_simulator, make_client):
    client = make_client(keyed_simulator, api_key="right-key")
    assert client.translate("红色", "zh_Hans", "en") == "Red"


def test_wrong_api_key_is_a_permanent_bad_api_key(keyed_simulator, make_client):
    client = make_client(keyed_simulator, api_key="wrong-key")
    with pytest.raises(AdapterError) as caught:
        client.translate("红色", "zh_Hans", "en")
    assert caught.value.code == "bad_api_key"
    assert caught.value.transient is False


def test_missing_api_key_where_one_is_required_is_bad_api_key(keyed_simulator, make_client):
    with pytest.raises(AdapterError) as caught:
        make_client(keyed_simulator).translate("红色", "zh_Hans", "en")
    assert caught.value.code == "bad_api_key"
    assert caught.value.transient is False


def test_rate_limit_is_transient_with_retry_after(simulator, make_client):
    simulator.slow_down(retry_after=7)
    with pytest.raises(ProviderUnavailable) as caught:
        make_client(simulator).translate("红色", "zh_Hans", "en")
    assert caught.value.code == "rate_limited"
    assert caught.value.transient is True
    assert caught.value.retry_after == 7.0


def test_rate_limit_without_retry_after_header(simulator, make_client):
    simulator.slow_down()
    with pytest.raises(ProviderUnavailable) as caught:
        make_client(simulator).translate("红色", "zh_Hans", "en")
    assert caught.value.code == "rate_limited"
    assert caught.value.retry_after is None


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_transient(simulator, make_client, status):
    simulator.fail(status)
    with pytest.raises(ProviderUnavailable) as caught:
        make_client(simulator).translate("红色", "zh_Hans", "en")
    assert caught.value.code == "server_error"
    assert caught.value.transient is True


def test_a_slow_server_fails_fast_with_timeout(simulator, make_client):
    simulator.inject(Fault(kind="timeout", seconds=1.0, path="/translate"))
    client = make_client(simulator, read_timeout=0.3)
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable) as caught:
        client.translate("红色", "zh_Hans", "en")
    elapsed = time.monotonic() - started
    assert caught.value.code == "timeout"
    assert caught.value.transient is True
    assert elapsed < 0.9


def test_garbage_answer_is_bad_response(simulator, make_client):
    simulator.inject(Fault(kind="garbage", path="/translate"))
    with pytest.raises(BadResponse):
        make_client(simulator).translate("红色", "zh_Hans", "en")


def test_too_few_translations_is_bad_response(simulator, make_client):
    simulator.inject(Fault(kind="garbage", body='{"translatedText": ["Red"]}', path="/translate"))
    with pytest.raises(BadResponse) as caught:
        make_client(simulator).translate_batch(["红色", "颜色"], "zh_Hans", "en")
    assert "sent 2" in caught.value.message


def test_dropped_connection_is_transient(simulator, make_client):
    simulator.inject(Fault(kind="drop_after", path="/translate"))
    with pytest.raises(ProviderUnavailable) as caught:
        make_client(simulator).translate("红色", "zh_Hans", "en")
    assert caught.value.transient is True


def test_languages_garbage_is_bad_response(simulator, make_client):
    simulator.inject(Fault(kind="garbage", path="/languages"))
    with pytest.raises(BadResponse):
        make_client(simulator).languages()


def test_nothing_listening_is_connection_failed():
    with LibreTranslateSimulator() as sim:
        url = sim.url
    client = LibreTranslateClient.from_settings({"url": url, "connect_timeout": 0.5})
    with pytest.raises(ProviderUnavailable) as caught:
        client.translate("红色", "zh_Hans", "en")
    assert caught.value.code == "connection_failed"

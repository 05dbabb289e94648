"""The simulator answers like the real LibreTranslate API, so the client is tested honestly."""

from __future__ import annotations

import requests

from simulators.libretranslate import LibreTranslateSimulator


def post(sim, **kwargs):
    return requests.post(f"{sim.url}/translate", timeout=5, **kwargs)


def test_json_string_q_answers_a_string(simulator):
    answer = post(simulator, json={"q": "红色", "source": "zh", "target": "vi"})
    assert answer.status_code == 200
    assert answer.json() == {"translatedText": "Đỏ"}


def test_json_list_q_answers_a_list(simulator):
    answer = post(simulator, json={"q": ["红色", "颜色"], "source": "zh-Hans", "target": "en"})
    assert answer.json() == {"translatedText": ["Red", "Color"]}


def test_form_body_is_accepted(simulator):
    answer = post(simulator, data={"q": "你好", "source": "zh", "target": "ru", "format": "text"})
    assert answer.json() == {"translatedText": "Привет"}


def test_auto_source_reports_the_detected_language(simulator):
    answer = post(simulator, json={"q": "红色", "source": "auto", "target": "th"}).json()
    assert answer["translatedText"] == "สีแดง"
    assert answer["detectedLanguage"]["language"] == "zh-Hans"


def test_missing_parameter_is_400_with_error(simulator):
    answer = post(simulator, json={"q": "红色", "source": "zh"})
    assert answer.status_code == 400
    assert answer.json() == {"error": "Invalid request: missing target parameter"}


def test_unknown_target_is_400(simulator):
    answer = post(simulator, json={"q": "红色", "source": "zh", "target": "xx"})
    assert answer.status_code == 400
    assert answer.json()["error"] == "xx is not supported"


def test_unavailable_pair_is_400():
    with LibreTranslateSimulator(missing_pairs=[("zh", "kk")]) as sim:
        answer = post(sim, json={"q": "红色", "source": "zh", "target": "kk"})
        languages = requests.get(f"{sim.url}/languages", timeout=5).json()
    assert answer.status_code == 400
    assert "not available as a target language" in answer.json()["error"]
    chinese = next(lang for lang in languages if lang["code"] == "zh-Hans")
    assert "kk" not in chinese["targets"]


def test_unknown_format_is_400(simulator):
    answer = post(simulator, json={"q": "红色", "source": "zh", "target": "en", "format": "md"})
    assert answer.status_code == 400


def test_api_key_is_checked(keyed_simulator):
    body = {"q": "红色", "source": "zh", "target": "en"}
    assert post(keyed_simulator, json={**body, "api_key": "nope"}).status_code == 403
    assert post(keyed_simulator, json=body).status_code == 400
    assert post(keyed_simulator, json={**body, "api_key": "right-key"}).status_code == 200


def test_languages_use_iso_codes(simulator):
    languages = requests.get(f"{simulator.url}/languages", timeout=5).json()
    codes = [lang["code"] for lang in languages]
    assert "zh-Hans" in codes
    assert "zh" not in codes
    assert all({"code", "name", "targets"} <= set(lang) for lang in languages)


def test_slow_down_answers_429_with_retry_after(simulator):
    simulator.slow_down(retry_after=3)
    answer = post(simulator, json={"q": "红色", "source": "zh", "target": "en"})
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "3"
    assert answer.json()["error"].startswith("Slowdown")

"""The simulator holds requests to LibreTranslate's documented shape and counts them."""

from __future__ import annotations

import requests


def post(sim, **kwargs):
    return requests.post(f"{sim.url}/translate", timeout=5, **kwargs)


def test_every_translate_request_is_counted_answered_or_refused(simulator):
    post(simulator, json={"q": ["红色", "颜色"], "source": "zh", "target": "vi"})
    post(simulator, json={"q": ["红色", 3], "source": "zh", "target": "vi"})
    assert simulator.translate_request_count() == 2
    assert len(simulator.translate_calls) == 1


def test_alternatives_must_be_a_small_integer(simulator):
    bad = post(simulator, json={"q": "红色", "source": "zh", "target": "vi", "alternatives": "x"})
    assert bad.status_code == 400 and "alternatives" in bad.json()["error"]
    many = post(simulator, json={"q": "红色", "source": "zh", "target": "vi", "alternatives": 9})
    assert many.status_code == 400
    ok = post(simulator, json={"q": "红色", "source": "zh", "target": "vi", "alternatives": 0})
    assert ok.status_code == 200


def test_an_empty_batch_is_refused(simulator):
    answer = post(simulator, json={"q": [], "source": "zh", "target": "vi"})
    assert answer.status_code == 400 and "q" in answer.json()["error"]


def test_placeholders_pass_through_unless_the_engine_mangles_them(simulator):
    body = {"q": ["[[1]]垃圾袋"], "source": "zh", "target": "vi"}
    assert "[[1]]" in post(simulator, json=body).json()["translatedText"][0]
    simulator.mangles_placeholders = True
    mangled = post(simulator, json=body).json()["translatedText"][0]
    assert "[[1]]" not in mangled and "[1]" in mangled

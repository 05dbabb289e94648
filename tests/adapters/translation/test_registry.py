"""Choosing the translation provider from configuration."""

from __future__ import annotations

import pytest

from adapters.errors import ProviderNotConfigured
from adapters.translation import PROVIDERS, build_translator
from adapters.translation.libretranslate import LibreTranslateClient


def test_libretranslate_is_the_default_provider():
    translator = build_translator({"url": "http://mt.invalid:5000", "api_key": "k"})
    assert isinstance(translator, LibreTranslateClient)
    assert translator.settings.api_key == "k"


def test_provider_is_chosen_by_name():
    translator = build_translator({"provider": "LibreTranslate", "url": "http://mt.invalid"})
    assert translator.name == "libretranslate"
    assert "libretranslate" in PROVIDERS


@pytest.mark.parametrize("settings", [None, {}, {"provider": "libretranslate", "url": ""}])
def test_no_url_means_not_configured(settings):
    with pytest.raises(ProviderNotConfigured) as caught:
        build_translator(settings)
    assert caught.value.code == "not_configured"
    assert caught.value.transient is False


def test_unknown_provider_is_not_configured():
    with pytest.raises(ProviderNotConfigured) as caught:
        build_translator({"provider": "babelfish", "url": "http://x"})
    assert caught.value.code == "unknown_provider"


def test_building_makes_no_request():
    # An unroutable URL is fine: nothing is contacted until translate_batch.
    build_translator({"url": "http://mt.invalid:1"})

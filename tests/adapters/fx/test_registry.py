from __future__ import annotations

import pytest

from adapters.errors import ProviderNotConfigured
from adapters.fx import PROVIDERS, FxProvider, build_provider
from adapters.fx.base import DEFAULT_DEADLINE
from adapters.fx.ecb import DEFAULT_BASES
from adapters.http import DEFAULT_TIMEOUT


def test_providers_are_registered_by_name():
    assert set(PROVIDERS) == {"nbk", "vietcombank", "ecb", "snapshot"}


@pytest.mark.parametrize("name", ["nbk", "vietcombank", "ecb", "snapshot"])
def test_each_provider_builds_with_defaults_and_has_its_name(name):
    provider = build_provider(name, {})
    assert provider.name == name
    assert isinstance(provider, FxProvider)


@pytest.mark.parametrize("name", ["nbk", "vietcombank", "ecb"])
def test_http_providers_take_url_and_timeouts_from_settings(name):
    settings = {"base_url": "http://127.0.0.1:9", "connect_timeout": "0.5", "read_timeout": 2}
    provider = build_provider(name, settings)
    assert provider.base_url == "http://127.0.0.1:9"
    assert provider.timeout == (0.5, 2.0)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"timeout": 10.0}, (10.0, 10.0)),
        ({"timeout": [2, 8]}, (2.0, 8.0)),
        ({"timeout": 10.0, "connect_timeout": 1}, (1.0, 10.0)),
    ],
)
def test_timeout_setting_forms(settings, expected):
    assert build_provider("vietcombank", settings).timeout == expected


def test_url_alias_and_empty_url_keep_working():
    assert build_provider("nbk", {"url": "http://127.0.0.1:9"}).base_url == "http://127.0.0.1:9"
    assert build_provider("nbk", {"url": None}).base_url == "https://nationalbank.kz"


@pytest.mark.parametrize("name", ["nbk", "vietcombank", "ecb"])
def test_http_providers_take_a_total_deadline_from_settings(name):
    assert build_provider(name, {"deadline": "2.5"}).deadline == 2.5
    assert build_provider(name, {"deadline": None}).deadline == DEFAULT_DEADLINE
    with pytest.raises(ValueError):
        build_provider(name, {"deadline": 0})


def test_timeouts_default_to_the_shared_ones():
    assert build_provider("nbk", {}).timeout == DEFAULT_TIMEOUT


def test_provider_specific_settings():
    assert build_provider("vietcombank", {"rate_field": "Transfer"}).field == "Transfer"
    assert build_provider("ecb", {"bases": ["CNY"]}).bases == ("CNY",)
    assert build_provider("ecb", {}).bases == DEFAULT_BASES
    with pytest.raises(ValueError):
        build_provider("vietcombank", {"rate_field": "Mid"})


def test_unknown_provider_is_not_configured():
    with pytest.raises(ProviderNotConfigured) as caught:
        build_provider("oanda", {})
    assert caught.value.code == "not_configured"
    assert caught.value.transient is False

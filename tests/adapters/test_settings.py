"""Adapter settings from configuration: types, defaults, required fields."""

from __future__ import annotations

import pytest

from adapters.carriers.cdek import CdekSettings
from adapters.carriers.ghn import GhnSettings
from adapters.errors import ProviderNotConfigured
from adapters.http import DEFAULT_TIMEOUT
from adapters.warehouses.consolidation import WarehouseSettings


def test_settings_convert_by_type_and_strip_the_url():
    settings = CdekSettings.from_mapping(
        {
            "url": "http://cdek/",
            "client_id": "id",
            "client_secret": "secret",
            "tariff_code": "139",
            "shipment_point": "",
            "timeout": [1, 4],
            "poll_interval": "0.25",
            "sandbox": True,
        }
    )
    assert settings.url == "http://cdek"
    assert settings.tariff_code == 139
    assert settings.shipment_point is None
    assert settings.timeout == (1.0, 4.0)
    assert settings.poll_interval == 0.25
    assert settings.poll_attempts == 6
    assert settings.sandbox is True


def test_unset_or_empty_values_keep_the_defaults():
    settings = GhnSettings.from_mapping(
        {"url": "http://ghn", "token": "t", "shop_id": 885, "service_type_id": None}
    )
    assert settings.shop_id == "885"
    assert settings.service_type_id == 2
    assert settings.timeout == DEFAULT_TIMEOUT
    assert settings.sandbox is False


def test_missing_required_settings_are_named():
    with pytest.raises(ProviderNotConfigured) as caught:
        WarehouseSettings.from_mapping({"url": "http://wh", "api_key": ""})
    assert caught.value.code == "not_configured"
    assert "api_key, warehouse_code" in str(caught.value)

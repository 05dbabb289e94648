"""The carrier and warehouse simulators: registries, unique references, faults, chaos."""

from __future__ import annotations

import pytest
import requests

from adapters.carriers.base import DuplicateReference
from adapters.carriers.ghn import GhnAdapter
from adapters.errors import ProviderUnavailable
from simulators.ghn import GhnSimulator
from simulators.parcel import simple_pdf
from tests.fulfilment.sample_requests import vn_request


def _ghn(simulator, timeout=(1.0, 1.0)) -> GhnAdapter:
    return GhnAdapter.from_settings(
        {
            "url": simulator.url,
            "token": simulator.token,
            "shop_id": simulator.shop_id,
            "timeout": list(timeout),
        }
    )


def test_ghn_refuses_a_second_order_under_one_client_code(ghn_sim):
    adapter = _ghn(ghn_sim)
    adapter.create(vn_request())
    with pytest.raises(DuplicateReference):
        adapter.create(vn_request())
    assert ghn_sim.parcel_counts() == {"CBC-42-ghn-1": 1}
    assert ghn_sim.duplicates_refused == 1


def test_without_unique_references_a_resend_makes_a_second_parcel():
    with GhnSimulator(unique_references=False) as simulator:
        adapter = _ghn(simulator)
        adapter.create(vn_request())
        adapter.create(vn_request())
        assert simulator.parcel_counts() == {"CBC-42-ghn-1": 2}


def test_timeout_after_acting_creates_the_parcel_then_answers_late(ghn_sim):
    ghn_sim.act_then_time_out(seconds=1.5)
    with pytest.raises(ProviderUnavailable) as caught:
        _ghn(ghn_sim, timeout=(1.0, 0.5)).create(vn_request())
    assert caught.value.code == "timeout"
    assert ghn_sim.parcel_counts() == {"CBC-42-ghn-1": 1}
    assert _ghn(ghn_sim).lookup("CBC-42-ghn-1").external_ref


def test_rate_limit_answers_429_with_retry_after(ghn_sim):
    ghn_sim.slow_down(retry_after=3)
    with pytest.raises(ProviderUnavailable) as caught:
        _ghn(ghn_sim).create(vn_request())
    assert (caught.value.code, caught.value.retry_after) == ("rate_limited", 3.0)
    assert ghn_sim.parcel_counts() == {}


def test_chaos_hits_about_the_asked_share_of_creates(ghn_sim):
    ghn_sim.chaos(0.3, kinds=("server_error", "rate_limited"), seed=3)
    adapter = _ghn(ghn_sim)
    failures = 0
    for number in range(200):
        request = vn_request()
        request = type(request)(**{**request.__dict__, "key": f"K-{number}"})
        try:
            adapter.create(request)
        except ProviderUnavailable:
            failures += 1
    assert 40 <= failures <= 80
    assert sum(ghn_sim.parcel_counts().values()) == 200 - failures


def test_cdek_tokens_can_be_revoked(cdek_sim):
    token = requests.post(
        f"{cdek_sim.url}/v2/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": cdek_sim.client_id,
            "client_secret": cdek_sim.client_secret,
        },
        timeout=5,
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    url = f"{cdek_sim.url}/v2/orders?im_number=X"
    assert requests.get(url, headers=headers, timeout=5).status_code == 404
    cdek_sim.expire_tokens()
    assert requests.get(url, headers=headers, timeout=5).status_code == 401


def test_warehouse_checks_its_api_key_and_the_note(warehouse_sim):
    url = f"{warehouse_sim.url}/v1/inbound-notes"
    assert requests.post(url, json={}, timeout=5).status_code == 401
    headers = {"Authorization": f"Bearer {warehouse_sim.api_key}"}
    answer = requests.post(url, json={"reference": "R1"}, headers=headers, timeout=5)
    assert answer.status_code == 422
    assert {"warehouse_code", "box_count", "lines"} <= set(answer.json()["error"]["fields"])


def test_simple_pdf_is_a_pdf():
    data = simple_pdf([["Box 1 of 2", "Nguyễn"], ["Box 2 of 2"]])
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert data.count(b"/Type /Page ") == 2

"""The one HTTP call: failures before sending are told apart from failures after it."""

from __future__ import annotations

import pytest
import requests

from adapters.errors import OutcomeUnknown, ProviderUnavailable, ProviderUnreachable
from adapters.http import DEFAULT_TIMEOUT, make_session, parse_timeout, send
from simulators.base import Fault
from simulators.ghn import GhnSimulator

DETAIL = "/shiip/public-api/v2/shipping-order/detail"


@pytest.fixture(scope="module")
def simulator():
    with GhnSimulator() as running:
        yield running


@pytest.fixture
def ghn(simulator):
    simulator.reset()
    return simulator


def _post(url: str, timeout=(1.0, 2.0)):
    return send(make_session(), "POST", url, provider="ghn", timeout=timeout, json={})


def test_nothing_listening_is_unreachable_and_nothing_was_sent():
    with GhnSimulator() as stopped:
        url = stopped.url + DETAIL
    with pytest.raises(ProviderUnreachable) as caught:
        _post(url)
    assert caught.value.code == "connection_failed" and caught.value.transient
    assert "nothing was sent" in caught.value.message
    assert isinstance(caught.value, ProviderUnavailable)  # callers catching that still do


def test_unknown_host_is_unreachable():
    with pytest.raises(ProviderUnreachable):
        _post("http://carrier.invalid" + DETAIL)


def test_connection_dropped_after_sending_is_an_unknown_outcome(ghn):
    ghn.act_then_drop(path=DETAIL)
    with pytest.raises(OutcomeUnknown) as caught:
        _post(ghn.url + DETAIL)
    assert caught.value.code == "connection_dropped" and caught.value.transient
    assert "may have acted" in caught.value.message
    assert ghn.requests == [("POST", DETAIL + "?")]  # it did reach the service


def test_no_answer_in_time_is_an_unknown_outcome(ghn):
    ghn.inject(Fault(kind="timeout", seconds=1.0, path=DETAIL))
    with pytest.raises(OutcomeUnknown) as caught:
        _post(ghn.url + DETAIL, timeout=(1.0, 0.2))
    assert caught.value.code == "timeout"


def test_connect_timeout_is_unreachable():
    class Unconnectable:
        def request(self, method, url, **kwargs):
            raise requests.ConnectTimeout("connect timed out")

    with pytest.raises(ProviderUnreachable) as caught:
        send(Unconnectable(), "GET", "http://carrier.example/", provider="ghn")
    assert caught.value.code == "connect_timeout"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, DEFAULT_TIMEOUT),
        ("", DEFAULT_TIMEOUT),
        (3, (3.0, 3.0)),
        ("2.5", (2.5, 2.5)),
        ("3.05, 10", (3.05, 10.0)),
        ([1, 4], (1.0, 4.0)),
        ((0.5, 0.25), (0.5, 0.25)),
    ],
)
def test_parse_timeout_reads_one_number_or_a_pair(raw, expected):
    assert parse_timeout(raw) == expected


@pytest.mark.parametrize("raw", ["x", "1,2,3", [1], [1, 2, 3], 0, "-1", [1, 0], "nan", object()])
def test_parse_timeout_refuses_anything_else(raw):
    with pytest.raises(ValueError):
        parse_timeout(raw)

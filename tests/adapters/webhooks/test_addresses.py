"""Where webhooks may go: public https only; this machine only in development; the
address a name resolves to is checked again on the socket (DNS rebinding)."""

from __future__ import annotations

import pytest

from adapters.webhooks import client
from adapters.webhooks.addresses import UnsafeAddress, address_allowed, check_url
from tests.seller_hooks.receiver import Receiver


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://shop.example/hooks", "https_required"),
        ("https://10.0.0.7/hooks", "address_internal"),
        ("https://192.168.1.20/hooks", "address_internal"),
        ("https://172.16.4.4/hooks", "address_internal"),
        ("https://169.254.169.254/latest/meta-data", "address_internal"),
        ("https://100.64.0.1/hooks", "address_internal"),
        ("https://[::ffff:10.0.0.7]/hooks", "address_internal"),
        ("https://[fd00::1]/hooks", "address_internal"),
        ("https://[fe80::1]/hooks", "address_internal"),
        ("https://0.0.0.0/hooks", "address_internal"),
        ("https://127.0.0.1/hooks", "address_internal"),
        ("http://localhost:9000/hooks", "address_internal"),
        ("https://api.localhost/hooks", "address_internal"),
        ("https://metadata.google.internal/computeMetadata", "address_internal"),
        ("https://printer.local/hooks", "address_internal"),
        ("https://intranet/hooks", "address_internal"),
        ("https://user:pw@shop.example/hooks", "url_credentials"),
        ("ftp://shop.example/hooks", "url_invalid"),
        ("https:///hooks", "url_invalid"),
        ("https://shop.example:99999/hooks", "url_invalid"),
        ("https://shop.example/ho oks", "url_invalid"),
    ],
)
def test_internal_and_plain_addresses_are_refused(url, code):
    with pytest.raises(UnsafeAddress) as refused:
        check_url(url, allow_local=False)
    assert refused.value.code == code


@pytest.mark.parametrize(
    "url",
    ["https://shop.example/hooks", "https://93.184.215.14:8443/h", "https://[2606:4700::1]/h"],
)
def test_public_https_addresses_are_allowed(url):
    check_url(url, allow_local=False)


def test_development_allows_this_machine_over_http_but_no_private_network():
    check_url("http://127.0.0.1:8800/hooks", allow_local=True)
    check_url("http://localhost:8800/hooks", allow_local=True)
    check_url("http://[::1]:8800/hooks", allow_local=True)
    with pytest.raises(UnsafeAddress):
        check_url("http://10.0.0.7/hooks", allow_local=True)
    with pytest.raises(UnsafeAddress):
        check_url("http://shop.example/hooks", allow_local=True)
    assert not address_allowed("192.168.0.1", allow_local=True)


def test_socket_reaching_an_internal_address_sends_nothing(monkeypatch):
    """A name that passed the check but resolves inside at send time (DNS rebinding)."""
    with Receiver() as receiver:
        monkeypatch.setattr(client, "check_url", lambda url, allow_local: None)
        result = client.post(
            client.make_session(allow_local=False),
            receiver.url,
            b"{}",
            {},
            allow_local=False,
        )
    assert result.error_code == "address_internal" and result.status_code is None
    assert receiver.received == []

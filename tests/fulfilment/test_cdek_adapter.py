"""CDEK: OAuth token, asynchronous orders, errors, webhooks, labels (Karrio style)."""

from __future__ import annotations

import pytest

from adapters.carriers import cdek
from adapters.carriers.base import (
    AddressRejected,
    AuthFailed,
    AwaitingService,
    Booking,
    DuplicateReference,
    MemoryTokenStore,
)
from adapters.errors import BadResponse
from tests.fulfilment.sample_requests import kz_request
from tests.fulfilment.support import RecordingSession, fixture

SETTINGS = cdek.CdekSettings(
    url="https://api.cdek.ru",
    client_id="client-1",
    client_secret="secret-1",
    shipment_point="ALA15",
    poll_interval=0,
)
UUID = "72753031-3fe8-4b1a-9a2c-7e8a3b9b0a11"


def _adapter(*answers, store=None):
    session = RecordingSession(*answers)
    adapter = cdek.CdekAdapter(SETTINGS, session=session, token_store=store, sleep=lambda s: None)
    return adapter, session


def test_build_order_request():
    body = cdek.build_order(kz_request(), SETTINGS)
    assert body == fixture("cdek/order_request.json")
    assert body["type"] == 1 and body["number"] == "CBC-43-cdek-1"


def test_build_token_request():
    assert cdek.build_token_request(SETTINGS) == {
        "grant_type": "client_credentials",
        "client_id": "client-1",
        "client_secret": "secret-1",
    }


def test_order_url_token_and_bearer_header():
    adapter, session = _adapter(
        (200, fixture("cdek/token_response.json")), (202, fixture("cdek/order_accepted.json"))
    )
    booking = adapter.create(kz_request())
    token_call, order_call = session.calls
    assert token_call["url"] == "https://api.cdek.ru/v2/oauth/token"
    assert token_call["data"]["grant_type"] == "client_credentials"
    assert order_call["url"] == "https://api.cdek.ru/v2/orders"
    assert order_call["headers"] == {"Authorization": "Bearer eyJhbGciOiJSUzI1NiJ9.sandbox.sig"}
    assert booking.pending and booking.external_ref == UUID and booking.tracking_number is None


def test_token_is_cached_until_expiry_and_refreshed_on_401():
    store = MemoryTokenStore()
    adapter, session = _adapter(
        (200, fixture("cdek/token_response.json")),
        (200, fixture("cdek/order_successful.json")),
        (200, fixture("cdek/order_successful.json")),
        (401, {"error": "invalid_token"}),
        (200, {**fixture("cdek/token_response.json"), "access_token": "fresh"}),
        (200, fixture("cdek/order_successful.json")),
        store=store,
    )
    for _ in range(3):
        adapter.lookup("", UUID)
    urls = [call["url"].rsplit("/", 2)[-2:] for call in session.calls]
    assert urls.count(["oauth", "token"]) == 2
    assert store.get(SETTINGS.token_name) == "fresh"
    assert session.calls[-1]["headers"] == {"Authorization": "Bearer fresh"}


def test_bad_credentials_are_permanent():
    adapter, _ = _adapter((401, fixture("cdek/token_error.json")))
    with pytest.raises(AuthFailed) as caught:
        adapter.create(kz_request())
    assert not caught.value.transient and "Bad client credentials" in caught.value.message


def test_parse_successful_order():
    booking = cdek.parse_order(200, fixture("cdek/order_successful.json"))
    assert not booking.pending
    assert (booking.external_ref, booking.tracking_number) == (UUID, "1106207236")
    assert booking.status == "RECEIVED_AT_SHIPMENT_WAREHOUSE"
    events = cdek.tracking_events(booking)
    assert [e.status for e in events] == ["ACCEPTED", "CREATED", "RECEIVED_AT_SHIPMENT_WAREHOUSE"]
    assert [e.state for e in events] == ["submitted", "submitted", "in_transit"]


def test_parse_invalid_order_errors():
    with pytest.raises(AddressRejected) as caught:
        cdek.parse_order(200, fixture("cdek/order_invalid_location.json"))
    assert "v2_recipient_location_not_recognized" in caught.value.message
    with pytest.raises(DuplicateReference):
        cdek.parse_order(200, fixture("cdek/order_invalid_duplicate.json"))
    with pytest.raises(BadResponse):
        cdek.parse_order(200, {"requests": []})


def test_lookup_by_number_url_and_not_found():
    adapter, session = _adapter(
        (200, fixture("cdek/token_response.json")), (404, fixture("cdek/not_found.json"))
    )
    assert adapter.lookup("CBC-43-cdek-1") is None
    assert session.calls[1]["url"] == "https://api.cdek.ru/v2/orders"
    assert session.calls[1]["params"] == {"im_number": "CBC-43-cdek-1"}
    # An order CDEK refused is no parcel: nothing to reconcile with.
    assert cdek.parse_lookup(200, fixture("cdek/order_invalid_location.json")) is None


def test_confirm_polls_until_successful_or_gives_up():
    adapter, session = _adapter(
        (200, fixture("cdek/token_response.json")),
        (200, {**fixture("cdek/order_accepted.json"), "entity": {"uuid": UUID}}),
        (200, fixture("cdek/order_successful.json")),
    )
    booking = adapter.confirm(cdek.parse_order(202, fixture("cdek/order_accepted.json")))
    assert booking.tracking_number == "1106207236"
    assert session.calls[-1]["url"] == f"https://api.cdek.ru/v2/orders/{UUID}"
    pending = [(200, {**fixture("cdek/order_accepted.json"), "entity": {"uuid": UUID}})] * 6
    adapter, _ = _adapter((200, fixture("cdek/token_response.json")), *pending)
    with pytest.raises(AwaitingService):
        adapter.confirm(cdek.parse_order(202, fixture("cdek/order_accepted.json")))


def test_label_print_form():
    ready = fixture("cdek/print_ready.json")
    adapter, session = _adapter(
        (200, fixture("cdek/token_response.json")),
        (202, {"entity": {"uuid": ready["entity"]["uuid"]}, "requests": []}),
        (200, ready),
        (200, b"%PDF-1.4 label"),
    )
    [label] = adapter.documents(Booking(external_ref=UUID, tracking_number="1106207236"))
    assert session.calls[1]["json"] == cdek.build_print_request(UUID)
    assert session.calls[3]["url"] == ready["entity"]["url"]
    assert (label.kind, label.content_type, label.filename) == (
        "label",
        "application/pdf",
        "1106207236.pdf",
    )


def test_parse_order_status_webhook():
    [event] = cdek.parse_webhook(fixture("cdek/webhook_order_status.json"))
    assert (event.status, event.state, event.key, event.external_ref, event.tracking_number) == (
        "DELIVERED",
        "delivered",
        "CBC-43-cdek-1",
        UUID,
        "1106207236",
    )
    assert event.occurred_at.isoformat() == "2026-11-28T06:32:12+00:00"
    assert cdek.parse_webhook({"type": "PRINT_FORM", "attributes": {}}) == []
    with pytest.raises(BadResponse):
        cdek.parse_webhook({"type": "ORDER_STATUS", "attributes": {}})


# -- the token cache against the simulator ---------------------------------------------


class FakeClock:
    """Seconds that move only when the test says so: CDEK and our cache share it."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


class RecordingStore(MemoryTokenStore):
    def __init__(self, clock) -> None:
        super().__init__(clock)
        self.ttls: list[int] = []

    def set(self, name: str, value: str, ttl_seconds: int) -> None:
        self.ttls.append(ttl_seconds)
        super().set(name, value, ttl_seconds)


def _live_adapter(simulator, store) -> cdek.CdekAdapter:
    settings = cdek.CdekSettings(
        url=simulator.url,
        client_id=simulator.client_id,
        client_secret=simulator.client_secret,
        timeout=(1.0, 2.0),
    )
    return cdek.CdekAdapter(settings, token_store=store, sleep=lambda s: None)


@pytest.mark.parametrize("expires_in", [1, 6, 20, 45, 60, 300, 3599, 86400])
def test_a_token_is_cached_for_less_than_it_lives(expires_in):
    seconds = cdek.token_cache_seconds(expires_in)
    assert 0 <= seconds < expires_in
    assert seconds == 0 or seconds >= cdek.TOKEN_MIN_CACHE_SECONDS


def test_too_short_lived_a_token_is_not_cached():
    assert cdek.token_cache_seconds(4) == 0


def test_short_lived_tokens_are_never_sent_after_they_expired():
    """CDEK hands out 20-second tokens; calls every 7 seconds never meet a 401."""
    from simulators.cdek import CdekSimulator

    clock = FakeClock()
    with CdekSimulator(token_ttl=20, clock=clock) as simulator:
        store = RecordingStore(clock)
        adapter = _live_adapter(simulator, store)
        for _ in range(9):
            assert adapter.lookup("CBC-1-cdek-1") is None
            clock.now += 7
        order_calls = [p for m, p in simulator.requests if p.startswith("/v2/orders")]
        assert len(order_calls) == 9  # each call made once: none was refused and re-made
        assert 1 < simulator.tokens_issued < 9  # still cached between calls
        assert store.ttls and all(ttl < 20 for ttl in store.ttls)


def test_a_token_cdek_forgot_is_dropped_and_the_call_made_once_more():
    """CDEK restarted (or revoked the token) while our shared cache still held it."""
    from simulators.cdek import CdekSimulator

    clock = FakeClock()
    with CdekSimulator(token_ttl=3600, clock=clock) as simulator:
        store = RecordingStore(clock)
        adapter = _live_adapter(simulator, store)
        adapter.lookup("CBC-1-cdek-1")
        old = store.get(adapter.settings.token_name)
        simulator.expire_tokens()
        assert adapter.lookup("CBC-1-cdek-1") is None
        new = store.get(adapter.settings.token_name)
        assert new and new != old
        assert simulator.tokens_issued == 2
        assert sum(1 for m, p in simulator.requests if p.startswith("/v2/orders")) == 3


def test_a_fresh_token_refused_too_is_auth_failed_without_a_third_try():
    store = MemoryTokenStore()
    adapter, session = _adapter(
        (200, fixture("cdek/token_response.json")),
        (401, {"error": "invalid_token"}),
        (200, {**fixture("cdek/token_response.json"), "access_token": "fresh"}),
        (401, {"error": "invalid_token"}),
        store=store,
    )
    with pytest.raises(AuthFailed) as caught:
        adapter.lookup("", UUID)
    assert not caught.value.transient
    assert len(session.calls) == 4 and store.get(SETTINGS.token_name) is None


def test_an_address_refusal_names_the_field_cdek_objected_to():
    with pytest.raises(AddressRejected) as caught:
        cdek.parse_order(200, fixture("cdek/order_invalid_location.json"))
    assert caught.value.field == "line1"  # the recipient's location: the street address

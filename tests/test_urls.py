"""Absolute links point at the public URL, in a request and outside one (commands, jobs)."""

from __future__ import annotations

from connector.urls import public_url_for

FEED = ("channels_api.channel_feed", {"key": "k3y", "code": "KZ", "fmt": "kaspi"})


def test_a_link_built_outside_a_request_starts_at_the_public_url(app):
    app.config["PUBLIC_URL"] = "https://connector.example/"
    with app.app_context():
        endpoint, values = FEED
        url = public_url_for(endpoint, **values)
        offers = public_url_for("feeds_api.market_offers", code="VN", cursor="abc")
    assert url == "https://connector.example/api/v1/channel-feeds/k3y/KZ/kaspi"
    assert offers.startswith("https://connector.example/api/v1/markets/VN/offers?")
    assert offers.endswith("cursor=abc")


def test_a_link_built_in_a_request_is_the_same_whatever_host_the_client_sent(app):
    app.config["PUBLIC_URL"] = "https://connector.example"
    endpoint, values = FEED
    with app.app_context():
        outside = public_url_for(endpoint, **values)
    with app.test_request_context(base_url="http://attacker.example"):
        inside = public_url_for(endpoint, **values)
    assert inside == outside == "https://connector.example/api/v1/channel-feeds/k3y/KZ/kaspi"


def test_an_app_served_under_a_prefix_links_it_once(app):
    """Behind a proxy that mounts the app under /connector, PUBLIC_URL carries the prefix
    and links name it once, in a request (whose script root is the prefix) and outside."""
    app.config["PUBLIC_URL"] = "https://shop.example/connector"
    endpoint, values = FEED
    with app.app_context():
        outside = public_url_for(endpoint, **values)
    with app.test_request_context("/connector/", base_url="https://shop.example/connector"):
        inside = public_url_for(endpoint, **values)
    assert inside == outside == "https://shop.example/connector/api/v1/channel-feeds/k3y/KZ/kaspi"

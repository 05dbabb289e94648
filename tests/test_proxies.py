"""Behind a load balancer: the trusted hops' X-Forwarded-* headers say who and where."""

from __future__ import annotations

import pytest
from flask import jsonify, request, url_for

from connector import create_app

BALANCER = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "connector.example.com",
}


def host(app, hops: int, **config):
    """A host of the same install, behind ``hops`` trusted proxies."""
    proxied = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": app.config["INSTANCE_PATH"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "REDIS_URL": app.config["REDIS_URL"],
            "TRUSTED_PROXIES": hops,
            **config,
        }
    )

    # What a link built from the request looks like to the app (url_for(_external=True)).
    @proxied.get("/_request_as_seen")
    def seen():
        return jsonify(link=url_for("health.healthz", _external=True), client=request.remote_addr)

    return proxied


def test_one_trusted_hop_shapes_links_from_the_forwarded_scheme_and_host(app):
    seen = host(app, 1).test_client().get("/_request_as_seen", headers=BALANCER).json
    assert seen == {"link": "https://connector.example.com/healthz", "client": "203.0.113.7"}


def test_without_trusted_hops_forwarded_headers_are_ignored(app):
    client = host(app, 0).test_client()
    seen = client.get("/_request_as_seen", headers=BALANCER, base_url="http://backend:8000").json
    assert seen == {"link": "http://backend:8000/healthz", "client": "127.0.0.1"}


@pytest.mark.parametrize(("hops", "second_client_refused"), [(1, False), (0, True)])
def test_unauthenticated_rate_limit_counts_each_client_behind_the_balancer(
    app, hops, second_client_refused
):
    client = host(app, hops, API_RATE_LIMIT="2 per minute").test_client()

    def call(address: str) -> int:
        return client.get("/api/v1/offers/1", headers={"X-Forwarded-For": address}).status_code

    assert [call("203.0.113.7") for _ in range(3)] == [401, 401, 429]
    assert (call("198.51.100.9") == 429) is second_client_refused


def test_a_negative_hop_count_stops_the_app_loudly(tmp_path):
    from connector import config

    with pytest.raises(RuntimeError, match="CONNECTOR_TRUSTED_PROXIES"):
        config.from_environ(
            {"CONNECTOR_INSTANCE_PATH": str(tmp_path), "CONNECTOR_TRUSTED_PROXIES": "-1"}
        )

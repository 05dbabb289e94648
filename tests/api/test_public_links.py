"""Absolute links come from PUBLIC_URL, never from the Host header a client sent."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import bearer
from tests.fulfilment.support import make_offer

PUBLIC = "https://connector.example.com"
FOREIGN = "http://attacker.example"


@pytest.fixture
def public_app(app):
    app.config["PUBLIC_URL"] = PUBLIC + "/"
    return app


def get(client, url: str, token: str):
    return client.get(url, base_url=FOREIGN, headers=bearer(token))


def test_offer_link_is_built_from_the_public_url(public_app, client, ops_token):
    offer_id = make_offer(public_app)
    response = get(client, f"/api/v1/offers/{offer_id}", ops_token)
    assert response.status_code == 200, response.json
    assert response.json["link"] == f"{PUBLIC}/api/v1/offers/{offer_id}"
    assert "attacker" not in response.get_data(as_text=True)


def numbered(app, offer_ids: list[int]) -> None:
    """Give offers written directly the change numbers the feed pages by."""
    from connector.extensions import db
    from connector.models import Offer
    from connector.offers.sequence import take_numbers

    with app.app_context():
        first = take_numbers(len(offer_ids))
        for position, offer_id in enumerate(offer_ids):
            db.session.get(Offer, offer_id).feed_seq = first + position
        db.session.commit()


def test_feed_next_page_link_is_built_from_the_public_url(public_app, client, ops_token):
    numbered(public_app, [make_offer(public_app), make_offer(public_app, supplier="另一家工厂")])
    response = get(client, "/api/v1/markets/VN/offers?limit=1", ops_token)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.headers["Link"].startswith(f"<{PUBLIC}/api/v1/markets/VN/offers?")
    assert "attacker" not in response.get_data(as_text=True)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_image_urls_are_built_from_the_public_url(public_app, client, exporter_token):
    uploaded = client.post(
        "/api/v1/images/",
        base_url=FOREIGN,
        data={"file": (io.BytesIO(png()), "photo.png", "image/png")},
        headers=bearer(exporter_token),
    )
    assert uploaded.status_code == 201, uploaded.json
    sha256 = uploaded.json["sha256"]
    assert uploaded.json["url"] == f"{PUBLIC}/images/{sha256}"

    created = client.post(
        "/api/v1/listings/",
        base_url=FOREIGN,
        json={"title_zh": "杯子", "images": [{"sha256": sha256}]},
        headers=bearer(exporter_token),
    )
    assert created.status_code == 201, created.json
    assert created.json["images"][0]["url"] == f"{PUBLIC}/images/{sha256}"

"""Uploading images: refused at the door when they would blow up a worker or cannot be
read whole, and each factory may use what it uploaded, whoever uploaded the bytes first."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image

from connector.extensions import db
from connector.models import ApiToken, Role, Supplier, User
from tests.conftest import bearer
from tests.jobs.test_thumbnails import png_bytes, run_jobs, upload


def jpeg_bytes(size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def blank_png(width: int, height: int) -> bytes:
    """A valid one-bit PNG of any size, built without holding its pixels in memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def second_exporter_token(app) -> str:
    with app.app_context():
        user = User(
            email="sales@other-factory.example",
            display_name="other",
            role=Role.EXPORTER,
            supplier=Supplier(name="宁波另一家工厂"),
        )
        user.set_password("other-factory-pass")
        token, secret = ApiToken.issue(user, "test")
        db.session.add_all([user, token])
        db.session.commit()
        return secret


def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(client, exporter_token):
    # 10,000 x 10,000 of one colour: a few hundred KB that decode to 100 million pixels.
    big = blank_png(10_000, 10_000)
    assert len(big) < 1024 * 1024
    response = upload(client, exporter_token, big)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "too_many_pixels"
    assert "file" in response.json["error"]["fields"]


def test_the_pixel_limit_is_configurable(app, client, exporter_token):
    app.config["IMAGE_MAX_PIXELS"] = 100 * 100
    assert upload(client, exporter_token, png_bytes((100, 100))).status_code == 201
    refused = upload(client, exporter_token, png_bytes((101, 100)))
    assert refused.status_code == 422 and refused.json["error"]["code"] == "too_many_pixels"


@pytest.mark.parametrize("kind", ["jpeg", "png"])
def test_a_truncated_image_is_refused_at_upload(client, exporter_token, kind):
    whole = jpeg_bytes() if kind == "jpeg" else png_bytes((640, 480))
    response = upload(client, exporter_token, whole[: len(whole) * 2 // 3], f"cut.{kind}")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "not_an_image"
    assert "file" in response.json["error"]["fields"]


def test_a_whole_jpeg_is_kept_and_gets_its_thumbnail(app, client, exporter_token):
    response = upload(client, exporter_token, jpeg_bytes(), "photo.jpg")
    assert response.status_code == 201, response.json
    run_jobs(app)
    assert client.get(f"/images/{response.json['sha256']}/thumb").status_code == 200


def test_two_factories_uploading_the_same_bytes_can_each_use_them(app, client, exporter_token):
    other_token = second_exporter_token(app)
    picture = png_bytes(color=(10, 160, 90))
    first = upload(client, exporter_token, picture)
    second = upload(client, other_token, picture)
    assert first.status_code == 201 and second.status_code == 201
    assert first.json["sha256"] == second.json["sha256"]
    for token in (exporter_token, other_token):
        listing = client.post(
            "/api/v1/listings/",
            json={"title_zh": "同一张图", "images": [{"sha256": second.json["sha256"]}]},
            headers=bearer(token),
        )
        assert listing.status_code == 201, listing.json


def test_a_factory_cannot_use_an_image_only_another_uploaded(app, client, exporter_token):
    other_token = second_exporter_token(app)
    theirs = upload(client, other_token, png_bytes(color=(90, 10, 160))).json["sha256"]
    listing = client.post(
        "/api/v1/listings/",
        json={"title_zh": "别人的图", "images": [{"sha256": theirs}]},
        headers=bearer(exporter_token),
    )
    assert listing.status_code == 422
    assert "images.0.sha256" in listing.json["error"]["fields"]

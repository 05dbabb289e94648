"""Uploads get thumbnails from a background job, even when Redis was down at upload time."""

from __future__ import annotations

import io

from PIL import Image
from rq import SimpleWorker

from connector.services import get_queue, get_redis
from tests.conftest import bearer


def png_bytes(size=(800, 600), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, token, data: bytes, name="photo.png"):
    return client.post(
        "/api/v1/images/",
        data={"file": (io.BytesIO(data), name)},
        headers=bearer(token),
        content_type="multipart/form-data",
    )


def run_jobs(app) -> None:
    with app.app_context():
        SimpleWorker([get_queue()], connection=get_redis()).work(burst=True)


def test_uploaded_image_gets_a_thumbnail_from_the_worker(app, client, exporter_token):
    response = upload(client, exporter_token, png_bytes())
    assert response.status_code == 201, response.json
    sha = response.json["sha256"]
    assert response.json["width"] == 800 and response.json["content_type"] == "image/png"
    assert client.get(f"/images/{sha}/thumb").status_code == 404  # not rendered yet

    run_jobs(app)

    thumb = client.get(f"/images/{sha}/thumb")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert max(Image.open(io.BytesIO(thumb.data)).size) == 320
    original = client.get(f"/images/{sha}")
    assert original.data == png_bytes()

    listing = client.post(
        "/api/v1/listings/",
        json={"title_zh": "带图草稿", "images": [{"sha256": sha}]},
        headers=bearer(exporter_token),
    )
    assert listing.status_code == 201
    image = listing.json["images"][0]
    assert image["thumbnail_url"].endswith(f"/images/{sha}/thumb")


def test_same_bytes_are_stored_once(client, exporter_token):
    first = upload(client, exporter_token, png_bytes(), "a.png").json
    second = upload(client, exporter_token, png_bytes(), "b.png").json
    assert first["sha256"] == second["sha256"]


def test_upload_checks_content_not_name(client, exporter_token):
    fake = upload(client, exporter_token, b"%PDF-1.4 not an image", "photo.png")
    assert fake.status_code == 422
    assert fake.json["error"]["code"] == "not_an_image"
    assert "file" in fake.json["error"]["fields"]

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    bmp = upload(client, exporter_token, buffer.getvalue(), "photo.png")
    assert bmp.status_code == 422 and bmp.json["error"]["code"] == "unsupported_type"


def test_oversized_upload_is_refused(app, client, exporter_token):
    app.config["IMAGE_MAX_BYTES"] = 1000
    response = upload(client, exporter_token, png_bytes((400, 400)) + b"\0" * 2000)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "too_large"


def test_sweep_recovers_thumbnails_lost_while_redis_was_down(app, client, exporter_token):
    run_jobs(app)  # the demo picture's thumbnail, queued when the demo loaded
    real_url = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("redis", None)
    response = upload(client, exporter_token, png_bytes(color=(0, 90, 200)))
    assert response.status_code == 201  # the upload is kept even though Redis is down
    sha = response.json["sha256"]

    app.config["REDIS_URL"] = real_url
    app.extensions.pop("redis")
    from jobs.images import sweep_missing_thumbnails

    with app.app_context():
        assert sweep_missing_thumbnails() == 1
    run_jobs(app)
    assert client.get(f"/images/{sha}/thumb").status_code == 200

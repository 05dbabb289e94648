"""Uploaded product images: checked by content, stored once per SHA-256."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from connector.enqueue import enqueue
from connector.extensions import db
from connector.models import StoredImage

# Formats a marketplace feed accepts; the extension comes from the content, not the name.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
MAX_SIDE_PX = 10_000
THUMB_SIDE_PX = 320

# A small file can still decode to gigapixels; refuse those before decoding.
Image.MAX_IMAGE_PIXELS = 60_000_000


class ImageRejected(ValueError):
    """The upload is not an image we keep; ``message`` is shown beside the field."""

    def __init__(self, code: str, message):
        super().__init__(code)
        self.code = code
        self.message = message


def image_dir() -> Path:
    return Path(current_app.config["IMAGE_DIR"])


def image_path(sha256: str, extension: str) -> Path:
    return image_dir() / sha256[:2] / f"{sha256}.{extension}"


def thumbnail_path(sha256: str) -> Path:
    return image_dir() / sha256[:2] / f"{sha256}.thumb.jpg"


def extension_for(content_type: str) -> str:
    for mime, ext in FORMATS.values():
        if mime == content_type:
            return ext
    raise KeyError(content_type)


def _read_limited(stream, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ImageRejected(
            "too_large",
            _l("This image is larger than %(mb)s MB.", mb=round(limit / 1024 / 1024, 1)),
        )
    return data


def _inspect(data: bytes) -> tuple[str, int, int]:
    if not data:
        raise ImageRejected("empty", _l("The file is empty."))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind, size = probe.format, probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected("not_an_image", _l("This file is not an image we can read.")) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected("too_many_pixels", _l("This image has too many pixels.")) from exc
    if kind not in FORMATS:
        raise ImageRejected("unsupported_type", _l("Upload a JPEG, PNG, WebP or GIF image."))
    width, height = size
    if width > MAX_SIDE_PX or height > MAX_SIDE_PX or width < 1 or height < 1:
        raise ImageRejected("bad_dimensions", _l("Use an image at most 10,000 pixels on a side."))
    return kind, width, height


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_image(stream, supplier_id: int | None) -> StoredImage:
    """Check an uploaded stream and keep it; the same bytes are stored once."""
    data = _read_limited(stream, current_app.config["IMAGE_MAX_BYTES"])
    kind, width, height = _inspect(data)
    digest = hashlib.sha256(data).hexdigest()
    content_type, extension = FORMATS[kind]
    path = image_path(digest, extension)
    if not path.exists():
        _write_atomically(path, data)
    stored = db.session.get(StoredImage, digest)
    if stored is None:
        stored = StoredImage(
            sha256=digest,
            content_type=content_type,
            size_bytes=len(data),
            width=width,
            height=height,
            supplier_id=supplier_id,
        )
        db.session.add(stored)
        db.session.flush()
    return stored


def write_thumbnail(stored: StoredImage) -> Path:
    """Render the listing-page thumbnail of a stored image (idempotent)."""
    source = image_path(stored.sha256, extension_for(stored.content_type))
    target = thumbnail_path(stored.sha256)
    with Image.open(source) as picture:
        picture.thumbnail((THUMB_SIDE_PX, THUMB_SIDE_PX))
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, "JPEG", quality=85)
    _write_atomically(target, buffer.getvalue())
    return target


def enqueue_thumbnail(sha256: str) -> str | None:
    # A fixed job id per image: a second upload of the same bytes while the
    # first job waits does not queue a duplicate.
    return enqueue("jobs.images.make_thumbnail", sha256, job_id=f"thumbnail-{sha256}")

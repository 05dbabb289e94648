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
from connector.models import ImageOwner, StoredImage

# Formats a marketplace feed accepts; the extension comes from the content, not the name.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
MAX_SIDE_PX = 10_000
THUMB_SIDE_PX = 320

# A small file can still decode to gigapixels: uploads are checked against the
# configured IMAGE_MAX_PIXELS from the header alone, before anything is decoded.
# Pillow's own guard stays as a backstop for files stored before that check.
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


def _inspect(data: bytes, max_pixels: int) -> tuple[str, int, int]:
    if not data:
        raise ImageRejected("empty", _l("The file is empty."))
    try:
        # Opening reads the header only: the size is known before any pixel is decoded.
        with Image.open(io.BytesIO(data)) as probe:
            kind, size = probe.format, probe.size
            _check_size(kind, size, max_pixels)
            probe.verify()
        _decode_whole(data)
    except ImageRejected:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRejected("not_an_image", _l("This file is not an image we can read.")) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(max_pixels) from exc
    return kind, size[0], size[1]


def _too_many_pixels(max_pixels: int) -> ImageRejected:
    megapixels = round(max_pixels / 1_000_000, 1)
    return ImageRejected(
        "too_many_pixels",
        _l("This image has too many pixels; use at most %(mp)s megapixels.", mp=megapixels),
    )


def _check_size(kind: str | None, size: tuple[int, int], max_pixels: int) -> None:
    if kind not in FORMATS:
        raise ImageRejected("unsupported_type", _l("Upload a JPEG, PNG, WebP or GIF image."))
    width, height = size
    if width > MAX_SIDE_PX or height > MAX_SIDE_PX or width < 1 or height < 1:
        raise ImageRejected("bad_dimensions", _l("Use an image at most 10,000 pixels on a side."))
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)


def _decode_whole(data: bytes) -> None:
    """Decode every byte, so a cut-off file is refused now rather than in the thumbnail job.

    ``verify()`` checks a PNG's chunks but barely looks into a JPEG. A JPEG is decoded
    at an eighth of its size (its DCT allows it; every byte is still read), keeping the
    memory this costs well below the thumbnail's.
    """
    with Image.open(io.BytesIO(data)) as picture:
        if picture.format == "JPEG":
            picture.draft("RGB", (picture.width // 8 or 1, picture.height // 8 or 1))
        picture.load()


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
    """Check an uploaded stream and keep it; the same bytes are stored once, and every
    factory that uploads them may use them."""
    data = _read_limited(stream, current_app.config["IMAGE_MAX_BYTES"])
    kind, width, height = _inspect(data, current_app.config["IMAGE_MAX_PIXELS"])
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
    if supplier_id is not None and db.session.get(ImageOwner, (digest, supplier_id)) is None:
        db.session.add(ImageOwner(sha256=digest, supplier_id=supplier_id))
        db.session.flush()
    return stored


def usable_image(sha256: str, supplier_id: int) -> StoredImage | None:
    """The stored image if this factory may put it in a listing: it uploaded the bytes
    (or ops did, for everyone); None otherwise, as if it did not exist."""
    stored = db.session.get(StoredImage, sha256)
    if stored is None:
        return None
    if stored.supplier_id is None or db.session.get(ImageOwner, (sha256, supplier_id)):
        return stored
    return None


def write_thumbnail(stored: StoredImage) -> Path:
    """Render the listing-page thumbnail of a stored image (idempotent)."""
    source = image_path(stored.sha256, extension_for(stored.content_type))
    target = thumbnail_path(stored.sha256)
    with Image.open(source) as picture:
        # A JPEG decodes straight at a fraction of its size: far less memory per job.
        picture.draft("RGB", (THUMB_SIDE_PX, THUMB_SIDE_PX))
        picture.thumbnail((THUMB_SIDE_PX, THUMB_SIDE_PX))
        buffer = io.BytesIO()
        picture.convert("RGB").save(buffer, "JPEG", quality=85)
    _write_atomically(target, buffer.getvalue())
    return target


def enqueue_thumbnail(sha256: str) -> str | None:
    # A fixed job id per image: a second upload of the same bytes while the
    # first job waits does not queue a duplicate.
    return enqueue("jobs.images.make_thumbnail", sha256, job_id=f"thumbnail-{sha256}")

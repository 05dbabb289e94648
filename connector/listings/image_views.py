"""Serving stored images. Public: marketplaces fetch them from offer feeds."""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from connector.extensions import db
from connector.listings.images import extension_for, image_path, thumbnail_path
from connector.models import StoredImage

bp = Blueprint("images", __name__, url_prefix="/images")

# Content-addressed files never change, so browsers and CDNs may keep them forever.
IMMUTABLE = 365 * 24 * 3600


def _stored(sha256: str) -> StoredImage:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        abort(404)
    stored = db.session.get(StoredImage, sha256)
    if stored is None:
        abort(404)
    return stored


@bp.get("/<sha256>")
def original(sha256: str):
    stored = _stored(sha256)
    path = image_path(stored.sha256, extension_for(stored.content_type))
    if not path.exists():
        abort(404)
    return send_file(path, mimetype=stored.content_type, max_age=IMMUTABLE, conditional=True)


@bp.get("/<sha256>/thumb")
def thumbnail(sha256: str):
    stored = _stored(sha256)
    path = thumbnail_path(stored.sha256)
    if not stored.has_thumbnail or not path.exists():
        abort(404)
    return send_file(path, mimetype="image/jpeg", max_age=IMMUTABLE, conditional=True)

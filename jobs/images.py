"""Image jobs: thumbnails for the listing pages."""

from __future__ import annotations

import logging

from sqlalchemy import select

from connector.extensions import db
from connector.listings.images import enqueue_thumbnail, write_thumbnail
from connector.models import StoredImage

log = logging.getLogger(__name__)


def make_thumbnail(sha256: str) -> bool:
    """Render and record the thumbnail of one stored image; True when it exists after."""
    stored = db.session.get(StoredImage, sha256)
    if stored is None:
        log.info("image %s is gone; nothing to do", sha256)
        return False
    write_thumbnail(stored)
    if not stored.has_thumbnail:
        stored.has_thumbnail = True
        db.session.commit()
    return True


def sweep_missing_thumbnails(limit: int = 500) -> int:
    """Enqueue thumbnails for images that have none (Redis was down, a worker died)."""
    pending = db.session.execute(
        select(StoredImage.sha256).where(StoredImage.has_thumbnail.is_(False)).limit(limit)
    ).scalars()
    count = 0
    for sha256 in pending:
        if enqueue_thumbnail(sha256):
            count += 1
    return count

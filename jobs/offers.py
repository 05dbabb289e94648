"""Offer jobs: localize and price a listing, reprice a market, and the sweep."""

from __future__ import annotations

import logging

from rq import get_current_job

from connector.channels import push as channel_push
from connector.offers import service

log = logging.getLogger(__name__)


def refresh_listing(listing_id: int) -> dict:
    """Localize and price the listing in every market; unchanged offers stay as they are."""
    job = get_current_job()
    if job is not None:
        job.meta["progress"] = {"step": "localizing and pricing", "listing_id": listing_id}
        job.save_meta()
    result = service.refresh_listing_offers(listing_id)
    if result.changed or result.created:
        channel_push.after_offers_written(None)
    if job is not None:
        job.meta["progress"] = {"step": "done", **result.__dict__}
        job.save_meta()
    return result.__dict__


def reprice_market(code: str) -> dict:
    """Reprice a whole market; progress goes to ``job.meta`` for the ops pages."""
    job = get_current_job()

    def progress(result) -> None:
        if job is not None:
            job.meta["progress"] = {"offers": result.offers, "changed": result.changed}
            job.save_meta()

    result = service.reprice_market(code, progress=progress)
    if result.changed or result.created:
        channel_push.after_offers_written([code])
    return result.__dict__


def sweep_outdated_offers() -> int:
    """Enqueue listings whose offers are missing or behind (Redis was down, a worker died)."""
    count = 0
    for listing_id in service.outdated_listing_ids():
        if service.enqueue_listing_refresh(listing_id):
            count += 1
    return count


def hold_stale_offers() -> dict:
    """Periodic: offers priced from rates that have since grown too old are held."""
    return service.hold_stale_offers().__dict__

"""Helpers for the offer tests: stored rates, the job runner, listings through the API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D

from rq import SimpleWorker

from connector.services import get_queue, get_redis
from tests.conftest import FIXTURES, bearer


@dataclass(frozen=True)
class Quote:
    base: str
    quote: str
    rate: D
    source: str
    as_of: datetime
    path: tuple = ()


def store(app, *quotes):
    from connector.extensions import db
    from connector.fx.store import store_quotes

    with app.app_context():
        store_quotes(quotes)
        db.session.commit()


def run_jobs(app):
    with app.app_context():
        SimpleWorker([get_queue()], connection=get_redis()).work(burst=True)


def fresh(hours_ago=1):
    return datetime.now(UTC) - timedelta(hours=hours_ago)


def tshirt() -> dict:
    return json.loads((FIXTURES / "listing_tshirt.json").read_text())


def create(client, token, payload):
    response = client.post("/api/v1/listings/", json=payload, headers=bearer(token))
    assert response.status_code == 201, response.json
    return response.json


def offers(client, token, listing_id) -> dict:
    response = client.get(f"/api/v1/listings/{listing_id}/offers", headers=bearer(token))
    assert response.status_code == 200
    return {offer["market"]: offer for offer in response.json}

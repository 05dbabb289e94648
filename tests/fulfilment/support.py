"""Helpers for the fulfilment tests: sellers, ready offers, orders, running jobs."""

from __future__ import annotations

import json
import uuid

from tests.conftest import FIXTURES, bearer

FULFILMENT = FIXTURES / "fulfilment"


def fixture(name: str):
    """A JSON fixture of tests/fixtures/fulfilment (parsed)."""
    return json.loads((FULFILMENT / name).read_text())


def fixture_bytes(name: str) -> bytes:
    return (FULFILMENT / name).read_bytes()


def sandbox_settings(ghn, cdek, warehouse, timeout=(1.0, 1.5)) -> dict:
    """The app's SHIPPING_ADAPTERS pointing at running simulators."""
    return {
        "ghn": {
            "url": ghn.url,
            "sandbox": True,
            "token": ghn.token,
            "shop_id": ghn.shop_id,
            "service_type_id": 2,
            "webhook_secret": "ghn-hook-secret",
            "timeout": list(timeout),
        },
        "cdek": {
            "url": cdek.url,
            "sandbox": True,
            "client_id": cdek.client_id,
            "client_secret": cdek.client_secret,
            "tariff_code": 137,
            "shipment_point": "ALA15",
            "webhook_secret": "cdek-hook-secret",
            "timeout": list(timeout),
            "poll_attempts": 5,
            "poll_interval": 0.01,
        },
        "consolidation": {
            "url": warehouse.url,
            "sandbox": True,
            "api_key": warehouse.api_key,
            "warehouse_code": "YW01",
            "webhook_secret": warehouse.webhook_secret,
            "timeout": list(timeout),
        },
    }


def make_seller(app, email="seller@shop.example", markets=("VN", "KZ", "UZ", "TH", "MY")):
    from connector.extensions import db
    from connector.models import ApiToken, Role, User

    with app.app_context():
        user = User(email=email, display_name=email, role=Role.SELLER, markets=list(markets))
        user.set_password("x-seller-pass")
        db.session.add(user)
        token, secret = ApiToken.issue(user, "test")
        db.session.add(token)
        db.session.commit()
        return {"id": user.id, "token": secret}


def make_offer(
    app,
    market: str = "VN",
    document: str | None = None,
    supplier: str = "宁波恒达日用品厂",
    status: str = "ready",
    mutate=None,
) -> int:
    """A supplier, a listing and its offer in ``market``, written directly; the offer id."""
    from connector.extensions import db
    from connector.models import Listing, Offer, Supplier

    doc = fixture(document or f"offer_document_{market.lower()}.json")
    if mutate:
        mutate(doc)
    with app.app_context():
        owner = db.session.execute(
            db.select(Supplier).where(Supplier.name == supplier)
        ).scalar_one_or_none()
        if owner is None:
            owner = Supplier(name=supplier)
            db.session.add(owner)
            db.session.flush()
        listing = Listing(supplier_id=owner.id, title_zh=doc["source_title"], status="submitted")
        db.session.add(listing)
        db.session.flush()
        doc["listing_id"] = listing.id
        offer = Offer(
            listing_id=listing.id,
            market_code=market,
            status=status,
            hold_reasons=[] if status == "ready" else [{"code": "fx_stale", "params": {}}],
            version=1,
            content_hash=uuid.uuid4().hex,
            listing_revision=1,
            document=doc,
        )
        db.session.add(offer)
        db.session.commit()
        return offer.id


def order_body(offer_id: int, market="VN", quantity=60, sku=None, ship_to=None, **extra) -> dict:
    default_sku = {"VN": "TS180-WHT-M", "KZ": "CUP500-SLV", "UZ": "CUP500-SLV"}.get(market)
    return {
        "market": market,
        "lines": [{"offer_id": offer_id, "sku": sku or default_sku, "quantity": quantity}],
        "ship_to": ship_to or fixture(f"ship_to_{market.lower()}.json"),
        **extra,
    }


def post_order(client, token, body, key=None):
    headers = {**bearer(token), "Idempotency-Key": key or uuid.uuid4().hex}
    return client.post("/api/v1/orders/", json=body, headers=headers)


def run_jobs(app, rounds: int = 20) -> None:
    """Run queued jobs in-process until nothing is left; scheduled retries run at once."""
    from rq import SimpleWorker
    from rq.registry import ScheduledJobRegistry
    from sqlalchemy import update

    from connector.extensions import db
    from connector.models import Shipment
    from connector.models.types import utcnow
    from connector.services import get_queue, get_redis

    with app.app_context():
        queue = get_queue()
        for _ in range(rounds):
            SimpleWorker([queue], connection=get_redis()).work(burst=True, logging_level="WARNING")
            registry = ScheduledJobRegistry(queue=queue)
            scheduled = registry.get_job_ids()
            if not scheduled:
                break
            # Time travel: everything waiting to retry is due now.
            db.session.execute(
                update(Shipment)
                .where(Shipment.next_attempt_at.is_not(None))
                .values(next_attempt_at=utcnow())
            )
            db.session.commit()
            for job_id in scheduled:
                registry.remove(job_id)
                job = queue.fetch_job(job_id)
                if job is not None:
                    queue.enqueue_job(job)


def shipment_json(client, token, shipment_id):
    response = client.get(f"/api/v1/shipments/{shipment_id}", headers=bearer(token))
    assert response.status_code == 200, response.json
    return response.json


def place(app, client, seller, market="VN", **kwargs) -> dict:
    """Place an order for a fresh ready offer in ``market``; the order as answered."""
    mode = kwargs.pop("mode", None)
    offer_id = make_offer(app, market)
    body = order_body(offer_id, market=market, **kwargs)
    if mode:
        body["mode"] = mode
    response = post_order(client, seller["token"], body)
    assert response.status_code == 202, response.json
    return response.json


def shipment_row(app, shipment_id: int) -> dict:
    """The shipment's columns as stored, with its attempts and events."""
    from connector.extensions import db
    from connector.models import Shipment

    with app.app_context():
        shipment = db.session.get(Shipment, shipment_id)
        row = {c.name: getattr(shipment, c.name) for c in Shipment.__table__.columns}
        row["attempts"] = [
            {
                "number": a.number,
                "outcome": a.outcome,
                "error_code": a.error_code,
                "reconciled": a.reconciled,
            }
            for a in shipment.attempts
        ]
        row["events"] = [(e.source, e.code, e.state) for e in shipment.events]
        return row


def requests_to(simulator, path_part: str, method: str = "POST") -> int:
    return sum(1 for m, p in simulator.requests if m == method and path_part in p)


class RecordingSession:
    """A stand-in ``requests.Session``: records each call, answers from a script."""

    def __init__(self, *answers: tuple[int, object]):
        import requests

        self.headers = requests.structures.CaseInsensitiveDict()
        self.answers = list(answers)
        self.calls: list[dict] = []

    def request(self, method, url, **kwargs):
        import requests

        self.calls.append({"method": method, "url": url, **kwargs})
        status, body = self.answers.pop(0)
        response = requests.Response()
        response.status_code = status
        if isinstance(body, bytes):
            response._content = body
        else:
            response._content = json.dumps(body).encode()
            response.headers["Content-Type"] = "application/json"
        response.url = url
        return response

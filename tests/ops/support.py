"""Helpers for the ops tests: shipments stuck in known ways, and reading them back."""

from __future__ import annotations

from tests.fulfilment.support import fixture, place, run_jobs, shipment_row

GHN_ORDER = "/shiip/public-api/v2/shipping-order"
GHN_CREATE = GHN_ORDER + "/create"
UNSERVED_WARD = "Đảo Song Tử Tây"


def only_shipment(order: dict) -> dict:
    [shipment] = order["shipments"]
    return shipment


def unserved_ward_shipment(app, client, seller, run: bool = True) -> dict:
    """A VN shipment GHN refuses (permanent ``address_rejected``): needs attention."""
    ship_to = {**fixture("ship_to_vn.json"), "ward": UNSERVED_WARD}
    shipment = only_shipment(place(app, client, seller, ship_to=ship_to))
    if run:
        run_jobs(app)
    return shipment


def outage_shipment(app, client, seller, ghn) -> dict:
    """A VN shipment that gave up during a GHN outage (every attempt a 503)."""
    attempts = app.config["FULFILMENT"]["max_attempts"]
    ghn.fail(503, times=attempts, path=GHN_ORDER)
    shipment = only_shipment(place(app, client, seller))
    run_jobs(app)
    return shipment


def acted_then_lost_shipment(app, client, seller, ghn) -> dict:
    """GHN made the parcel but the answer was lost, then GHN was down until we gave up:
    the shipment needs attention although the carrier holds its parcel."""
    attempts = app.config["FULFILMENT"]["max_attempts"]
    ghn.act_then_drop(path=GHN_CREATE)
    ghn.fail(503, times=attempts - 1, path=GHN_ORDER)
    shipment = only_shipment(place(app, client, seller))
    run_jobs(app)
    return shipment


def state_of(app, shipment_id: int) -> str:
    return shipment_row(app, shipment_id)["state"]


def audit_entries(app, **where) -> list[dict]:
    from connector.extensions import db
    from connector.models import AuditEntry
    from connector.ops.audit import entry_output

    with app.app_context():
        query = db.select(AuditEntry).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return [entry_output(e) for e in db.session.execute(query).scalars()]


__all__ = ["place", "run_jobs", "shipment_row"]

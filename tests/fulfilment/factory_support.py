"""Helpers for the factory-side tests: a second factory, real offers built from listings."""

from __future__ import annotations

import io
import json

from PIL import Image

from tests.conftest import FIXTURES, bearer
from tests.fulfilment.support import fixture, post_order
from tests.offers.support import create, offers, run_jobs


def listing_fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def make_exporter(app, email: str, factory: str) -> dict:
    """Another factory with its own exporter and API token."""
    from connector.extensions import db
    from connector.models import ApiToken, Role, Supplier, User

    with app.app_context():
        supplier = Supplier(name=factory)
        user = User(email=email, display_name=email, role=Role.EXPORTER, supplier=supplier)
        user.set_password("x-exporter-pass")
        token, secret = ApiToken.issue(user, "test")
        db.session.add_all([supplier, user, token])
        db.session.commit()
        return {"id": user.id, "supplier_id": supplier.id, "token": secret, "email": email}


def ready_offer(app, client, token: str, listing: dict, market: str = "VN") -> dict:
    """Create the listing as the exporter, build its offers; the market's offer."""
    created = create(client, token, listing)
    run_jobs(app)
    offer = offers(client, token, created["id"])[market]
    assert offer["status"] == "ready", offer["hold_reasons"]
    return offer


def order_line(offer: dict, quantity: int, sku: str | None = None, **extra) -> dict:
    return {
        "offer_id": offer["id"],
        "sku": sku or offer["document"]["variants"][0]["sku"],
        "quantity": quantity,
        **extra,
    }


def order(client, seller, lines: list[dict], market="VN", **extra):
    body = {
        "market": market,
        "lines": lines,
        "ship_to": fixture(f"ship_to_{market.lower()}.json"),
        **extra,
    }
    return post_order(client, seller["token"], body)


def upload_png(client, token: str, colour=(20, 60, 200)) -> str:
    image = Image.new("RGB", (40, 30), colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    response = client.post(
        "/api/v1/images/",
        data={"file": (io.BytesIO(buffer.getvalue()), "logo.png", "image/png")},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    return response.json["sha256"]


def stock_of(app, listing_id: int, sku: str) -> int:
    from connector.extensions import db
    from connector.models import Variant

    with app.app_context():
        return db.session.execute(
            db.select(Variant.stock).where(Variant.listing_id == listing_id, Variant.sku == sku)
        ).scalar_one()


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as a reader extracts it."""
    from pypdf import PdfReader

    assert data.startswith(b"%PDF"), data[:40]
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def pdf_images(data: bytes) -> int:
    """How many images the PDF's pages draw."""
    from pypdf import PdfReader

    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)

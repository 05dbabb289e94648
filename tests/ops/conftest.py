"""Fixtures for the ops console: the simulators and a seller (from the fulfilment tests),
signed-in page clients for each role, and shipments that failed in known ways."""

from __future__ import annotations

import pytest

from tests.fulfilment.conftest import (  # noqa: F401  (fixtures)
    cdek_sim,
    cdek_sim_server,
    ghn_sim,
    ghn_sim_server,
    seller,
    services,
    warehouse_sim,
    warehouse_sim_server,
)
from tests.offers.conftest import rates  # noqa: F401  (fixture)
from tests.web.conftest import OTHER_PASSWORD, _catalogs, make_user, sign_in  # noqa: F401
from tests.web.pages import Page

OPS_EMAIL = "ops@demo.example"


@pytest.fixture
def ops_client(app, client, demo):
    """The test client signed in as the demo ops user (English pages)."""
    sign_in(client, OPS_EMAIL, demo["password"])
    return client


@pytest.fixture
def exporter_client(app, demo):
    other = app.test_client()
    sign_in(other, "exporter@demo.example", demo["password"])
    return other


@pytest.fixture
def seller_client(app, demo):
    from connector.extensions import db
    from connector.models import Role, User

    with app.app_context():
        known = db.session.execute(
            db.select(User.id).where(User.email == "shop@seller.example")
        ).first()
    if known is None:
        make_user(app, "shop@seller.example", Role.SELLER)
    other = app.test_client()
    sign_in(other, "shop@seller.example", OTHER_PASSWORD)
    return other


def page_of(response) -> Page:
    return Page(response.get_data(as_text=True))


def csrf_of(client) -> str:
    """A CSRF token of the client's session (from a page every signed-in user may open)."""
    response = client.get("/account/tokens")
    assert response.status_code == 200
    return page_of(response).csrf()


def flashes(client, url: str) -> str:
    """The flash messages shown on ``url``."""
    page = page_of(client.get(url))
    return " ".join(node.text() for node in page.all(lambda n: "flash" in n.classes))

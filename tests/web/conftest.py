"""Fixtures for the page tests: compiled catalogs, signed-in clients, a second factory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector.extensions import db
from connector.models import Role, Supplier, User
from tests.offers.conftest import rates, translator  # noqa: F401  (fixtures)
from tests.web.catalogs import compile_catalogs
from tests.web.pages import Page

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
OTHER_PASSWORD = "other-factory-pass"


@pytest.fixture(scope="session", autouse=True)
def _catalogs():
    compile_catalogs()


def get_page(client, url: str, status: int = 200) -> Page:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.location)
    return Page(response.get_data(as_text=True))


def sign_in(client, email: str, password: str, lang: str = "en"):
    """Sign in through the login form, choosing the UI language first with ``?lang=``."""
    page = get_page(client, f"/login?lang={lang}")
    response = client.post(
        "/login", data={"csrf_token": page.csrf(), "email": email, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def exporter(client, demo):
    """A client signed in as the demo exporter, in English."""
    sign_in(client, "exporter@demo.example", demo["password"])
    return client


@pytest.fixture
def ops(client, demo):
    sign_in(client, "ops@demo.example", demo["password"])
    return client


def make_user(app, email: str, role: Role, supplier_name: str | None = None) -> int:
    with app.app_context():
        supplier = None
        if supplier_name:
            supplier = Supplier(name=supplier_name)
            db.session.add(supplier)
        user = User(email=email, display_name=email.split("@")[0], role=role, supplier=supplier)
        user.set_password(OTHER_PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


@pytest.fixture
def other_exporter(app, demo):
    """An exporter of a second factory: (email, password)."""
    make_user(app, "sales@other-factory.example", Role.EXPORTER, "宁波另一家工厂")
    return "sales@other-factory.example", OTHER_PASSWORD


@pytest.fixture
def seller(app, demo):
    make_user(app, "buyer@seller.example", Role.SELLER)
    return "buyer@seller.example", OTHER_PASSWORD


@pytest.fixture
def listing_form() -> dict[str, str]:
    """A complete, valid onboarding form, as typed."""
    return json.loads((FIXTURES / "listing_form.json").read_text(encoding="utf-8"))


@pytest.fixture
def listing_expected() -> dict:
    """What the API returns for ``listing_form`` once it is submitted."""
    return json.loads((FIXTURES / "listing_form_expected.json").read_text(encoding="utf-8"))

"""The command line: demo data and accounts."""

from __future__ import annotations

from sqlalchemy import func, select

from connector.extensions import db
from connector.models import ApiToken, Listing, User
from tests.conftest import bearer


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (User, ApiToken, Listing)
        )


def test_demo_load_twice_adds_nothing(app, runner, client):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "exporter@demo.example" in first.output and "API token" in first.output
    after_first = counts(app)
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0
    assert counts(app) == after_first == (3, 3, 1)  # exporter, ops, seller; one listing

    token = next(line.split(": ")[1] for line in first.output.splitlines() if "(exporter)" in line)
    assert client.get("/api/v1/listings/", headers=bearer(token)).json["total"] == 1


def test_users_create_and_token(runner, client):
    created = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "li@factory.example",
            "--name",
            "Li",
            "--role",
            "exporter",
            "--supplier",
            "东莞某电子厂",
            "--password",
            "a-strong-pass",
        ]
    )
    assert created.exit_code == 0, created.output
    duplicate = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "li@factory.example",
            "--name",
            "Li",
            "--role",
            "exporter",
            "--supplier",
            "x",
            "--password",
            "a-strong-pass",
        ]
    )
    assert duplicate.exit_code != 0 and "already exists" in duplicate.output

    issued = runner.invoke(args=["users", "token", "--email", "li@factory.example"])
    assert issued.exit_code == 0
    secret = issued.output.strip()
    assert client.get("/api/v1/listings/", headers=bearer(secret)).json["total"] == 0

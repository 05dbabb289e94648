"""API tokens: shown once, stored hashed, revocable."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import bearer


def test_new_token_works_once_shown_and_is_stored_hashed(app, client, exporter_token):
    created = client.post(
        "/api/v1/tokens/", json={"name": "erp sync"}, headers=bearer(exporter_token)
    )
    assert created.status_code == 201
    secret = created.json["token"]
    assert created.json["hint"] == secret[-4:]
    assert client.get("/api/v1/listings/", headers=bearer(secret)).status_code == 200

    listed = client.get("/api/v1/tokens/", headers=bearer(exporter_token)).json
    assert {t["name"] for t in listed} == {"demo", "erp sync"}
    assert all("token" not in t for t in listed)

    from connector.extensions import db
    from connector.models import ApiToken

    with app.app_context():
        stored = db.session.execute(select(ApiToken.token_hash)).scalars().all()
    assert secret not in stored
    assert all(len(h) == 64 for h in stored)


def test_revoked_token_stops_working_at_once(client, exporter_token):
    created = client.post(
        "/api/v1/tokens/", json={"name": "temp"}, headers=bearer(exporter_token)
    ).json
    revoked = client.delete(f"/api/v1/tokens/{created['id']}", headers=bearer(exporter_token))
    assert revoked.status_code == 204
    assert client.get("/api/v1/listings/", headers=bearer(created["token"])).status_code == 401


def test_cannot_revoke_someone_elses_token(client, exporter_token, ops_token):
    created = client.post(
        "/api/v1/tokens/", json={"name": "mine"}, headers=bearer(exporter_token)
    ).json
    response = client.delete(f"/api/v1/tokens/{created['id']}", headers=bearer(ops_token))
    assert response.status_code == 404
    assert client.get("/api/v1/listings/", headers=bearer(created["token"])).status_code == 200


def test_token_needs_a_name(client, exporter_token):
    response = client.post("/api/v1/tokens/", json={}, headers=bearer(exporter_token))
    assert response.status_code == 422
    assert "name" in response.json["error"]["fields"]

"""``/api/v1/sellers``: every ops action on a seller leaves an audit entry."""

from __future__ import annotations

from tests.conftest import bearer
from tests.ops.support import audit_entries

SHOP = {"name": "Hanoi Shop", "email": "shop@hanoi.example", "markets": ["VN"]}


def test_creating_a_seller_is_audited_without_its_key(app, client, ops_token):
    response = client.post("/api/v1/sellers/", json=SHOP, headers=bearer(ops_token))
    assert response.status_code == 201, response.json
    seller = response.json
    [entry] = audit_entries(app, action="seller.create")
    assert entry["actor"] == "ops@demo.example" and entry["source"] == "api"
    assert entry["target_type"] == "seller" and entry["target_id"] == str(seller["id"])
    assert entry["details"]["markets"] == ["VN"]
    assert entry["details"]["key_id"] == seller["key"]["id"]
    assert seller["key"]["key"] not in str(entry["details"])  # the secret is shown once only


def test_refused_seller_creation_leaves_no_entry(app, client, ops_token, exporter_token):
    assert (
        client.post("/api/v1/sellers/", json=SHOP, headers=bearer(exporter_token)).status_code
        == 403
    )
    assert client.post("/api/v1/sellers/", json=SHOP, headers=bearer(ops_token)).status_code == 201
    again = client.post("/api/v1/sellers/", json=SHOP, headers=bearer(ops_token))
    assert again.status_code == 409
    assert len(audit_entries(app, action="seller.create")) == 1


def test_changing_a_seller_and_its_keys_is_audited(app, client, ops_token):
    seller = client.post("/api/v1/sellers/", json=SHOP, headers=bearer(ops_token)).json
    url = f"/api/v1/sellers/{seller['id']}"
    patched = client.patch(url, json={"markets": ["VN", "KZ"]}, headers=bearer(ops_token))
    assert patched.status_code == 200
    key = client.post(f"{url}/keys", json={"name": "rotation"}, headers=bearer(ops_token)).json
    revoked = client.delete(f"{url}/keys/{key['id']}", headers=bearer(ops_token))
    assert revoked.status_code == 204
    [update] = audit_entries(app, action="seller.update")
    assert update["details"]["before"]["markets"] == ["VN"]
    assert update["details"]["after"]["markets"] == ["KZ", "VN"]
    [issued] = audit_entries(app, action="seller.key_issue")
    [revoke] = audit_entries(app, action="seller.key_revoke")
    assert issued["details"]["key_id"] == revoke["details"]["key_id"] == key["id"]

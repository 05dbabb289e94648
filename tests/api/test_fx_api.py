"""``/api/v1/fx``: manual rates and refreshes by ops through the API are audited."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import bearer
from tests.ops.support import audit_entries


def test_manual_rate_through_the_api_is_audited(app, client, ops_token, exporter_token):
    rate = {"base": "CNY", "quote": "VND", "rate": "3512.25", "note": "bank fixing"}
    assert (
        client.post("/api/v1/fx/rates", json=rate, headers=bearer(exporter_token)).status_code
        == 403
    )
    posted = client.post("/api/v1/fx/rates", json=rate, headers=bearer(ops_token))
    assert posted.status_code == 201, posted.json
    [entry] = audit_entries(app, action="fx.manual_rate")
    assert entry["source"] == "api" and entry["actor"] == "ops@demo.example"
    assert entry["target_type"] == "fx_rate" and entry["target_id"] == str(posted.json["id"])
    assert entry["details"]["pair"] == "CNY/VND" and entry["details"]["note"] == "bank fixing"
    assert Decimal(entry["details"]["rate"]) == Decimal("3512.25")
    assert entry["details"]["repriced_markets"] == posted.json["repriced_markets"]


def test_refused_manual_rate_leaves_no_entry(app, client, ops_token, exporter_token):
    rate = {"base": "CNY", "quote": "VND", "rate": "3512.25"}
    assert (
        client.post("/api/v1/fx/rates", json=rate, headers=bearer(exporter_token)).status_code
        == 403
    )
    invalid = client.post(
        "/api/v1/fx/rates", json={**rate, "rate": "-1"}, headers=bearer(ops_token)
    )
    assert invalid.status_code == 422
    assert audit_entries(app, action="fx.manual_rate") == []


def test_refresh_through_the_api_is_audited(app, client, ops_token):
    response = client.post("/api/v1/fx/refresh", headers=bearer(ops_token))
    assert response.status_code == 202
    [entry] = audit_entries(app, action="fx.refresh")
    assert entry["result"] == "queued" and entry["target_id"] == response.json["job_id"]

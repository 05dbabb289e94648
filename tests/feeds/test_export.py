"""A seller's first sync in one request: every ready offer streamed as NDJSON, ending
with the sync token the incremental feed continues from."""

from __future__ import annotations

import gzip

import orjson

from tests.conftest import bearer
from tests.feeds.test_feeds import pull_all
from tests.offers.support import run_jobs

EXPORT = "/api/v1/markets/VN/offers/export"


def export_of(client, key, **headers):
    """(items, last line) of an export."""
    response = client.get(EXPORT, headers={**bearer(key), **headers})
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/x-ndjson"
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    lines = [orjson.loads(line) for line in data.splitlines()]
    return lines[:-1], lines[-1]


def test_export_streams_every_ready_offer_as_gzip_ndjson(client, seller_key, catalog):
    response = client.get(EXPORT, headers={**bearer(seller_key), "Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.is_streamed
    items, last = export_of(client, seller_key, **{"Accept-Encoding": "gzip"})
    paged, _, _, _ = pull_all(client, seller_key, "/api/v1/markets/VN/offers")
    assert items == paged  # the same items, in the same order, as the paged feed
    assert last["count"] == 4 and last["sync_token"]


def test_export_without_gzip_for_clients_that_do_not_accept_it(client, seller_key, catalog):
    response = client.get(EXPORT, headers={**bearer(seller_key), "Accept-Encoding": "identity"})
    assert "Content-Encoding" not in response.headers
    items, last = export_of(client, seller_key, **{"Accept-Encoding": "identity"})
    assert last["count"] == 4 and {item["locale"] for item in items} == {"vi_VN"}


def test_export_then_incremental_feed_misses_nothing(
    app, client, seller_key, exporter_token, catalog
):
    items, last = export_of(client, seller_key, **{"Accept-Encoding": "gzip"})
    have = {item["id"]: item for item in items}
    client.patch(
        f"/api/v1/listings/{catalog[0]}", json={"lead_time_days": 9}, headers=bearer(exporter_token)
    )
    client.patch(
        f"/api/v1/listings/{catalog[1]}", json={"status": "draft"}, headers=bearer(exporter_token)
    )
    run_jobs(app)
    changed, withdrawn, _, _ = pull_all(
        client, seller_key, "/api/v1/markets/VN/offers", updated_since=last["sync_token"]
    )
    assert len(changed) == 1 and changed[0]["lead_time_days"] == 9
    assert len(withdrawn) == 1
    for item in changed:
        have[item["id"]] = item
    for gone in withdrawn:
        have.pop(gone["id"])
    # What the seller now holds is exactly what a fresh export lists.
    fresh, _ = export_of(client, seller_key)
    assert have == {item["id"]: item for item in fresh}


def test_export_keeps_the_feed_scope_and_languages(client, seller_key, ops_token, catalog):
    other = client.get("/api/v1/markets/KZ/offers/export", headers=bearer(seller_key))
    assert other.status_code == 403 and other.json["error"]["code"] == "forbidden"
    assert client.get(EXPORT).status_code == 401
    bad = client.get(EXPORT + "?lang=kk", headers=bearer(seller_key))
    assert bad.status_code == 422 and "lang" in bad.json["error"]["fields"]
    kk = client.get("/api/v1/markets/KZ/offers/export?lang=kk", headers=bearer(ops_token))
    lines = kk.data.splitlines()
    assert orjson.loads(lines[0])["locale"] == "kk_KZ" and len(lines) == 5


def test_export_is_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    operation = spec["paths"]["/api/v1/markets/{code}/offers/export"]["get"]
    assert "application/x-ndjson" in operation["responses"]["200"]["content"]
    assert {"401", "403", "422", "429"} <= set(operation["responses"])

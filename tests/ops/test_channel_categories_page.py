"""Ops map our categories to the marketplaces' ids on a page, with errors beside the fields."""

from __future__ import annotations

from tests.conftest import bearer
from tests.ops.conftest import csrf_of, flashes, page_of


def test_ops_map_a_category_on_the_channels_page(ops_client, ops_token):
    response = ops_client.post(
        "/ops/channels/categories",
        data={
            "csrf_token": csrf_of(ops_client),
            "channel": "ozon",
            "category": "服装 > T恤",
            "channel_category_id": "17028922:91565",
        },
    )
    assert response.status_code == 302
    assert "17028922:91565" in flashes(ops_client, response.location)
    page = page_of(ops_client.get("/ops/channels"))
    assert "服装 > T恤" in page.by_id("h-mappings").parent.text()
    listed = ops_client.get("/api/v1/channel-categories", headers=bearer(ops_token)).json
    assert [(m["channel"], m["channel_category_id"]) for m in listed] == [
        ("ozon", "17028922:91565")
    ]
    removed = ops_client.post(
        f"/ops/channels/categories/{listed[0]['id']}/delete",
        data={"csrf_token": csrf_of(ops_client)},
    )
    assert removed.status_code == 302
    assert ops_client.get("/api/v1/channel-categories", headers=bearer(ops_token)).json == []


def test_channel_mapping_errors_sit_beside_their_fields(ops_client, ops_token):
    response = ops_client.post(
        "/ops/channels/categories",
        data={"csrf_token": csrf_of(ops_client), "channel": "fax", "category": " "},
    )
    assert response.status_code == 422
    page = page_of(response)
    assert page.error_beside("channel")
    assert page.error_beside("category")
    assert page.error_beside("channel_category_id")
    assert ops_client.get("/api/v1/channel-categories", headers=bearer(ops_token)).json == []

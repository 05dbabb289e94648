"""The OpenAPI document is generated from the schemas and describes the error envelope."""

from __future__ import annotations


def test_openapi_document_lists_the_listing_endpoints_and_envelope(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/listings/"])
    assert {"get", "patch"} <= set(paths["/api/v1/listings/{listing_id}"])
    assert "post" in paths["/api/v1/images/"]
    body = paths["/api/v1/listings/"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/ListingIn")
    listing_in = spec["components"]["schemas"]["ListingIn"]
    assert listing_in["required"] == ["title_zh"]
    assert listing_in["properties"]["price_tiers"]["type"] == "array"
    assert "fields" in spec["components"]["schemas"]["ApiErrorBody"]["properties"]
    unprocessable = paths["/api/v1/listings/"]["post"]["responses"]["422"]
    assert unprocessable["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorEnvelope")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"

"""The OpenAPI document is generated from the schemas and describes the error envelope."""

from __future__ import annotations

import pytest

from tests.conftest import bearer


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


FEED = "/api/v1/markets/{code}/offers"
DOCUMENT = "/api/v1/shipments/{shipment_id}/documents/{kind}"


def _spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def _declared(spec: dict, path: str, method: str, status: str) -> set[str]:
    return set(spec["paths"][path][method]["responses"][status].get("content", {}))


@pytest.mark.parametrize("fmt", ["json", "csv", "xml"])
def test_every_feed_format_answers_in_a_declared_content_type(client, ops_token, fmt):
    spec = _spec(client)
    response = client.get(f"/api/v1/markets/VN/offers?format={fmt}", headers=bearer(ops_token))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype in _declared(spec, FEED, "get", "200")


def test_shipment_documents_declare_labels_and_receipts(client):
    declared = _declared(_spec(client), DOCUMENT, "get", "200")
    assert {"application/pdf", "text/html", "application/json"} <= declared


def _resolve(spec: dict, pointer: str):
    node = spec
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def test_links_lead_from_what_was_made_to_reading_it(client):
    spec = _spec(client)
    links = {
        (path, method, status, name): link
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method != "parameters"
        for status, answer in operation["responses"].items()
        for name, link in answer.get("links", {}).items()
    }
    made_to_read = {
        ("/api/v1/listings/", "post", "201", "GetListing"): "/api/v1/listings/{listing_id}",
        ("/api/v1/orders/", "post", "202", "GetOrder"): "/api/v1/orders/{order_id}",
        ("/api/v1/quotes/", "post", "201", "GetQuote"): "/api/v1/quotes/{quote_id}",
    }
    for source, target in made_to_read.items():
        assert links[source]["operationRef"] == "#/paths/" + target.replace("/", "~1") + "/get"
    for source, link in links.items():
        target = _resolve(spec, link["operationRef"])  # every link leads to an operation
        names = {p["name"] for p in target.get("parameters", []) if p["in"] == "path"}
        path = link["operationRef"].removeprefix("#/paths/").rsplit("/", 1)[0]
        names |= {p["name"] for p in _resolve(spec, f"#/paths/{path}").get("parameters", [])}
        assert set(link["parameters"]) <= names, source

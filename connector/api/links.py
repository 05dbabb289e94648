"""OpenAPI ``links``: what a client (or a stateful test) can do next with an answer.

A created listing can be read and changed by the id in its body, an order read back,
a quote read back, a job followed. Declared in one table rather than beside each
route, because a link names two operations, often in two modules; they are added to
the document as each path is registered (an apispec plugin).
"""

from __future__ import annotations

from typing import NamedTuple

from apispec import BasePlugin


class Link(NamedTuple):
    source: tuple[str, str, str]  # (path, method, status)
    name: str
    target: tuple[str, str]  # (path, method)
    parameters: dict[str, str]  # target parameter -> runtime expression


def _id(name: str, pointer: str = "/id") -> dict[str, str]:
    return {name: f"$response.body#{pointer}"}


LISTING = "/api/v1/listings/{listing_id}"
ORDER = "/api/v1/orders/{order_id}"
QUOTE = "/api/v1/quotes/{quote_id}"
SELLER = "/api/v1/sellers/{seller_id}"
JOB = "/api/v1/jobs/{job_id}"
RATE = "/api/v1/fx/rates/{rate_id}"
SHIPMENT = "/api/v1/shipments/{shipment_id}"
HOOK = "/api/v1/webhook-endpoints/{endpoint_id}"

LINKS: tuple[Link, ...] = (
    Link(("/api/v1/listings/", "post", "201"), "GetListing", (LISTING, "get"), _id("listing_id")),
    Link(
        ("/api/v1/listings/", "post", "201"), "ChangeListing", (LISTING, "patch"), _id("listing_id")
    ),
    Link(
        ("/api/v1/listings/", "post", "201"),
        "GetListingOffers",
        (LISTING + "/offers", "get"),
        _id("listing_id"),
    ),
    Link(("/api/v1/orders/", "post", "202"), "GetOrder", (ORDER, "get"), _id("order_id")),
    Link(
        ("/api/v1/orders/", "post", "202"),
        "GetFirstShipment",
        (SHIPMENT, "get"),
        _id("shipment_id", "/shipments/0/id"),
    ),
    Link(("/api/v1/quotes/", "post", "201"), "GetQuote", (QUOTE, "get"), _id("quote_id")),
    Link(("/api/v1/sellers/", "post", "201"), "ChangeSeller", (SELLER, "patch"), _id("seller_id")),
    Link(
        ("/api/v1/sellers/", "post", "201"),
        "GetSellerKeys",
        (SELLER + "/keys", "get"),
        _id("seller_id"),
    ),
    Link(
        ("/api/v1/sellers/", "post", "201"),
        "RevokeFirstKey",
        (SELLER + "/keys/{key_id}", "delete"),
        {"seller_id": "$response.body#/id", "key_id": "$response.body#/key/id"},
    ),
    Link(
        (SELLER + "/keys", "post", "201"),
        "RevokeKey",
        (SELLER + "/keys/{key_id}", "delete"),
        {"seller_id": "$request.path.seller_id", "key_id": "$response.body#/id"},
    ),
    Link(
        ("/api/v1/tokens/", "post", "201"),
        "RevokeToken",
        ("/api/v1/tokens/{token_id}", "delete"),
        _id("token_id"),
    ),
    Link(
        ("/api/v1/fx/rates", "post", "201"),
        "ApproveRate",
        (RATE + "/approve", "post"),
        _id("rate_id"),
    ),
    Link(
        ("/api/v1/fx/rates", "post", "201"),
        "RejectRate",
        (RATE + "/reject", "post"),
        _id("rate_id"),
    ),
    Link(
        ("/api/v1/fx/refresh", "post", "202"),
        "FollowRefresh",
        (JOB, "get"),
        _id("job_id", "/job_id"),
    ),
    Link(
        ("/api/v1/shipments/retry", "post", "202"),
        "FollowRetry",
        (JOB, "get"),
        _id("job_id", "/job_id"),
    ),
    Link(
        ("/api/v1/webhook-endpoints/", "post", "201"),
        "GetWebhookEndpoint",
        (HOOK, "get"),
        _id("endpoint_id"),
    ),
    Link(
        ("/api/v1/webhook-endpoints/", "post", "201"),
        "ChangeWebhookEndpoint",
        (HOOK, "patch"),
        _id("endpoint_id"),
    ),
    Link(
        ("/api/v1/webhook-endpoints/", "post", "201"),
        "RotateWebhookSecret",
        (HOOK + "/rotate-secret", "post"),
        _id("endpoint_id"),
    ),
    Link(
        ("/api/v1/webhook-endpoints/", "post", "201"),
        "GetWebhookDeliveries",
        (HOOK + "/deliveries", "get"),
        _id("endpoint_id"),
    ),
)


def operation_ref(path: str, method: str) -> str:
    """A JSON pointer to an operation of this document (``~1`` escapes ``/``)."""
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


class LinksPlugin(BasePlugin):
    """Adds ``LINKS`` to the responses of their source operations."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for link in LINKS:
            source_path, method, status = link.source
            if source_path != path or method not in (operations or {}):
                continue
            responses = operations[method].setdefault("responses", {})
            # flask-smorest keys its responses by number, or by string when given one.
            key = next((code for code in responses if str(code) == status), status)
            response = responses.setdefault(key, {})
            response.setdefault("links", {})[link.name] = {
                "operationRef": operation_ref(*link.target),
                "parameters": link.parameters,
            }

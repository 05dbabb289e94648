"""The HTTP answer of a page: strong ETag, 304, the market's rate-age headers."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from connector.feeds.page_cache.market_state import MarketState


def _headers(meta: dict, state: MarketState) -> dict[str, str]:
    return {
        "ETag": f'"{meta["etag"]}"',
        "Cache-Control": "private, no-cache",
        "Vary": "Accept, Accept-Encoding",
        **meta["headers"],
        **state.fx_headers(),
    }


def page_response(req: Request, meta: dict, body: bytes | None, state: MarketState) -> Response:
    headers = _headers(meta, state)
    if meta["etag"] in req.if_none_match:
        headers.pop("Content-Encoding", None)
        return Response(status=304, headers=headers)
    return Response(body, status=200, headers=headers, content_type=meta["type"])


def made_page(req: Request, meta: dict, body: bytes, state: MarketState):
    """The same answer as :func:`page_response`, as a bare WSGI app when it is a 200.

    This is every made page's answer, so it skips building a Response: the
    headers are all known, the body is one bytes object. A conditional request
    goes the Response way (304 drops the entity headers).
    """
    if "HTTP_IF_NONE_MATCH" in req.environ:
        return page_response(req, meta, body, state)
    headers = [
        ("Content-Type", meta["type"]),
        ("Content-Length", str(len(body))),
        *_headers(meta, state).items(),
    ]

    def answer(environ, start_response):
        start_response("200 OK", headers)
        return [body]

    return answer

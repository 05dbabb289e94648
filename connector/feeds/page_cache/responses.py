"""The HTTP answer of a page: strong ETag, 304, the market's rate-age headers."""

from __future__ import annotations

from werkzeug.wrappers import Request, Response

from connector.feeds.page_cache.market_state import MarketState


def page_response(req: Request, meta: dict, body: bytes | None, state: MarketState) -> Response:
    headers = {
        "ETag": f'"{meta["etag"]}"',
        "Cache-Control": "private, no-cache",
        "Vary": "Accept, Accept-Encoding",
        **meta["headers"],
        **state.fx_headers(),
    }
    if meta["etag"] in req.if_none_match:
        headers.pop("Content-Encoding", None)
        return Response(status=304, headers=headers)
    return Response(body, status=200, headers=headers, content_type=meta["type"])

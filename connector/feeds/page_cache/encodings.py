"""Content codings a page is stored in, and the one a request gets.

Each page is compressed once, when it is made, in every coding here, so a request
pays for none. Brotli (``br``, RFC 7932) at quality 5: about a fifth smaller than
gzip at its default level for the same time spent; its top qualities (10, 11) cost
a hundred times more per page, which a page made on a request cannot afford.
"""

from __future__ import annotations

import gzip

import brotli
from werkzeug.wrappers import Request

# Stored per page, preferred in this order when a request rates them equally.
ENCODINGS = ("br", "gzip", "identity")
BROTLI_QUALITY = 5


def chosen(req: Request) -> str:
    """The stored coding the request rates highest by its ``Accept-Encoding`` q-values.

    An unlisted ``identity`` is acceptable but ranks below any coding the client
    lists; ``q=0`` refuses a coding; equal ratings go by ``ENCODINGS``' order.
    """
    accepted = req.accept_encodings
    listed = {value.lower() for value, _quality in accepted}
    best, best_quality = "identity", 0.0
    for encoding in ENCODINGS:
        if encoding == "identity" and "identity" not in listed:
            continue
        quality = accepted[encoding]
        if quality > best_quality:
            best, best_quality = encoding, quality
    return best


def compressed(body: bytes) -> dict[str, bytes]:
    """The body in every stored coding (made once per rendering, never per request)."""
    return {
        "identity": body,
        "gzip": gzip.compress(body, 6, mtime=0),
        "br": brotli.compress(body, quality=BROTLI_QUALITY),
    }

"""Content codings a page is stored in, and the one a request gets."""

from __future__ import annotations

import gzip

from werkzeug.wrappers import Request

# Encodings stored per page, best first; ``identity`` is always there.
ENCODINGS = ("gzip", "identity")


def chosen(req: Request) -> str:
    """The best stored coding the request accepts."""
    accepted = req.accept_encodings
    for encoding in ENCODINGS[:-1]:
        if accepted[encoding]:
            return encoding
    return "identity"


def compressed(body: bytes) -> dict[str, bytes]:
    """The body in every stored coding (made once per rendering, never per request)."""
    return {"identity": body, "gzip": gzip.compress(body, 6, mtime=0)}

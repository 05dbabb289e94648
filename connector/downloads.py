"""Serving a document a carrier or warehouse gave us (the API and the ops pages)."""

from __future__ import annotations

from flask import Response

from connector.models import ShipmentDocument


def document_response(document: ShipmentDocument) -> Response:
    """The document as an attachment that can never run as one of our pages (carrier
    labels may be HTML)."""
    response = Response(document.data, content_type=document.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response

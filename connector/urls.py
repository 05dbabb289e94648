"""Absolute URLs, always from the configured public URL.

The request's Host header is whatever the client sent; links built from it in
feeds and API answers could point sellers (and their caches) anywhere.
"""

from __future__ import annotations

from flask import current_app, url_for


def public_base() -> str:
    """``PUBLIC_URL`` without a trailing slash: the base of every absolute link."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def public_url_for(endpoint: str, **values) -> str:
    """``url_for`` made absolute against ``PUBLIC_URL`` instead of the request's host."""
    return public_base() + url_for(endpoint, **values)

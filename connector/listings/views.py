"""The exporter's listing pages (placeholder: being written)."""

from flask import Blueprint

bp = Blueprint("onboarding", __name__)

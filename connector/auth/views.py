"""Sign-in, sign-out and token pages (placeholder: being written)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

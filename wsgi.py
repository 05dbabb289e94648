"""The deployed app: the web app plus the worker commands of ``jobs`` (where the two meet)."""

from connector import create_app
from jobs import worker

app = create_app()
worker.init_app(app)

"""The entry point of gunicorn (``wsgi:app``) and of ``flask --app wsgi`` (CLI, worker):
the web app plus the worker commands of ``jobs`` (where the two meet)."""

from connector import create_app
from connector.logs import configure_logging
from jobs import worker

configure_logging()
app = create_app()
worker.init_app(app)

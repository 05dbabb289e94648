"""The entry point of gunicorn (``wsgi:app``) and of ``flask --app wsgi`` (CLI, worker)."""

from connector import create_app
from connector.logs import configure_logging

configure_logging()
app = create_app()

"""Logging for the processes we start: gunicorn, the CLI and the RQ worker.

The entry points call ``configure_logging``; the app factory does not, so tests and
embedding code keep their own logging setup.
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr at ``level``; Alembic's per-migration lines only when they warn."""
    logging.basicConfig(level=level, format=FORMAT)
    logging.getLogger("alembic").setLevel(logging.WARNING)

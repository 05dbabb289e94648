"""INSERT ... ON CONFLICT for the backends we run on.

PostgreSQL and SQLite spell it alike (``on_conflict_do_update``,
``on_conflict_do_nothing``, ``excluded``) but SQLAlchemy builds each from its
own dialect module; this picks the one the session is bound to.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from connector.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def conflict_insert(entity):
    """An INSERT into ``entity`` (a model or table) that can say what a conflict does."""
    dialect = db.session.get_bind().dialect.name
    try:
        return _INSERTS[dialect](entity)
    except KeyError:
        raise NotImplementedError(f"no ON CONFLICT insert for the {dialect} backend") from None

"""Column types that keep money exact and times aware on every backend."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import orjson
from sqlalchemy import DateTime, Numeric, String, Text
from sqlalchemy.types import TypeDecorator


class Money(TypeDecorator):
    """A ``Decimal`` column: NUMERIC on PostgreSQL, text on SQLite.

    SQLite stores NUMERIC as a binary float, which would break the rule that
    money is never a float; the canonical decimal string round-trips exactly.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 4):
        super().__init__()
        self.precision = precision
        self.scale = scale

    def __repr__(self) -> str:
        # Alembic writes this into migrations.
        return f"Money({self.precision}, {self.scale})"

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"money must be a Decimal, got {type(value).__name__}")
        return str(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value) if not isinstance(value, Decimal) else value


class UTCDateTime(TypeDecorator):
    """Stores UTC and always hands back an aware ``datetime``."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def __repr__(self) -> str:
        return "UTCDateTime()"

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; times must be aware (UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class JSONDocument(TypeDecorator):
    """JSON kept as text, written from an already serialized string when given one.

    Offer documents are serialized once (to hash them and serve them as bytes);
    this column stores that string instead of serializing the dict again.
    """

    impl = Text
    cache_ok = True

    def __repr__(self) -> str:
        return "JSONDocument()"

    def process_bind_param(self, value, dialect):
        if value is None or isinstance(value, str):
            return value
        return orjson.dumps(value).decode()

    def process_result_value(self, value, dialect):
        return None if value is None else orjson.loads(value)

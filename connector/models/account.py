"""Suppliers, users and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from connector.extensions import db
from connector.models.types import UTCDateTime, utcnow

TOKEN_PREFIX = "cbc_"  # noqa: S105 - a visible prefix, not a secret


class Role(StrEnum):
    EXPORTER = "exporter"
    SELLER = "seller"
    OPS = "ops"


class Supplier(db.Model):
    """A factory: owns listings; its exporters act for it."""

    __tablename__ = "supplier"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="supplier")


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    # Sellers read only these markets' offers (codes such as "VN"); empty for other roles.
    markets: Mapped[list] = mapped_column(JSON, default=list)
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Part of every session cookie; bumped to end all of the user's sessions at once
    # (sign-out, a new password, switched off): an old cookie no longer matches.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    supplier: Mapped[Supplier | None] = relationship(back_populates="users")
    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    def get_id(self) -> str:
        """What the session cookie holds: the id and the epoch it was issued in."""
        return f"{self.id}:{self.session_epoch or 0}"

    def end_sessions(self) -> None:
        """Make every session cookie issued so far stop working (counted in SQL, so two
        requests doing this at once both count)."""
        if self.id is not None:
            self.session_epoch = User.session_epoch + 1

    def set_password(self, password: str) -> None:
        """Set a new password; every session signed in with the old one ends."""
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


def hash_token(raw: str) -> str:
    # Tokens are 256 random bits, so a fast unsalted digest is enough to make a
    # leaked table useless while keeping the per-request lookup an index hit.
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(db.Model):
    """A bearer token; only its digest is stored, the secret is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @classmethod
    def issue(cls, user: User, name: str, raw: str | None = None) -> tuple[ApiToken, str]:
        """Create a token for ``user``; returns the row and the secret to show once."""
        secret = raw or TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls(user=user, name=name, token_hash=hash_token(secret), hint=secret[-4:])
        return token, secret

    @property
    def active(self) -> bool:
        return self.revoked_at is None

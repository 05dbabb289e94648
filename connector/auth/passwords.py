"""Password rules, and checking a password in the same time whether or not the account exists."""

from __future__ import annotations

from functools import cache

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from connector.models import User

MIN_LENGTH = 10
# Hashing cost grows with the input; nobody types more than this.
MAX_LENGTH = 256


class WeakPassword(ValueError):
    """The password breaks a rule; ``message`` is shown beside the password field."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def check_rules(password: str, email: str) -> None:
    """Raise :class:`WeakPassword` unless ``password`` may be set for ``email``."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(_l("Use at least %(n)d characters.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise WeakPassword(_l("Use at most %(n)d characters.", n=MAX_LENGTH))
    lowered = password.lower()
    local_part = email.lower().partition("@")[0]
    if email.lower() in lowered or (len(local_part) >= 4 and local_part in lowered):
        raise WeakPassword(_l("Do not use your email address in the password."))
    if len(set(password)) < 4:
        raise WeakPassword(_l("Use more different characters."))


@cache
def _dummy_hash() -> str:
    # Made with the same method and cost as real hashes, so checking it takes as long.
    return generate_password_hash("no account has this password")


def verify_password(user: User | None, password: str) -> bool:
    """True when ``user`` exists and ``password`` is its password.

    An unknown account still costs one hash check (of a dummy hash): the answer takes
    as long either way, so its timing does not tell which accounts exist.
    """
    if len(password) > MAX_LENGTH:
        password = password[: MAX_LENGTH + 1]  # still wrong, but cheap to hash
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)

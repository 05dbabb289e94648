"""Reading JSON that others send: bounded nesting, exact numbers, valid Unicode.

Every JSON body the app reads goes through ``loads``, so one place decides
what the parser is ever asked to do.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

# Deeper than any document we accept; far below where the C parser recurses out.
MAX_DEPTH = 32

# A string literal, or a run of anything that is neither a bracket nor a quote.
_NOT_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[^"\[\]{}]+')
# "\ud800".."\udfff" escapes: only a body with one can decode to a lone surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class ExponentDecimal(Decimal):
    """A JSON number written with an exponent (``1e3``): schemas refuse it by name."""


class UnreadableJson(ValueError):
    """Well-formed JSON we still refuse; ``message`` says why, for the error envelope."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def parse_number(text: str) -> Decimal:
    """A JSON number with a fraction or an exponent, exactly; the exponent stays visible."""
    if "e" in text or "E" in text:
        return ExponentDecimal(text)
    return Decimal(text)


def loads(data: bytes | str, **kwargs) -> Any:
    """Parse JSON; ``UnreadableJson`` (a ``ValueError``) for what we refuse to read."""
    text = _decoded(data)
    if _nested_deeper_than(text, MAX_DEPTH):
        raise UnreadableJson(
            _l("The JSON is nested more than %(depth)s levels deep.", depth=MAX_DEPTH)
        )
    kwargs.setdefault("parse_float", parse_number)
    value = json.loads(text, **kwargs)
    if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise UnreadableJson(_l("The JSON has text that is not valid Unicode."))
    return value


def _decoded(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    # Strict: bytes that are not text are refused here, not repaired.
    return data.decode(json.detect_encoding(data))


def _nested_deeper_than(text: str, limit: int) -> bool:
    """Counted on the brackets alone, so the cost is one pass and no recursion."""
    depth = 0
    for char in _NOT_BRACKETS.sub("", text):
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _has_lone_surrogate(value: Any) -> bool:
    # A pair of escapes decodes to one character; a lone half cannot be stored or encoded.
    try:
        json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False

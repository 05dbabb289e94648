"""marshmallow fields whose error messages are translatable.

The messages are lazy strings: they are rendered in the caller's language when
the error envelope is built, so one schema serves the API and the web form.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal as PyDecimal

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from connector.json_input import ExponentDecimal
from connector.params import in_utc

# C0 and C1 controls but tab and line breaks, which descriptions may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# A number in scientific notation, as typed in a string ("1E+1", " 2.5e3 ").
_EXPONENT_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+\s*")
# Digits before the point of any number a person types here (prices, quantities, ids).
MAX_DIGITS = 15
MAX_OFFSET = 10**9
TIME_OUT_OF_RANGE = _l("Enter a time between the years 1 and 9999 in UTC.")
EXPONENT_MESSAGE = _l("Write the number in full, without an exponent (1000, not 1e3).")

REQUIRED = {
    "required": _l("This field is required."),
    "null": _l("This field is required."),
}


CONTROL_MESSAGE = _l("Remove the control characters from this text.")
INVISIBLE_MESSAGE = _l("Enter visible text, not only spaces or invisible marks.")
# Blank to a reader though not whitespace to str.strip(): fillers that render as nothing.
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def text_problem(text: str):
    """Why ``text`` cannot be stored as typed (a lazy message), or None.

    Control characters (PostgreSQL refuses NUL; the rest break labels and CSV), and
    text made only of zero-width, direction or blank marks, which reads as empty.
    """
    if _CONTROL.search(text):
        return CONTROL_MESSAGE
    if text.strip() and all(_invisible(char) for char in text):
        return INVISIBLE_MESSAGE
    return None


def _invisible(char: str) -> bool:
    return char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) == "Cf"


class String(fields.String):
    """Trimmed, visible text without control characters."""

    default_error_messages = {
        **REQUIRED,
        "invalid": _l("Enter text."),
        "control": CONTROL_MESSAGE,
        "invisible": INVISIBLE_MESSAGE,
    }

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(text)
        if problem is CONTROL_MESSAGE:
            raise self.make_error("control")
        if problem is INVISIBLE_MESSAGE:
            raise self.make_error("invisible")
        return text.strip()


class Email(String):
    """An e-mail address that fits the 254 characters of the column and of RFC 5321."""

    def __init__(self, **kwargs):
        kwargs["validate"] = [
            validate.Length(max=254, error=_l("Use at most 254 characters.")),
            validate.Email(error=_l("Enter an e-mail address.")),
        ]
        super().__init__(**kwargs)


class Integer(fields.Integer):
    default_error_messages = {
        **REQUIRED,
        "invalid": _l("Enter a whole number."),
        "too_large": _l("This number is too large."),
        "exponent": EXPONENT_MESSAGE,
    }

    def _validated(self, value):
        # The base class would truncate 1.5 to 1 and take True as 1.
        if isinstance(value, bool):
            raise self.make_error("invalid")
        _refuse_exponent(self, value)
        if isinstance(value, str):
            value = value.strip()
            if not re.fullmatch(r"[+-]?\d+", value):
                raise self.make_error("invalid")
            if len(value.lstrip("+-")) > MAX_DIGITS:
                raise self.make_error("too_large")
        elif isinstance(value, float | PyDecimal):
            if not _integral(value):
                raise self.make_error("invalid")
            # Before int(): int(Decimal("1E+1000000")) holds a worker for half a minute.
            if PyDecimal(value).adjusted() >= MAX_DIGITS:
                raise self.make_error("too_large")
        return super()._validated(value)


def _integral(value: float | PyDecimal) -> bool:
    number = PyDecimal(str(value))
    return number.is_finite() and number == number.to_integral_value()


def has_exponent(value) -> bool:
    """Whether a number was written in scientific notation (a JSON number or a string)."""
    if isinstance(value, ExponentDecimal):
        return True
    return isinstance(value, str) and _EXPONENT_NUMBER.fullmatch(value) is not None


def _refuse_exponent(field: fields.Field, value) -> None:
    # 1e3 is 1000 to a parser but a slip to a factory typing a price (¥1000.00 for "1e3").
    if has_exponent(value):
        raise field.make_error("exponent")


class Decimal(fields.Decimal):
    """A ``Decimal`` written out as a string, never a float, and never with an exponent."""

    default_error_messages = {
        **REQUIRED,
        "invalid": _l("Enter a number."),
        "special": _l("Enter a finite number."),
        "too_large": _l("This number is too large."),
        "exponent": EXPONENT_MESSAGE,
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("as_string", True)
        super().__init__(**kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, float):
            # Only reachable when a caller bypasses our JSON parser; a float has
            # already lost the exact value the user typed.
            raise self.make_error("invalid")
        _refuse_exponent(self, value)
        if isinstance(value, str):
            value = value.strip()
            if len(value) > 30:
                raise self.make_error("too_large")
        elif isinstance(value, PyDecimal) and value.is_finite() and value.adjusted() >= MAX_DIGITS:
            raise self.make_error("too_large")
        return super()._validated(value)


class AwareDateTime(fields.AwareDateTime):
    """An ISO 8601 time with an offset, in UTC; one UTC cannot hold is refused, not a 500."""

    default_error_messages = {
        **REQUIRED,
        "out_of_range": TIME_OUT_OF_RANGE,
    }

    def _deserialize(self, value, attr, data, **kwargs):
        moment = in_utc(super()._deserialize(value, attr, data, **kwargs))
        if moment is None:
            raise self.make_error("out_of_range")
        return moment


def page_offset() -> Integer:
    """``offset`` of a paged list, bounded so the database never sees an unbindable int."""
    return Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET))


class Boolean(fields.Boolean):
    default_error_messages = {**REQUIRED, "invalid": _l("Choose yes or no.")}


# Items in a list or mapping that names no smaller limit of its own.
MAX_ITEMS = 1000


def _sized(kwargs: dict) -> None:
    """Give the field a maximum length unless its validators already name one."""
    given = kwargs.get("validate")
    validators = given if isinstance(given, list | tuple) else [given] if given else []
    if not any(isinstance(v, validate.Length) and v.max is not None for v in validators):
        kwargs["validate"] = [
            *validators,
            validate.Length(max=MAX_ITEMS, error=_l("Use at most {max} items.")),
        ]


def _refuse_oversized(field: fields.Field, value) -> None:
    """Run the length limits first: marshmallow runs validators only after every item
    has loaded, and a 50 MB list of 25 million items must not be loaded at all."""
    if not isinstance(value, list | dict):
        return
    for validator in field.validators:
        if isinstance(validator, validate.Length) and validator.max is not None:
            if len(value) > validator.max:
                validator(value)  # raises with the field's own message


class List(fields.List):
    default_error_messages = {**REQUIRED, "invalid": _l("Enter a list.")}

    def __init__(self, cls_or_instance, **kwargs):
        _sized(kwargs)
        super().__init__(cls_or_instance, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        _refuse_oversized(self, value)
        return super()._deserialize(value, attr, data, **kwargs)


class Dict(fields.Dict):
    default_error_messages = {**REQUIRED, "invalid": _l("Enter a mapping of names to values.")}

    def __init__(self, **kwargs):
        _sized(kwargs)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        _refuse_oversized(self, value)
        return super()._deserialize(value, attr, data, **kwargs)


class Nested(fields.Nested):
    default_error_messages = {**REQUIRED, "type": _l("Enter an object.")}


class Url(String):
    """An absolute http(s) URL (``fields.Url`` insists on a plain-str message)."""

    default_error_messages = {"invalid_url": _l("Enter a full http:// or https:// address.")}
    _check = validate.URL(schemes={"http", "https"}, require_tld=False)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self._check(text)
        except ValidationError as exc:
            raise self.make_error("invalid_url") from exc


def decimal_places(limit: int, message):
    """A validator: at most ``limit`` digits after the decimal point."""

    def validate(value) -> None:
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > limit:
            raise ValidationError([message])  # a bare lazy string would be split into characters

    return validate

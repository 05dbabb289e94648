"""Numbers the way each market reads them (Babel/CLDR). Babel formats; it never rounds.

Prices show no decimals where the market rounds to whole units (VND, KZT) and
the currency's own decimals otherwise (MYR two, never one); rates show six
significant digits.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, get_currency_precision, parse_pattern
from babel.units import format_unit


@functools.lru_cache(maxsize=64)
def babel_locale(locale: str) -> Locale:
    """The CLDR locale, or its language when CLDR lacks the pair (e.g. ru_UZ -> ru)."""
    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(locale.split("_")[0])


def digits_of(step: Decimal) -> int:
    exponent = step.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def price_digits(currency: str, step: Decimal | None = None) -> int:
    """The decimals every price a person reads shows, in tables and breakdowns alike.

    A market that rounds to whole units (VND to 1,000, KZT to 10) shows none; one
    that rounds to fractions shows the currency's own decimals: MYR rounded to
    0.10 reads ``RM152.80``, like the breakdown beside it.
    """
    if step is not None and digits_of(step) == 0:
        return 0
    return max(get_currency_precision(currency), digits_of(step) if step is not None else 0)


def significant(value: Decimal, digits: int = 6) -> str:
    """``Decimal`` with ``digits`` significant digits, plain (no exponent, no trailing zeros)."""
    if value == 0:
        return "0"
    shown = value.quantize(Decimal(1).scaleb(value.adjusted() - digits + 1))
    return format(shown.normalize(), "f")


@functools.lru_cache(maxsize=65536)
def format_price(amount: Decimal, currency: str, locale: str, digits: int) -> str:
    """``1.235.000 ₫`` in vi_VN; the digits come from the market's rounding, not CLDR."""
    cldr = babel_locale(locale)
    pattern = parse_pattern(cldr.currency_formats["standard"].pattern)
    pattern.frac_prec = (digits, digits)
    return pattern.apply(amount, cldr, currency=currency, currency_digits=False)


@functools.lru_cache(maxsize=65536)
def format_weight(grams: int, locale: str) -> str:
    if grams >= 1000:
        return format_unit(
            Decimal(grams) / 1000, "mass-kilogram", length="short", locale=babel_locale(locale)
        )
    return format_unit(grams, "mass-gram", length="short", locale=babel_locale(locale))


@functools.lru_cache(maxsize=65536)
def format_size(length: Decimal, width: Decimal, height: Decimal, locale: str) -> str:
    """``30 × 25 × 2 см``: the unit once, after the last side."""
    cldr = babel_locale(locale)
    first = [format_decimal(side.normalize(), locale=cldr) for side in (length, width)]
    last = format_unit(height.normalize(), "length-centimeter", length="short", locale=cldr)
    return " × ".join([*first, last])

"""Numbers the way each market reads them (Babel/CLDR). Babel formats; it never rounds.

The market's rounding step decides the digits: VND in thousands shows none,
MYR in steps of 0.10 shows two.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal, parse_pattern
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

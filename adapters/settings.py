"""Adapter settings: a frozen dataclass per service, filled from a configuration mapping."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

from adapters.errors import ProviderNotConfigured
from adapters.http import parse_timeout

S = TypeVar("S")

_CONVERTERS: dict[Any, Any] = {
    str: str,
    str | None: str,
    int: int,
    float: float,
    bool: bool,
    tuple[float, float]: parse_timeout,
}


def settings_from(cls: type[S], mapping: Mapping[str, Any], provider: str) -> S:
    """``cls`` (a dataclass) from ``mapping``: each field converted by its type hint; an
    unset or empty value keeps the field's default; a field without a default must be
    given (else ``ProviderNotConfigured``); ``url`` loses its trailing slash."""
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    missing = []
    for field in dataclasses.fields(cls):
        raw = mapping.get(field.name)
        if not raw:
            if field.default is dataclasses.MISSING:
                missing.append(field.name)
            continue
        value = _CONVERTERS[hints[field.name]](raw)
        values[field.name] = value.rstrip("/") if field.name == "url" else value
    if missing:
        raise ProviderNotConfigured(
            f"missing settings: {', '.join(missing)}", provider=provider, code="not_configured"
        )
    return cls(**values)

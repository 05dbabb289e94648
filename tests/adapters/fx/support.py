"""Helpers shared by the FX adapter tests."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "fx"

# Short enough that a stalled service fails a test fast, long enough for a loaded CI box.
FAST_TIMEOUT = {"connect_timeout": 0.3, "read_timeout": 0.3}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()

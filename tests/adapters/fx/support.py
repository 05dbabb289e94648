"""Helpers shared by the FX adapter tests."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "fx"

# Short enough that a stalled service fails a test fast, long enough for a loaded CI box.
FAST_TIMEOUT = {"connect_timeout": 0.3, "read_timeout": 0.3}

# A service dripping a byte every DRIP_SECONDS never trips the (generous) read timeout:
# only the total deadline can stop the fetch, long before the whole body would arrive.
DRIP_SECONDS = 0.05
DRIP_SETTINGS = {"connect_timeout": 2.0, "read_timeout": 5.0, "deadline": 0.5}


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()

"""The scheduled FX refresh: fetch every configured provider, keep the last good rates."""

from __future__ import annotations

from connector.fx import refresh


def refresh_rates() -> dict:
    """Fetch rates from every provider; forex-python cannot time out, the job timeout bounds it."""
    return refresh.refresh_rates()

"""Why an order, a quote or a read is refused: domain errors, with codes, not HTTP statuses.

The API decides how each code is answered (``connector.api.order_errors``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class OrderRejected(Exception):
    """The order (or quote) cannot be placed. ``code`` says why:

    * ``invalid_order``: problems with what was sent, keyed by field in ``fields``,
      and ship-to problems as codes in ``address_problems``;
    * ``market_not_allowed``: the caller may not order in the market;
    * ``mode_unavailable``: no shipping service is enabled for the market and mode;
    * ``fx_stale``: a rate behind an offer is past the market's age limit;
    * ``quote_unknown``, ``quote_expired``, ``quote_mismatch``: the quote named;
    * ``out_of_stock``: a line asks for more than is left to reserve.
    """

    def __init__(
        self,
        code: str,
        message: str,
        fields: dict[str, list[str]] | None = None,
        address_problems: Sequence[Any] = (),
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}
        # connector.orders.address.AddressProblem items, put into words at the edge.
        self.address_problems = list(address_problems)


class NotVisible(Exception):
    """The caller may not see this order or shipment (answered as 404)."""

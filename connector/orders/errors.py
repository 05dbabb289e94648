"""Why an order, a quote or a read is refused: domain errors, with codes, not HTTP statuses.

The API decides how each code is answered (``connector.api.order_errors``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LineProblem:
    """What is wrong with one order line, as a code and its values.

    Services put these in ``OrderRejected.fields`` beside plain texts; the edge
    (``connector.line_messages``) puts them into the reader's language.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:  # for logs only; readers get connector.line_messages
        return f"{self.code} {self.params}"


class OrderRejected(Exception):
    """The order (or quote) cannot be placed. ``code`` says why:

    * ``invalid_order``: problems with what was sent, keyed by field in ``fields``
      (texts, or :class:`LineProblem` codes for order lines), and ship-to problems as
      codes in ``address_problems``;
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
        fields: dict[str, list[str | LineProblem]] | None = None,
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

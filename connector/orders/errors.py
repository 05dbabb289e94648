"""Why an order, a quote or a read is refused: domain errors the API turns into answers."""

from __future__ import annotations


class OrderRejected(Exception):
    """The order cannot be placed; ``status`` and ``fields`` say why, for the API envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: dict[str, list[str]] | None = None,
        code: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}
        self.code = code


class NotVisible(Exception):
    """The caller may not see this order or shipment (answered as 404)."""

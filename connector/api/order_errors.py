"""How the API answers an order or quote the shipments service refused.

The service says why with a domain code (``connector.orders.errors.OrderRejected``);
the HTTP status belongs here, as does putting ship-to and order-line problems into
the caller's language.
"""

from __future__ import annotations

from typing import NoReturn

from flask_babel import gettext as _
from flask_smorest import abort

from connector.address_messages import address_errors
from connector.extensions import db
from connector.factory.stock import OutOfStock
from connector.line_messages import field_errors
from connector.orders.address import AddressRejected
from connector.orders.errors import OrderRejected

# Domain code -> HTTP status; a code not listed is a 422.
STATUS = {
    "market_not_allowed": 403,
    "fx_stale": 409,
    "quote_expired": 409,
    "out_of_stock": 409,
}
# Codes answered with the envelope's default code for their status (validation_failed).
GENERIC = frozenset({"invalid_order"})


def abort_rejected(exc: OrderRejected) -> NoReturn:
    """Roll back and answer with the error envelope: status, message, fields, code."""
    db.session.rollback()
    fields = field_errors(exc.fields)
    if exc.address_problems:
        fields.update(address_errors(AddressRejected(exc.address_problems)))
    abort(
        STATUS.get(exc.code, 422),
        message=exc.message,
        errors=fields or None,
        code=None if exc.code in GENERIC else exc.code,
    )


def abort_out_of_stock(exc: OutOfStock) -> NoReturn:
    """Roll back (nothing stays taken) and name each short line with what is left."""
    db.session.rollback()
    abort(
        STATUS[exc.code],
        message=_("Not enough stock left for this order."),
        errors={
            f"lines.{s.position - 1}.quantity": [
                _("Only %(count)s left in stock.", count=s.available)
            ]
            for s in exc.shortages
        },
        code=exc.code,
    )

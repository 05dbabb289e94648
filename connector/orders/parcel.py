"""What a shipment looks like to its service: the request built from the order's rows."""

from __future__ import annotations

import math
from decimal import Decimal

from adapters.carriers.base import Item, Parcel, Recipient, ShipmentRequest
from connector.models import OrderLine, Shipment
from connector.orders import pii
from connector.orders.service import supplier_name

# A standard export carton: 60 x 40 x 40 cm, at most 20 kg packed.
BOX_CM = (60, 40, 40)
BOX_MAX_G = 20_000
# Offers are only priced with a weight, so this only covers rows from before that rule.
FALLBACK_UNIT_G = 500
FALLBACK_UNIT_CM = (Decimal(20), Decimal(15), Decimal(5))


def _unit_size(line: OrderLine) -> tuple[Decimal, Decimal, Decimal]:
    if line.unit_size_cm and len(line.unit_size_cm) == 3:
        return tuple(Decimal(str(value)) for value in line.unit_size_cm)  # type: ignore[return-value]
    return FALLBACK_UNIT_CM


def measure(lines: list[OrderLine]) -> Parcel:
    """Weight, size and carton count of a leg: one parcel if it fits one carton."""
    weight = sum((line.unit_weight_g or FALLBACK_UNIT_G) * line.quantity for line in lines)
    volume = sum(math.prod(_unit_size(line)) * line.quantity for line in lines)
    box_volume = math.prod(BOX_CM)
    boxes = max(1, math.ceil(weight / BOX_MAX_G), math.ceil(volume / box_volume))
    length = max(_unit_size(line)[0] for line in lines)
    width = max(_unit_size(line)[1] for line in lines)
    height = volume / (length * width)
    if boxes > 1 or height > BOX_CM[0]:
        # A stack taller than a carton is packed in cartons: measure those.
        length, width, height = BOX_CM
    return Parcel(
        weight_g=max(1, int(weight)),
        length_cm=max(1, math.ceil(length)),
        width_cm=max(1, math.ceil(width)),
        height_cm=max(1, math.ceil(height)),
        box_count=boxes,
    )


def shipment_request(shipment: Shipment) -> tuple[ShipmentRequest, list[str]]:
    """The request for the shipment's service, and the buyer's values to scrub from errors."""
    order = shipment.order
    ship_to = pii.decrypt(order.ship_to_encrypted)
    recipient = Recipient(
        name=ship_to["name"],
        phone=ship_to["phone"],
        line1=ship_to["line1"],
        country=ship_to.get("country") or order.ship_to_country,
        email=ship_to.get("email"),
        line2=ship_to.get("line2"),
        ward=ship_to.get("ward"),
        district=ship_to.get("district"),
        province=ship_to.get("province"),
        city=ship_to.get("city"),
        postal_code=ship_to.get("postal_code"),
    )
    lines = list(shipment.lines)
    items = tuple(
        Item(
            sku=line.sku,
            name=line.title,
            quantity=line.quantity,
            unit_value=line.unit_price,
            unit_weight_g=line.unit_weight_g,
            hs_code=line.hs_code,
        )
        for line in lines
    )
    order_ref = f"order {order.id}" + (f" ({order.reference})" if order.reference else "")
    request = ShipmentRequest(
        key=shipment.idempotency_key,
        order_ref=order_ref,
        market=order.market_code,
        currency=order.currency,
        recipient=recipient,
        parcel=measure(lines),
        items=items,
        declared_value=sum((line.line_total for line in lines), Decimal(0)),
        sender_name=supplier_name(shipment.supplier_id),
        note=f"{order_ref}, leg {shipment.leg}",
        service=shipment.service,
    )
    return request, pii.secrets_of(ship_to)

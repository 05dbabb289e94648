"""Fixing a shipment's data before it is sent again: the address, the weights, the service.

Only a shipment that no service holds yet can be fixed: once a carrier has a
parcel under our key, a retry finds that parcel (reconcile before retry), so
new data here would never reach it. The buyer's address lives on the order,
encrypted; a fix decrypts it, applies what ops typed, checks it as an order
would be checked, and encrypts it again with the current key. Nothing here
stores or logs a personal value: the audit log and the shipment's history
name the fields that changed, never their contents.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from flask_babel import gettext as _

from connector.extensions import db
from connector.markets.registry import markets
from connector.models import Shipment
from connector.models.types import utcnow
from connector.ops import audit
from connector.ops.audit import Actor
from connector.orders import pii, tracking
from connector.orders.adapters import adapter_class, service_levels
from connector.orders.address import AddressRejected, check_ship_to
from connector.orders.parcel import measure
from connector.orders.predicates import retryable, take
from connector.orders.states import RETRYABLE

# Fields ops may change; the country follows the market.
ADDRESS_FIELDS = tuple(name for name in pii.FIELDS if name != "country")
MAX_UNIT_WEIGHT_G = 1_000_000


def service_choices(adapter: str) -> tuple[tuple[str, str], ...]:
    """(code, translated label) of the service levels the adapter declares."""
    return tuple((code, _(label)) for code, label in service_levels(adapter))


class FixNotAllowed(Exception):
    """The shipment cannot be fixed in its state (being sent, at the service, final)."""

    def __init__(self, state: str, message: str):
        super().__init__(message)
        self.state = state


class FixInvalid(Exception):
    """What ops typed does not pass the checks; ``errors`` are keyed like the form."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Changes:
    """What ops asked to change. ``address``: field -> new text ("" clears an optional
    field; a field left out keeps its value). ``unit_weights``: order line id -> grams."""

    address: dict[str, str] = field(default_factory=dict)
    unit_weights: dict[int, int] = field(default_factory=dict)
    service: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.address or self.unit_weights or self.service)


@dataclass(frozen=True)
class FixResult:
    address_fields: tuple[str, ...]
    weights: dict[str, tuple[int | None, int]]  # sku -> (old grams, new grams)
    service: tuple[str | None, str] | None
    parcel_weight_g: int
    other_legs_at_service: int  # legs of the order whose service keeps the old address

    @property
    def changed(self) -> bool:
        return bool(self.address_fields or self.weights or self.service)

    def summary(self) -> dict:
        """For the audit log: field names and weights, no personal values."""
        out: dict = {}
        if self.address_fields:
            out["address_fields"] = list(self.address_fields)
        if self.weights:
            out["unit_weights_g"] = {sku: list(pair) for sku, pair in self.weights.items()}
            out["parcel_weight_g"] = self.parcel_weight_g
        if self.service:
            out["service"] = list(self.service)
        if self.other_legs_at_service:
            out["other_legs_at_service"] = self.other_legs_at_service
        return out


def fixable(shipment: Shipment) -> bool:
    """No service holds it, no worker is on it, and it is not on its way to cancellation."""
    return (
        shipment.state in RETRYABLE
        and not shipment.external_ref
        and not shipment.cancel_requested
        and (shipment.lease_expires_at is None or shipment.lease_expires_at < utcnow())
    )


def why_not_fixable(shipment: Shipment) -> str:
    if shipment.external_ref:
        return _("The carrier already has this shipment; changes made here would not reach it.")
    if shipment.cancel_requested:
        return _("A cancellation is under way.")
    if shipment.lease_expires_at is not None and shipment.lease_expires_at >= utcnow():
        return _("A worker is sending this shipment right now.")
    return _("A shipment in state %(state)s cannot be changed.", state=shipment.state)


def _take(shipment_id: int) -> Shipment:
    """Mark the shipment as being changed, in this transaction, if it may be: the
    conditional UPDATE keeps a worker from claiming it halfway through the fix."""
    now = utcnow()
    taken = take(shipment_id, *retryable(now), Shipment.external_ref.is_(None), updated_at=now)
    shipment = db.session.get(Shipment, shipment_id)
    if not taken:
        db.session.rollback()
        if shipment is None:
            raise FixNotAllowed("missing", _("No such shipment."))
        db.session.refresh(shipment)
        raise FixNotAllowed(shipment.state, why_not_fixable(shipment))
    db.session.refresh(shipment)
    return shipment


def _new_address(shipment: Shipment, wanted: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """The order's ship-to with ``wanted`` applied: (encrypted, changed field names)."""
    order = shipment.order
    current = pii.decrypt(order.ship_to_encrypted)
    merged = dict(current)
    for name, value in wanted.items():
        if name not in ADDRESS_FIELDS:
            raise FixInvalid({f"ship_to.{name}": [_("This field cannot be changed.")]})
        merged[name] = value.strip() or None
    market = markets().get(order.market_code)
    if market is None:
        raise FixNotAllowed(
            shipment.state, _("Market %(code)s is not enabled.", code=order.market_code)
        )
    required = adapter_class(shipment.adapter).required_address_fields
    for name in ("name", "phone", "line1"):
        if not merged.get(name):
            raise FixInvalid({f"ship_to.{name}": [_("This field is required.")]})
    # AddressRejected, when raised, is put into words by the form (connector.address_messages).
    checked = check_ship_to(merged, market, shipment.adapter, required)
    stored = {name: checked.get(name) for name in pii.FIELDS}
    changed = tuple(name for name in pii.FIELDS if stored.get(name) != current.get(name))
    return pii.encrypt(stored), changed


def _apply_weights(shipment: Shipment, wanted: dict[int, int]) -> dict[str, tuple]:
    lines = {line.id: line for line in shipment.lines}
    changed: dict[str, tuple] = {}
    for line_id, grams in wanted.items():
        line = lines.get(line_id)
        if line is None:
            raise FixInvalid({f"weight.{line_id}": [_("This line is not in this shipment.")]})
        if not isinstance(grams, int) or not 0 < grams <= MAX_UNIT_WEIGHT_G:
            raise FixInvalid(
                {f"weight.{line_id}": [_("Give the weight in whole grams, 1 to 1000000.")]}
            )
        if line.unit_weight_g != grams:
            changed[line.sku] = (line.unit_weight_g, grams)
            line.unit_weight_g = grams
    return changed


def _apply_service(shipment: Shipment, wanted: str) -> tuple[str | None, str] | None:
    choices = [code for code, _label in service_levels(shipment.adapter)]
    if wanted not in choices:
        raise FixInvalid({"service": [_("Choose one of the services offered.")]})
    old = shipment.service
    if old == wanted:
        return None
    shipment.service = wanted
    return old, wanted


def fix_shipment(shipment_id: int, actor_label: str, changes: Changes) -> FixResult:
    """Apply ``changes`` to a shipment that no service holds; commits, or raises
    :class:`FixNotAllowed` / :class:`FixInvalid` having changed nothing."""
    shipment = _take(shipment_id)
    try:
        address_fields: tuple[str, ...] = ()
        if changes.address:
            encrypted, address_fields = _new_address(shipment, changes.address)
            if address_fields:
                shipment.order.ship_to_encrypted = encrypted
                shipment.order.updated_at = utcnow()
        weights = _apply_weights(shipment, changes.unit_weights) if changes.unit_weights else {}
        service = _apply_service(shipment, changes.service) if changes.service else None
    except (FixInvalid, FixNotAllowed, AddressRejected, pii.PiiUnreadable):
        db.session.rollback()
        raise
    other_legs = sum(
        1
        for leg in shipment.order.shipments
        if leg.id != shipment.id and (leg.external_ref or leg.state in ("submitted", "in_transit"))
    )
    result = FixResult(
        address_fields=address_fields,
        weights=weights,
        service=service,
        parcel_weight_g=measure(list(shipment.lines)).weight_g if shipment.lines else 0,
        other_legs_at_service=other_legs if address_fields else 0,
    )
    if result.changed:
        parts = []
        if address_fields:
            parts.append("address (" + ", ".join(address_fields) + ")")
        if weights:
            parts.append(f"weight ({result.parcel_weight_g} g)")
        if service:
            parts.append(f"service {service[1]}")
        tracking.add_event(
            shipment.id,
            source="ops",
            code="fixed",
            description="changed " + "; ".join(parts),
            actor=actor_label[:120],
            key=f"ops:fix:{uuid.uuid4().hex}",
        )
    db.session.commit()
    return result


def current_address(shipment: Shipment) -> dict | None:
    """The ship-to as ops may see it (masked), or None when no key opens it."""
    try:
        return pii.masked(pii.decrypt(shipment.order.ship_to_encrypted))
    except pii.PiiUnreadable:
        return None


def rejected_field(shipment: Shipment) -> str | None:
    """The ship-to field the carrier refused, when its answer said which."""
    name = shipment.last_error_field
    if name is None and shipment.last_error_code == "phone_not_accepted":
        name = "phone"
    return name if name in ADDRESS_FIELDS else None


def reveal_rejected(shipment: Shipment, actor: Actor) -> tuple[str, str | None] | None:
    """The refused field's value in clear, so ops can correct what they cannot otherwise
    read; every reveal is written to the audit log (who, when, which shipment, which
    field: never the value). None when the field is not masked or none was named."""
    name = rejected_field(shipment)
    if name is None or name not in pii.MASKED:
        return None
    value = pii.decrypt(shipment.order.ship_to_encrypted).get(name)
    audit.record(
        actor,
        "shipment.pii_view",
        "shipment",
        shipment.id,
        details={"field": name, "reason": shipment.last_error_code},
    )
    return name, value

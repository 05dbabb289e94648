"""Ship-to checks per market and carrier: the country, the phone number, required fields.

The checks raise :class:`AddressRejected`, a list of problems each with the field,
a stable code and the values a message needs; the API and the ops fix form turn
them into words in the reader's language (``connector.address_messages``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import phonenumbers

from adapters.carriers.base import PhoneNotAccepted
from connector.markets.model import Market
from connector.orders.adapters import adapter_class


@dataclass(frozen=True)
class AddressProblem:
    """One problem of a ship-to block. ``field`` is ``ship_to.<name>``; ``code`` one of
    ``wrong_country``, ``phone_unreadable``, ``phone_invalid``, ``phone_abroad``,
    ``phone_not_accepted`` (``params["rule"]``: the service's own code, such as
    ``mobile_only``) or ``required``."""

    field: str
    code: str
    params: dict = field(default_factory=dict)


class AddressRejected(Exception):
    """The ship-to block cannot be delivered as given; ``problems`` say where and why."""

    def __init__(self, problems: list[AddressProblem]):
        super().__init__("; ".join(f"{p.field}: {p.code}" for p in problems))
        self.problems = problems


class PhoneRejected(Exception):
    """The phone number cannot be used; ``code`` and ``params`` as in AddressProblem."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def normalize_phone(raw: str, country: str) -> str:
    """The number in E.164 when it is a valid number of ``country``; PhoneRejected otherwise."""
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException as exc:
        raise PhoneRejected("phone_unreadable") from exc
    if not phonenumbers.is_valid_number(number):
        raise PhoneRejected("phone_invalid", country=country)
    if phonenumbers.region_code_for_number(number) != country:
        raise PhoneRejected("phone_abroad", country=country)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_phone_for(adapter: str, e164: str) -> None:
    """PhoneRejected when the service ``adapter`` cannot deliver to the number; the
    service itself knows (``phone_for_service``)."""
    service = adapter_class(adapter)
    if service is None:
        return
    try:
        service.phone_for_service(e164)
    except PhoneNotAccepted as exc:
        raise PhoneRejected("phone_not_accepted", rule=exc.code, service=service.label) from exc


def check_ship_to(ship_to: dict, market: Market, adapter: str, required: tuple[str, ...]) -> dict:
    """The normalised ship-to block; AddressRejected naming every problem found."""
    problems: list[AddressProblem] = []
    out = dict(ship_to)
    if out.get("country") and out["country"] != market.country:
        problems.append(
            AddressProblem(
                "ship_to.country",
                "wrong_country",
                {"market": market.code, "country": market.country},
            )
        )
    out["country"] = market.country
    try:
        out["phone"] = normalize_phone(out["phone"], market.country)
        check_phone_for(adapter, out["phone"])
    except PhoneRejected as exc:
        problems.append(AddressProblem("ship_to.phone", exc.code, exc.params))
    for name in required:
        if not out.get(name):
            problems.append(
                AddressProblem(f"ship_to.{name}", "required", {"name": name, "adapter": adapter})
            )
    if problems:
        raise AddressRejected(problems)
    return out

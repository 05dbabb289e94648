"""Ship-to checks per market and carrier: the country, the phone number, required fields."""

from __future__ import annotations

import phonenumbers

from adapters.carriers.base import PhoneNotAccepted
from connector.markets.model import Market
from connector.orders.adapters import adapter_class

# What each field is called in messages (the carriers' own words for them).
FIELD_NAMES = {
    "province": "province (tỉnh/thành phố, oblast)",
    "district": "district (quận/huyện)",
    "ward": "ward (phường/xã)",
    "city": "city",
    "postal_code": "postal code",
}
# What a service's phone rule (the code of its PhoneNotAccepted) asks of the seller.
PHONE_RULES = {
    "mobile_only": "{service} delivers only to mobile numbers; give the buyer's mobile number.",
}


def normalize_phone(raw: str, country: str) -> str:
    """The number in E.164 when it is a valid number of ``country``; ValueError otherwise."""
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("Not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"Not a valid phone number in {country}.")
    if phonenumbers.region_code_for_number(number) != country:
        raise ValueError(f"Give a phone number in {country}; the carrier calls the buyer there.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def check_phone_for(adapter: str, e164: str) -> None:
    """ValueError, in words a seller can act on, when the service ``adapter`` cannot
    deliver to the number; the service itself knows (``phone_for_service``)."""
    service = adapter_class(adapter)
    if service is None:
        return
    try:
        service.phone_for_service(e164)
    except PhoneNotAccepted as exc:
        label = getattr(service, "label", adapter)
        rule = PHONE_RULES.get(exc.code, "{service} does not take this phone number.")
        raise ValueError(rule.format(service=label)) from exc


def check_ship_to(
    ship_to: dict, market: Market, adapter: str, required: tuple[str, ...]
) -> tuple[dict, dict[str, list[str]]]:
    """The normalised ship-to block and the problems found, keyed ``ship_to.<field>``."""
    errors: dict[str, list[str]] = {}
    out = dict(ship_to)
    if out.get("country") and out["country"] != market.country:
        errors["ship_to.country"] = [f"Market {market.code} delivers to {market.country} only."]
    out["country"] = market.country
    try:
        out["phone"] = normalize_phone(out["phone"], market.country)
        check_phone_for(adapter, out["phone"])
    except ValueError as exc:
        errors["ship_to.phone"] = [str(exc)]
    for name in required:
        if not out.get(name):
            label = FIELD_NAMES.get(name, name)
            errors[f"ship_to.{name}"] = [f"The {label} is required for deliveries by {adapter}."]
    return out, errors

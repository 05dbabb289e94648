"""What a seller or ops read about a ship-to problem, in their language.

The shipments service says what is wrong with an address as codes
(``connector.orders.address.AddressProblem``); the API and the ops fix form
call :func:`address_errors` to put them into words, keyed by field.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from connector.orders.address import AddressProblem, AddressRejected

# What each field is called in messages (with the carriers' own words for them).
FIELD_NAMES = {
    "province": _l("province (tỉnh/thành phố, oblast)"),
    "district": _l("district (quận/huyện)"),
    "ward": _l("ward (phường/xã)"),
    "city": _l("city"),
    "postal_code": _l("postal code"),
}


def describe(problem: AddressProblem) -> str:
    """One problem in words a seller can act on."""
    params = problem.params
    if problem.code == "wrong_country":
        return _(
            "Market %(market)s delivers to %(country)s only.",
            market=params["market"],
            country=params["country"],
        )
    if problem.code == "phone_unreadable":
        return _("Not a phone number.")
    if problem.code == "phone_invalid":
        return _("Not a valid phone number in %(country)s.", country=params["country"])
    if problem.code == "phone_abroad":
        return _(
            "Give a phone number in %(country)s; the carrier calls the buyer there.",
            country=params["country"],
        )
    if problem.code == "phone_not_accepted":
        if params.get("rule") == "mobile_only":
            return _(
                "%(service)s delivers only to mobile numbers; give the buyer's mobile number.",
                service=params["service"],
            )
        return _("%(service)s does not take this phone number.", service=params["service"])
    if problem.code == "required":
        name = params["name"]
        return _(
            "The %(field)s is required for deliveries by %(adapter)s.",
            field=FIELD_NAMES.get(name, name),
            adapter=params["adapter"],
        )
    return _("This value is not accepted.")


def address_errors(rejected: AddressRejected) -> dict[str, list[str]]:
    """The problems keyed by field (``ship_to.phone``), as the error envelope and forms show."""
    errors: dict[str, list[str]] = {}
    for problem in rejected.problems:
        errors.setdefault(problem.field, []).append(describe(problem))
    return errors

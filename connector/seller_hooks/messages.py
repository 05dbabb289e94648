"""Sellers' webhook codes in the reader's language: URL refusals, notices, resend refusals.

The services speak in stable codes; the API and the page put them into words here.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from connector.seller_hooks.events import EVENT_TYPES

REFUSALS = {
    "url_invalid": _l(
        "Give an absolute https:// address with a host, e.g. https://shop.example/hooks."
    ),
    "url_credentials": _l("Leave the user name and password out of the address."),
    "https_required": _l("Use an https:// address."),
    "address_internal": _l(
        "This address is on a private or internal network; webhooks go only to public addresses."
    ),
    "no_event": _l("Choose at least one event."),
    "endpoint_disabled": _l("Enable the endpoint before resending."),
    "delivery_in_flight": _l("This delivery is being sent right now; try again in a minute."),
}
EVENT_LABELS = {
    "offer.changed": _l("An offer in your markets changed"),
    "offer.withdrawn": _l("An offer in your markets was withdrawn"),
    "order.accepted": _l("Your order was accepted"),
    "order.refused": _l("Your order was refused"),
    "shipment.updated": _l("A shipment of your order changed state"),
}


def refusal(code: str) -> str:
    if code == "unknown_event":
        return _("Choose among: %(events)s.", events=", ".join(EVENT_TYPES))
    return str(REFUSALS.get(code, REFUSALS["url_invalid"]))


def notice(reason: str | None, when: datetime | None) -> str | None:
    """Why the endpoint was switched off, and what to do; None when it was not."""
    if reason is None:
        return None
    stamp = format_datetime(when, "yyyy-MM-dd HH:mm") + " UTC" if when else ""
    if reason == "gone":
        return _(
            "Disabled on %(when)s: the receiver answered 410 Gone. Enable the endpoint to "
            "receive webhooks again.",
            when=stamp,
        )
    return _(
        "Disabled on %(when)s: every delivery failed for a day. Fix the receiver, then "
        "enable the endpoint again and resend what it missed.",
        when=stamp,
    )

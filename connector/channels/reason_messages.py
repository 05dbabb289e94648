"""What the seller reads for each push status, refusal reason and connection error.

The push service stores codes (with their limits); the API and the page turn
them into the reader's language here.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

STATUS_LABELS = {
    "pending": _l("Waiting"),
    "synced": _l("On sale"),
    "retrying": _l("Retrying"),
    "refused": _l("Refused"),
    "failed": _l("Failed"),
    "delisted": _l("Withdrawn"),
}

REASONS = {
    "title_untranslated": _l("The title is not translated into the market's language."),
    "title_too_long": _l("The title is longer than the channel takes (%(limit)s characters)."),
    "title_too_short": _l(
        "The title is shorter than the channel takes (at least %(limit)s characters)."
    ),
    "brand_missing": _l("No brand: set your brand in the channel settings."),
    "category_unmapped": _l("The category is not mapped to this channel's categories yet."),
    "image_missing": _l("Too few images: the channel needs at least %(min)s."),
    "price_out_of_bounds": _l("The price is outside what the channel takes (%(min)s to %(max)s)."),
    "description_too_long": _l(
        "The description is longer than the channel takes (%(limit)s characters)."
    ),
    "description_too_short": _l(
        "The description is shorter than the channel takes (at least %(limit)s characters)."
    ),
    "channel_refused": _l("The channel refused it: %(message)s"),
}

CONNECTION_ERRORS = {
    "channel_unknown": _l("Choose one of the channels."),
    "market_not_served": _l("This channel does not sell in this market."),
    "market_not_allowed": _l("Your account may not sell in this market."),
    "shop_id_invalid": _l("Give the shop's number, digits only."),
    "secret_invalid": _l("Paste the whole credential: 8 to 2000 characters, no spaces."),
    "option_invalid": _l("Use digits only."),
    "already_connected": _l("You have connected this channel in this market already."),
}


def reason_text(reason: dict) -> str:
    template = REASONS.get(reason.get("code", ""))
    if template is None:
        return str(reason.get("code"))
    params = {"limit": "", "min": "", "max": "", "message": "", **reason}
    return str(template) % params


def error_text(code: str | None, transient: bool) -> str | None:
    """A failed push in words: a lapse we retry, credentials refused, or the code."""
    if not code:
        return None
    if code in ("error_auth", "error_sign", "error_permission", "unauthorized", "not_configured"):
        return _("The channel refuses these credentials: connect again with new ones.")
    if transient:
        return _("The channel did not answer; we try again.")
    return _("The push failed (%(code)s).", code=code)

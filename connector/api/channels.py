"""``/api/v1/channel-settings``, ``/api/v1/channel-categories`` and the polled channel feeds.

A seller presents our offers its own way: its brand, links to its shop, its
channels per market and its margin or rounding per channel. Ops map our
categories to each channel's category ids. Kaspi polls a seller's price list
from a stable URL that carries the seller's feed key instead of an API key.
"""

from __future__ import annotations

import hashlib
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.feeds import categories, page_cache, service
from connector.feeds import settings as channel_settings
from connector.feeds.formats import FORMATS
from connector.feeds.presentation import BadLinkTemplate, check_link_template
from connector.markets.registry import markets
from connector.models import Role, User
from connector.ops import audit
from connector.ops.audit import Actor
from connector.urls import public_url_for

blp = Blueprint("channels_api", __name__, url_prefix="", description="Seller channels")

LINK_MESSAGES = {
    "link_whitespace": _l("A link may not contain spaces."),
    "link_not_absolute": _l(
        "Give an absolute http(s) address with a host, e.g. https://shop.example/p/{sku}."
    ),
    "link_unknown_placeholder": _l(
        "Unknown placeholders: %(detail)s. Use {sku}, {offer_id}, {market} or {lang}."
    ),
    "link_no_product": _l("Put {sku} or {offer_id} in the link, so each product has its page."),
}
_STORE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class ChannelPrefsSchema(Schema):
    margin_pct = f.Decimal(
        load_default=None,
        validate=validate.Range(0, 500, error=_l("Use a margin from 0 to 500 percent.")),
        metadata={"description": "Added on top of our price, in percent."},
    )
    rounding_step = f.Decimal(
        load_default=None,
        validate=validate.Range(
            0, 1_000_000, min_inclusive=False, error=_l("Use a step above 0, up to 1000000.")
        ),
        metadata={"description": "Prices are rounded up to a multiple of this step."},
    )


class KaspiSchema(Schema):
    company = f.String(required=True, validate=validate.Length(1, 200))
    merchant_id = f.String(
        required=True,
        validate=validate.Regexp(_STORE_ID, error=_l("Use letters, digits, dots, dashes.")),
    )
    store_id = f.String(
        load_default="PP1",
        validate=validate.Regexp(_STORE_ID, error=_l("Use letters, digits, dots, dashes.")),
        metadata={"description": "The pickup point's id in the Kaspi merchant cabinet."},
    )


class OzonSchema(Schema):
    warehouse_id = f.String(
        required=True,
        validate=validate.Regexp(r"^[0-9]{1,20}$", error=_l("Use digits only.")),
        metadata={"description": "Your Ozon warehouse id, for stock updates."},
    )


class ChannelSettingsSchema(Schema):
    brand = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 70),
        metadata={"description": "Your brand in feeds; default: the factory's name in Latin."},
    )
    link_template = f.String(
        load_default=None,
        allow_none=True,
        validate=validate.Length(1, 500),
        metadata={"description": "Your product page, e.g. https://shop.example/p/{sku}."},
    )
    kaspi = f.Nested(KaspiSchema, load_default=None, allow_none=True)
    ozon = f.Nested(OzonSchema, load_default=None, allow_none=True)
    markets = f.Dict(
        keys=fields.String(),
        values=f.Dict(
            keys=fields.String(validate=validate.OneOf(list(FORMATS))),
            values=f.Nested(ChannelPrefsSchema),
        ),
        load_default=dict,
        metadata={
            "description": "Per market, the channels you sell on and their margin or rounding: "
            '{"KZ": {"kaspi": {"margin_pct": "5"}, "csv": {}}}.'
        },
    )

    @validates("link_template")
    def _link(self, value, **kwargs):
        if value is None:
            return
        try:
            check_link_template(value)
        except BadLinkTemplate as exc:
            raise ValidationError(str(LINK_MESSAGES[exc.code]) % {"detail": exc.detail}) from exc


class ChannelSettingsOutSchema(Schema):
    brand = fields.String(allow_none=True)
    link_template = fields.String(allow_none=True)
    kaspi = fields.Dict(allow_none=True)
    ozon = fields.Dict(allow_none=True)
    markets = fields.Dict()
    feeds = fields.Dict(
        metadata={"description": "Per market and channel, the URL the channel polls."}
    )


def _plain(document: dict) -> dict:
    """Decimals as strings: the stored document is JSON."""
    markets_out = {}
    for market, channels in (document.get("markets") or {}).items():
        markets_out[market] = {
            channel: {key: str(value) for key, value in prefs.items() if value is not None}
            for channel, prefs in channels.items()
        }
    return {**document, "markets": markets_out}


def _view(seller: User) -> dict:
    row = channel_settings.settings_row(seller)
    document = dict(row.settings or {}) if row is not None else {}
    feeds: dict[str, dict[str, str]] = {}
    if row is not None:
        for market, channels in (document.get("markets") or {}).items():
            for channel in channels:
                if FORMATS[channel].whole_catalogue:
                    feeds.setdefault(market, {})[channel] = public_url_for(
                        "channels_api.channel_feed", key=row.feed_key, code=market, fmt=channel
                    )
    return {
        "brand": document.get("brand"),
        "link_template": document.get("link_template"),
        "kaspi": document.get("kaspi"),
        "ozon": document.get("ozon"),
        "markets": document.get("markets") or {},
        "feeds": feeds,
    }


@blp.get("/channel-settings")
@requires_api_role(Role.SELLER)
@blp.response(200, ChannelSettingsOutSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def get_channel_settings(user: User):
    """Your brand, shop links and channels per market, with the URLs channels poll."""
    return _view(user)


@blp.put("/channel-settings")
@requires_api_role(Role.SELLER)
@blp.arguments(ChannelSettingsSchema)
@blp.response(200, ChannelSettingsOutSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def put_channel_settings(args: dict, user: User):
    """Replace your channel settings (the offer data stays ours; the presentation is yours)."""
    allowed = set(user.markets or [])
    errors = {}
    for market, channels in args["markets"].items():
        if market not in allowed:
            errors[f"markets.{market}"] = [_("This key may not read this market.")]
        elif "kaspi" in channels and not args.get("kaspi"):
            errors["kaspi"] = [_("Kaspi needs your company name and merchant id.")]
    if errors:
        abort(422, errors=errors)
    document = _plain(args)
    channel_settings.save_settings(user, document)
    audit.record(
        Actor.of(user, "api"), "seller.channel_settings", "seller", user.id, details=document
    )
    return _view(user)


@blp.post("/channel-settings/feed-key")
@requires_api_role(Role.SELLER)
@blp.response(200, ChannelSettingsOutSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def rotate_feed_key(user: User):
    """A new key in your polled feed URLs; the old URLs stop answering at once."""
    channel_settings.rotate_feed_key(user)
    audit.record(Actor.of(user, "api"), "seller.feed_key_rotate", "seller", user.id, details={})
    return _view(user)


def _feed_key_credential(req, match) -> page_cache.Credential:
    """The feed key in the polled URL stands for an API key: the principal is kept by its
    digest, and its requests are counted under it."""
    digest = channel_settings.feed_key_digest(match["key"])
    return page_cache.Credential("feed-" + digest, "feed:" + digest[:24])


# Kaspi polls the whole catalogue: made once per change of the market's offers (or of the
# seller's settings), like every feed page (connector/feeds/page_cache/).
page_cache.cacheable(
    "channels_api.channel_feed",
    r"/api/v1/channel-feeds/(?P<key>[^/]+)/(?P<code>[^/]+)/(?P<fmt>[^/]+)",
    lambda req, match: match["fmt"],
    credential=_feed_key_credential,
    may_read=lambda principal, code, fmt: f"{code}/{fmt}" in principal.get("feeds", ()),
)


@blp.get("/channel-feeds/<key>/<code>/<fmt>")
@blp.doc(security=[])
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def channel_feed(key: str, code: str, fmt: str):
    """A seller's whole catalogue in a channel's format, at a URL the channel polls (Kaspi)."""
    found = channel_settings.seller_by_feed_key(key)
    market = markets().get(code.upper())
    if found is None or market is None:
        abort(404, message=_("No such feed."))
    seller, settings = found
    polled = channel_settings.polled_feeds(seller, settings)
    if f"{market.code}/{fmt}" not in polled:
        abort(404, message=_("No such feed."))
    query = service.FeedQuery(
        market=market.code,
        locale=_catalogue_locale(market.locales),
        fmt=fmt,
        limit=500,
        ready_only=True,
        presentation=channel_settings.presentation_from(settings, market.code, fmt),
    )
    scope = {"role": "feed", "feeds": polled}
    return page_cache.serve(seller, market, lambda seq: _catalogue(query, seq), scope=scope)


def _catalogue(query: service.FeedQuery, seq: int) -> page_cache.Rendered:
    """The whole catalogue pinned to the market's change ``seq``."""
    query.upper = seq
    page = service.load_catalogue(query)
    frame = service.frame_of(page)
    # The file carries the time it was made: a strong ETag names these very bytes.
    etag = hashlib.sha256(f"{service.etag_of(page)}:{frame.date}".encode()).hexdigest()[:32]
    return page_cache.Rendered(
        body=service.assemble(page, frame),
        content_type=FORMATS[query.fmt].media_type,
        etag=etag,
    )


def _catalogue_locale(locales: tuple[str, ...]) -> str:
    # Kaspi's catalogue reads Russian; the market's first locale elsewhere.
    return next((locale for locale in locales if locale.startswith("ru")), locales[0])


class CategoryMappingOutSchema(categories.CategoryMappingSchema):
    id = fields.Integer()
    updated_at = fields.AwareDateTime()


class CategoryQuerySchema(Schema):
    channel = f.String(validate=validate.OneOf(categories.MAPPED_CHANNELS))


@blp.get("/channel-categories")
@requires_api_role(Role.OPS)
@blp.arguments(CategoryQuerySchema, location="query")
@blp.response(200, CategoryMappingOutSchema(many=True))
def list_category_mappings(args: dict, user: User):
    """Our categories mapped to each channel's category id."""
    return categories.mappings(args.get("channel"))


@blp.put("/channel-categories")
@requires_api_role(Role.OPS)
@blp.arguments(categories.CategoryMappingSchema)
@blp.response(200, CategoryMappingOutSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def put_category_mapping(args: dict, user: User):
    """Map one of our categories to a channel's category id (replaces an earlier mapping)."""
    return categories.put_mapping(
        Actor.of(user, "api"), args["channel"], args["category"], args["channel_category_id"]
    )


@blp.delete("/channel-categories/<int:mapping_id>")
@requires_api_role(Role.OPS)
@blp.response(204)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def delete_category_mapping(mapping_id: int, user: User):
    """Remove a mapping: the channel's exports refuse offers of that category again."""
    if not categories.delete_mapping(Actor.of(user, "api"), mapping_id):
        abort(404, message=_("No such mapping."))

"""Seller feeds: ``/api/v1/markets``, ``/api/v1/markets/<code>/offers``, ``/api/v1/offers/<id>``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from flask import Response, request, stream_with_context
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate, validates
from werkzeug.datastructures import MIMEAccept

from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.extensions import db
from connector.feeds import export, page_cache, service
from connector.feeds import settings as channel_settings
from connector.feeds.formats import FORMATS
from connector.feeds.render import seller_item
from connector.fields import TIME_OUT_OF_RANGE
from connector.markets.model import Market
from connector.markets.registry import markets
from connector.models import Listing, Offer, Role, User
from connector.offers.visibility import for_seller
from connector.params import in_utc
from connector.urls import public_base, public_url_for

blp = Blueprint("feeds_api", __name__, url_prefix="", description="Seller feeds")


class MarketSchema(Schema):
    code = fields.String()
    name = fields.String()
    currency = fields.String()
    locales = fields.List(fields.String())
    default_mode = fields.String()


class FeedArgsSchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    cursor = fields.String(metadata={"description": "Opaque; from the previous page."})
    updated_since = fields.String(
        metadata={
            "description": "A `sync_token` from the last page of the previous sync "
            "(exact), or an ISO 8601 time. Only changes after it are "
            "listed, and offers withdrawn since then under `withdrawn`."
        }
    )
    lang = fields.String(
        metadata={"description": "One of the market's locales (kk_KZ, ru_KZ) or its language (ru)."}
    )
    ready_only = fields.Boolean(load_default=True)
    format = fields.String(
        validate=validate.OneOf(list(FORMATS)),
        metadata={
            "description": "json, csv (Shopify), xml (Google Merchant), kaspi (Kaspi.kz "
            "price list), ozon, ozon_prices or wildberries (request bodies to post, with "
            "what the channel would refuse under `refused`); otherwise the Accept header."
        },
    )

    @validates("updated_since")
    def _not_empty(self, value, **kwargs):
        if not value.strip():
            raise ValidationError("Give a sync token or an ISO 8601 time.")


class FeedVariantPriceSchema(Schema):
    min_qty = fields.Integer()
    price = fields.String()
    display = fields.String(allow_none=True)


class FeedVariantSchema(Schema):
    sku = fields.String()
    options = fields.Dict(keys=fields.String(), values=fields.String())
    stock = fields.Integer(allow_none=True)
    prices = fields.List(fields.Nested(FeedVariantPriceSchema))


class FeedItemSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    seq = fields.Integer()
    status = fields.String()
    market = fields.String()
    locale = fields.String()
    currency = fields.String()
    title = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    link = fields.String()
    images = fields.List(fields.String())
    variants = fields.List(fields.Nested(FeedVariantSchema))


class WithdrawnSchema(Schema):
    id = fields.Integer()
    version = fields.Integer()
    status = fields.String()


class FeedPageSchema(Schema):
    market = fields.String()
    lang = fields.String()
    ready_only = fields.Boolean()
    items = fields.List(fields.Nested(FeedItemSchema))
    withdrawn = fields.List(fields.Nested(WithdrawnSchema))
    next_cursor = fields.String(allow_none=True)
    sync_token = fields.String(
        allow_none=True,
        metadata={"description": "On the last page: pass it as `updated_since` next time."},
    )
    count = fields.Integer()


def readable_markets(user: User) -> list[Market]:
    if user.role == Role.OPS:
        return list(markets().values())
    allowed = set(user.markets or [])
    return [market for code, market in markets().items() if code in allowed]


def _market_for(user: User, code: str) -> Market:
    market = markets().get(code.upper())
    if market is None:
        abort(404, message=_("No such market."))
    if market not in readable_markets(user):
        abort(403, message=_("This key may not read this market."))
    return market


def _locale(market: Market, wanted: str | None) -> str:
    if not wanted:
        return market.locales[0]
    wanted = wanted.replace("-", "_")
    for locale in market.locales:
        if wanted.lower() in (locale.lower(), locale.split("_")[0].lower()):
            return locale
    abort(422, errors={"lang": [_("Use one of %(locales)s.", locales=", ".join(market.locales))]})


def _format(args: Mapping, accept: MIMEAccept) -> str:
    if args.get("format"):
        return args["format"]
    best = accept.best_match(
        ["application/json", "text/csv", "application/rss+xml", "application/xml"],
        default="application/json",
    )
    return {"text/csv": "csv", "application/rss+xml": "xml", "application/xml": "xml"}.get(
        best, "json"
    )


def _since(args: dict, market: Market) -> int | None:
    raw = args.get("updated_since")
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            return service.decode_sync_token(raw, market.code)
        except service.BadCursor as exc:
            abort(422, errors={"updated_since": [str(exc)]})
    utc = in_utc(moment)
    if utc is None:
        abort(422, errors={"updated_since": [str(TIME_OUT_OF_RANGE)]})
    return service.since_from_time(market.code, utc)


@blp.get("/markets")
@requires_api_role(Role.SELLER, Role.OPS)
@blp.response(200, MarketSchema(many=True))
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
def list_markets(user: User):
    """The markets this key may read, with currency and locales."""
    return readable_markets(user)


# Served from pages already made when they are (connector/feeds/page_cache/).
page_cache.cacheable(
    "feeds_api.market_offers",
    r"/api/v1/markets/(?P<code>[^/]+)/offers",
    lambda req, match: _format(req.args, req.accept_mimetypes),
)


@blp.get("/markets/<code>/offers")
@requires_api_role(Role.SELLER, Role.OPS)
@blp.arguments(FeedArgsSchema, location="query")
@blp.response(200, FeedPageSchema, description="A page of offers (JSON, CSV or XML)")
@blp.doc(
    responses={
        "200": {
            "description": "A page of offers (JSON, CSV or XML)",
            # Every format the page comes in (chosen by `format` or Accept), JSON included.
            "content": {
                "application/json": {"schema": FeedPageSchema},
                "text/csv": {"schema": {"type": "string"}},
                "application/rss+xml": {"schema": {"type": "string"}},
            },
            "headers": {
                "ETag": {"schema": {"type": "string"}},
                "Link": {"schema": {"type": "string"}, "description": "rel=next page"},
            },
        },
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
    }
)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.alt_response(429, schema=ErrorEnvelopeSchema)
def market_offers(args: dict, code: str, user: User):
    """A market's offers, a page at a time, in a stable order; incremental with `updated_since`."""
    market = _market_for(user, code)
    fmt = _format(args, request.accept_mimetypes)
    settings = channel_settings.settings_of(user) if user.role == Role.SELLER else {}
    if not channel_settings.channel_open(settings, market.code, fmt):
        abort(
            403,
            message=_("You do not sell on this channel in this market; add it to your settings."),
            errors={"format": [_("Not one of your channels in this market.")]},
        )
    query = service.FeedQuery(
        market=market.code,
        locale=_locale(market, args.get("lang")),
        fmt=fmt,
        limit=args["limit"],
        ready_only=args["ready_only"],
        since=_since(args, market),
        presentation=channel_settings.presentation_from(
            settings, market.code, fmt, _categories(fmt)
        ),
    )
    if args.get("cursor"):
        try:
            service.decode_cursor(args["cursor"], query)
        except service.BadCursor as exc:
            abort(422, errors={"cursor": [str(exc)]})
    return page_cache.serve(user, market, lambda seq: _render(market, query, seq))


def _render(market: Market, query: service.FeedQuery, seq: int) -> page_cache.Rendered:
    """The page's bytes and headers, pinned (for a new sync) to the market's change ``seq``."""
    if query.upper is None:
        query.upper = max(seq, query.since or 0)
    page = service.load_page(query)
    headers = {}
    if page.next_cursor:
        link = public_url_for(
            "feeds_api.market_offers",
            code=market.code,
            cursor=page.next_cursor,
            limit=query.limit,
            lang=query.locale,
            format=query.fmt,
            ready_only=str(query.ready_only).lower(),
        )
        headers["Link"] = f'<{link}>; rel="next"'
        headers["X-Next-Cursor"] = page.next_cursor
    if page.sync_token:
        headers["X-Sync-Token"] = page.sync_token
    if query.fmt != "json" and page.withdrawn:
        headers["X-Withdrawn"] = ",".join(str(w["id"]) for w in page.withdrawn)
    return page_cache.Rendered(
        body=service.assemble(page),
        content_type=FORMATS[query.fmt].media_type,
        etag=service.etag_of(page),
        headers=headers,
    )


def _categories(fmt: str) -> dict[str, str] | None:
    channel = FORMATS[fmt].category_channel
    return channel_settings.category_map(channel) if channel else None


class ExportArgsSchema(Schema):
    lang = fields.String(
        metadata={"description": "One of the market's locales (kk_KZ, ru_KZ) or its language (ru)."}
    )


@blp.get("/markets/<code>/offers/export")
@requires_api_role(Role.SELLER, Role.OPS)
@blp.arguments(ExportArgsSchema, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "Every ready offer, one feed item (as in the JSON feed) a line; "
            'the last line is `{"sync_token": ..., "count": ...}`. Gzip-compressed '
            "when the request accepts gzip.",
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        },
    }
)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
@blp.alt_response(429, schema=ErrorEnvelopeSchema)
def export_offers(args: dict, code: str, user: User):
    """A market's whole catalogue in one streamed download, for a first sync; continue
    with the feed's `updated_since` set to the last line's `sync_token`."""
    market = _market_for(user, code)
    locale = _locale(market, args.get("lang"))
    compress = bool(request.accept_encodings["gzip"])
    headers = {"Cache-Control": "no-store", "Vary": "Accept-Encoding"}
    if compress:
        headers["Content-Encoding"] = "gzip"
    return Response(
        stream_with_context(export.ndjson(market.code, locale, compress)),
        headers=headers,
        mimetype="application/x-ndjson",
    )


class OfferDetailSchema(FeedItemSchema):
    breakdown_components = fields.List(fields.String())
    document = fields.Dict()


@blp.get("/offers/<int:offer_id>")
@requires_api_role(Role.SELLER, Role.OPS, Role.EXPORTER)
@blp.response(200, OfferDetailSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
def offer_detail(offer_id: int, user: User):
    """One offer with its full price breakdown per variant and tier, and the FX it used."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not _may_see(user, offer):
        abort(404, message=_("No such offer."))
    market = markets()[offer.market_code]
    locale = _locale(market, request.args.get("lang"))
    item = seller_item(
        offer.id,
        offer.version,
        offer.feed_seq,
        offer.document,
        locale,
        public_base(),
    )
    document = for_seller(offer.document) if user.role == Role.SELLER else offer.document
    return {
        **item,
        "breakdown_components": document["components"],
        "document": document,
    }


def _may_see(user: User, offer: Offer) -> bool:
    if user.role == Role.OPS:
        return True
    if user.role == Role.SELLER:
        return offer.market_code in (user.markets or [])
    listing = db.session.get(Listing, offer.listing_id)
    return listing is not None and listing.supplier_id == user.supplier_id

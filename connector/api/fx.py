"""``/api/v1/fx``: the rates prices use now, provider health, and ops' manual rates."""

from __future__ import annotations

from decimal import Decimal

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from connector.api.common import ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.extensions import db
from connector.fields import Decimal as DecimalField
from connector.fx.store import set_manual_rate
from connector.models import FxProviderState, FxRate, Role, User
from connector.models.types import utcnow
from connector.offers.service import fx_for, markets, markets_affected
from connector.ops import audit
from connector.ops.audit import Actor
from jobs.enqueue import enqueue_after_commit
from jobs.fx import refresh_rates
from jobs.offers import enqueue_market_reprice

blp = Blueprint("fx_api", __name__, url_prefix="/fx", description="FX rates")


class ManualRateSchema(Schema):
    base = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    quote = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    rate = DecimalField(
        required=True,
        validate=validate.Range(Decimal("0.0000000001"), Decimal("100000000")),
        metadata={"description": "Units of `quote` per 1 `base`."},
    )
    note = fields.String(load_default=None, validate=validate.Length(max=500))


class LegSchema(Schema):
    pair = fields.String()
    rate = fields.String()
    source = fields.String()
    as_of = fields.String()
    inverse = fields.Boolean(metadata={"description": "The quote is read backwards (1/rate)."})


class RateSchema(Schema):
    pair = fields.String()
    rate = fields.String()
    source = fields.String()
    as_of = fields.String()
    path = fields.List(fields.String())
    legs = fields.List(
        fields.Nested(LegSchema),
        metadata={"description": "For a cross rate: each quote it multiplies or divides by."},
    )


class MarketRatesSchema(Schema):
    market = fields.String()
    currency = fields.String()
    usable = fields.Boolean()
    stale = fields.List(fields.String())
    missing = fields.List(fields.String())
    max_age_hours = fields.Integer()
    rates = fields.Dict(keys=fields.String(), values=fields.Nested(RateSchema))


class ProviderSchema(Schema):
    name = fields.String()
    last_success_at = fields.AwareDateTime(allow_none=True)
    last_failure_at = fields.AwareDateTime(allow_none=True)
    last_error_code = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    consecutive_failures = fields.Integer()


class RatesOverviewSchema(Schema):
    markets = fields.List(fields.Nested(MarketRatesSchema))
    providers = fields.List(fields.Nested(ProviderSchema))


class StoredRateSchema(Schema):
    id = fields.Integer()
    base = fields.String()
    quote = fields.String()
    rate = fields.Decimal(as_string=True)
    source = fields.String()
    as_of = fields.AwareDateTime()
    set_by_id = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    repriced_markets = fields.List(fields.String())


class JobSchema(Schema):
    job_id = fields.String(allow_none=True)


def rates_overview() -> dict:
    now = utcnow()
    overview = []
    for market in markets().values():
        fx = fx_for(market, now)
        overview.append(
            {
                "market": market.code,
                "currency": market.currency,
                "usable": fx.usable,
                "stale": fx.stale,
                "missing": fx.missing,
                "max_age_hours": market.fx_max_age_hours,
                "rates": fx.provenance(),
            }
        )
    providers = db.session.execute(select(FxProviderState).order_by(FxProviderState.name))
    return {"markets": overview, "providers": providers.scalars().all()}


@blp.get("/rates")
@requires_api_role(Role.EXPORTER, Role.OPS)
@blp.response(200, RatesOverviewSchema)
@blp.alt_response(401, schema=ErrorEnvelopeSchema)
def current_rates(user: User):
    """The rate each market's prices use now, its source, age and staleness; provider health."""
    return rates_overview()


@blp.post("/rates")
@requires_api_role(Role.OPS)
@blp.arguments(ManualRateSchema)
@blp.response(201, StoredRateSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(422, schema=ErrorEnvelopeSchema)
def post_manual_rate(args, user: User):
    """Set a manual rate (ops); it is used until a provider publishes a newer one."""
    row: FxRate = set_manual_rate(user, args["base"], args["quote"], args["rate"], args["note"])
    affected = markets_affected([(row.base, row.quote)])
    queued = [code for code in affected if enqueue_market_reprice(code)]
    audit.record(
        Actor.of(user, "api"),
        "fx.manual_rate",
        "fx_rate",
        row.id,
        details={
            "pair": f"{row.base}/{row.quote}",
            "rate": str(row.rate),
            "note": row.note,
            "repriced_markets": affected,
            "reprice_queued": queued,
        },
    )
    body = {
        c: getattr(row, c)
        for c in ("id", "base", "quote", "rate", "source", "as_of", "set_by_id", "note")
    }
    return {**body, "repriced_markets": affected}


@blp.post("/refresh")
@requires_api_role(Role.OPS)
@blp.response(202, JobSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def refresh(user: User):
    """Fetch rates from the configured providers now, in the background."""
    job_id = enqueue_after_commit(refresh_rates, job_timeout=120)
    audit.record(
        Actor.of(user, "api"),
        "fx.refresh",
        "job",
        job_id,
        result="queued" if job_id else "failed",
    )
    return {"job_id": job_id}

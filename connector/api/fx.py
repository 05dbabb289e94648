"""``/api/v1/fx``: the rates prices use now, provider health, quarantined rates, ops' actions."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from connector import fields as f
from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.enqueue import enqueue
from connector.extensions import db
from connector.fields import Decimal as DecimalField
from connector.fx import quarantine
from connector.markets.registry import markets
from connector.models import FxProviderState, Role, User
from connector.models.types import utcnow
from connector.offers.service import fx_for
from connector.ops import audit, fx_actions
from connector.ops.audit import Actor

blp = Blueprint("fx_api", __name__, url_prefix="/fx", description="FX rates")


class ManualRateSchema(Schema):
    base = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    quote = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$"))
    rate = DecimalField(
        required=True,
        validate=validate.Range(Decimal("0.0000000001"), Decimal("100000000")),
        metadata={"description": "Units of `quote` per 1 `base`."},
    )
    note = f.String(load_default=None, validate=validate.Length(max=500))


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


class QuarantinedRateSchema(Schema):
    id = fields.Integer()
    pair = fields.String()
    base = fields.String()
    quote = fields.String()
    rate = fields.Decimal(as_string=True)
    source = fields.String()
    as_of = fields.AwareDateTime()
    fetched_at = fields.AwareDateTime()
    status = fields.String(metadata={"description": "accepted, quarantined or rejected"})
    reference_rate = fields.Decimal(
        as_string=True,
        allow_none=True,
        metadata={"description": "The last accepted rate of the pair and source it moved from."},
    )
    move_pct = fields.Decimal(
        as_string=True, allow_none=True, metadata={"description": "How far, in percent."}
    )


class ReviewedRateSchema(QuarantinedRateSchema):
    repriced_markets = fields.List(fields.String())


class RatesOverviewSchema(Schema):
    markets = fields.List(fields.Nested(MarketRatesSchema))
    providers = fields.List(fields.Nested(ProviderSchema))
    quarantined = fields.List(
        fields.Nested(QuarantinedRateSchema),
        metadata={
            "description": "Fetched rates that jumped past a market's limit: not used "
            "until ops approve them."
        },
    )


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
    return {
        "markets": overview,
        "providers": providers.scalars().all(),
        "quarantined": [quarantine.as_dict(rate) for rate in quarantine.quarantined()],
    }


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
    done = fx_actions.set_rate(
        Actor.of(user, "api"), user, args["base"], args["quote"], args["rate"], args["note"]
    )
    row = done.rate
    body = {
        c: getattr(row, c)
        for c in ("id", "base", "quote", "rate", "source", "as_of", "set_by_id", "note")
    }
    return {**body, "repriced_markets": done.repriced_markets}


def _review(rate_id: int, user: User, approve: bool) -> dict:
    act = fx_actions.approve_rate if approve else fx_actions.reject_rate
    try:
        done = act(rate_id, Actor.of(user, "api"), user)
    except LookupError:
        abort(404, message=_("No such FX rate."))
    except fx_actions.NotQuarantined as exc:
        abort(
            409,
            message=_(
                "This rate is not waiting for a decision: it is %(status)s.", status=exc.rate.status
            ),
        )
    return {**quarantine.as_dict(done.rate), "repriced_markets": done.repriced_markets}


@blp.post("/rates/<int:rate_id>/approve")
@requires_api_role(Role.OPS)
@blp.response(200, ReviewedRateSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def approve_rate(rate_id: int, user: User):
    """Approve a quarantined rate (ops): prices may use it; the markets it touches reprice."""
    return _review(rate_id, user, approve=True)


@blp.post("/rates/<int:rate_id>/reject")
@requires_api_role(Role.OPS)
@blp.response(200, ReviewedRateSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(409, schema=ErrorEnvelopeSchema)
def reject_rate(rate_id: int, user: User):
    """Reject a quarantined rate (ops): it is never used."""
    return _review(rate_id, user, approve=False)


@blp.post("/refresh")
@requires_api_role(Role.OPS)
@blp.response(202, JobSchema)
@blp.alt_response(403, schema=ErrorEnvelopeSchema)
def refresh(user: User):
    """Fetch rates from the configured providers now, in the background."""
    job_id = enqueue("jobs.fx.refresh_rates", job_timeout=120)
    audit.record(
        Actor.of(user, "api"),
        "fx.refresh",
        "job",
        job_id,
        result="queued" if job_id else "failed",
    )
    return {"job_id": job_id}

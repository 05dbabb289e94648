"""The FX page: the rates each market uses, the providers' health, manual rates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from connector.extensions import db
from connector.fields import EXPONENT_MESSAGE, has_exponent, text_problem
from connector.fx.store import set_manual_rate
from connector.models import FxProviderState, FxRate, User
from connector.models.types import utcnow
from connector.offers.service import fx_for, markets, markets_affected
from connector.ops import audit
from connector.ops.blueprint import bp, web_actor
from jobs.offers import enqueue_market_reprice

MAX_RATE = Decimal("100000000")
MIN_RATE = Decimal("0.0000000001")


def plain_decimal(value: Decimal) -> str:
    """``3450.5000000000`` as ``3450.5`` (never ``3.4505E+3``)."""
    return format(Decimal(value).normalize(), "f")


def _market_rows(now) -> list[dict]:
    rows = []
    for market in markets().values():
        fx = fx_for(market, now)
        rates = []
        for currency, rate in sorted(fx.rates.items()):
            rates.append(
                {
                    "currency": currency,
                    "pair": f"{rate.base}/{rate.quote}",
                    "rate": rate.rate,
                    "source": rate.source,
                    "as_of": rate.as_of,
                    "age_hours": (now - rate.as_of).total_seconds() / 3600,
                    "stale": currency in fx.stale,
                    "path": list(rate.path),
                }
            )
        rows.append(
            {
                "code": market.code,
                "name": market.name,
                "currency": market.currency,
                "usable": fx.usable,
                "missing": list(fx.missing),
                "max_age_hours": market.fx_max_age_hours,
                "rates": rates,
            }
        )
    return rows


def _manual_rates(limit: int = 10) -> list:
    return db.session.execute(
        select(FxRate, User.email)
        .outerjoin(User, User.id == FxRate.set_by_id)
        .where(FxRate.source == "manual")
        .order_by(FxRate.id.desc())
        .limit(limit)
    ).all()


def _render(values: dict, errors: dict, status: int = 200):
    now = utcnow()
    providers = db.session.execute(select(FxProviderState).order_by(FxProviderState.name))
    body = render_template(
        "ops/fx.html",
        markets=_market_rows(now),
        providers=providers.scalars().all(),
        manual=_manual_rates(),
        values=values,
        errors=errors,
        now=now,
        plain=plain_decimal,
    )
    return body, status


@bp.get("/fx")
def fx_page():
    return _render({"base": "CNY"}, {})


def _read_rate_form(form) -> tuple[dict, dict[str, list[str]]]:
    values = {name: (form.get(name) or "").strip() for name in ("base", "quote", "rate", "note")}
    values["base"], values["quote"] = values["base"].upper(), values["quote"].upper()
    errors: dict[str, list[str]] = {}
    for name in ("base", "quote"):
        if len(values[name]) != 3 or not values[name].isalpha() or not values[name].isascii():
            errors[name] = [_("Give a three-letter currency code, such as CNY.")]
    if not errors and values["base"] == values["quote"]:
        errors["quote"] = [_("Choose two different currencies.")]
    typed = values["rate"].replace(",", "").replace(" ", "")
    try:
        rate = Decimal(typed)
    except InvalidOperation:
        rate = None
    if has_exponent(typed):
        errors["rate"] = [str(EXPONENT_MESSAGE)]
    elif rate is None or not rate.is_finite() or not MIN_RATE <= rate <= MAX_RATE:
        errors["rate"] = [_("Give the rate as a positive number, such as 3450.5.")]
    if len(values["note"]) > 500:
        errors["note"] = [_("Use at most 500 characters.")]
    elif text_problem(values["note"]):
        errors["note"] = [str(text_problem(values["note"]))]
    values["parsed_rate"] = rate
    return values, errors


@bp.post("/fx/rates")
def set_rate():
    values, errors = _read_rate_form(request.form)
    if errors:
        return _render(values, errors, 422)
    row = set_manual_rate(
        current_user, values["base"], values["quote"], values["parsed_rate"], values["note"] or None
    )
    affected = markets_affected([(row.base, row.quote)])
    queued = [code for code in affected if enqueue_market_reprice(code)]
    audit.record(
        web_actor(),
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
    flash(
        _(
            "1 %(base)s = %(rate)s %(quote)s is set; offers of %(markets)s are being repriced.",
            base=row.base,
            rate=plain_decimal(row.rate),
            quote=row.quote,
            markets=", ".join(affected) or "—",
        ),
        "success",
    )
    return redirect(url_for("ops.fx_page"))

"""The FX page: the rates each market uses, the providers' health, manual rates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from connector.extensions import db
from connector.fields import EXPONENT_MESSAGE, has_exponent, text_problem
from connector.fx import quarantine
from connector.markets.registry import markets
from connector.models import FxProviderState, FxRate, FxRateStatus, User
from connector.models.types import utcnow
from connector.offers.formats import significant
from connector.offers.service import fx_for
from connector.ops import fx_actions
from connector.ops.blueprint import bp, web_actor

STATUS_LABELS = {
    FxRateStatus.ACCEPTED.value: _l("accepted"),
    FxRateStatus.QUARANTINED.value: _l("quarantined"),
    FxRateStatus.REJECTED.value: _l("rejected"),
}

MAX_RATE = Decimal("100000000")
MIN_RATE = Decimal("0.0000000001")


def plain_decimal(value: Decimal) -> str:
    """``3450.5000000000`` as ``3450.5`` (never ``3.4505E+3``)."""
    return format(Decimal(value).normalize(), "f")


def rate_shown(value: Decimal) -> str:
    """A rate for reading: six significant digits (a crossed rate carries 28)."""
    return significant(Decimal(value))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


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
        quarantined=quarantine.quarantined(),
        values=values,
        errors=errors,
        now=now,
        plain=plain_decimal,
        rate_shown=rate_shown,
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
    done = fx_actions.set_rate(
        web_actor(),
        current_user,
        values["base"],
        values["quote"],
        values["parsed_rate"],
        values["note"] or None,
    )
    row = done.rate
    flash(
        _(
            "1 %(base)s = %(rate)s %(quote)s is set; offers of %(markets)s are being repriced.",
            base=row.base,
            rate=plain_decimal(row.rate),
            quote=row.quote,
            markets=", ".join(done.repriced_markets) or "—",
        ),
        "success",
    )
    return redirect(url_for("ops.fx_page"))


@bp.post("/fx/rates/<int:rate_id>/approve")
def approve_rate(rate_id: int):
    return _review(rate_id, approve=True)


@bp.post("/fx/rates/<int:rate_id>/reject")
def reject_rate(rate_id: int):
    return _review(rate_id, approve=False)


def _review(rate_id: int, approve: bool):
    act = fx_actions.approve_rate if approve else fx_actions.reject_rate
    try:
        done = act(rate_id, web_actor(), current_user)
    except LookupError:
        abort(404)
    except fx_actions.NotQuarantined as exc:
        flash(
            _(
                "The rate %(pair)s from %(source)s is already %(status)s.",
                pair=f"{exc.rate.base}/{exc.rate.quote}",
                source=exc.rate.source,
                status=status_label(exc.rate.status),
            ),
            "error",
        )
        return redirect(url_for("ops.fx_page"))
    row = done.rate
    values = {
        "base": row.base,
        "rate": plain_decimal(row.rate),
        "quote": row.quote,
        "source": row.source,
    }
    if approve:
        message = _(
            "1 %(base)s = %(rate)s %(quote)s from %(source)s is approved; "
            "offers of %(markets)s are being repriced.",
            markets=", ".join(done.repriced_markets) or "—",
            **values,
        )
    else:
        message = _(
            "1 %(base)s = %(rate)s %(quote)s from %(source)s is rejected and will not be used.",
            **values,
        )
    flash(message, "success")
    return redirect(url_for("ops.fx_page"))

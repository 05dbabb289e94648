"""The shipments board: filters, facets, failures per day, and the link to bulk retry."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for

from connector.markets.registry import markets
from connector.ops import board, chart
from connector.ops.blueprint import bp
from connector.orders.shipment_filter import BadFilter, ShipmentFilter, retryable_count
from connector.orders.states import RETRYABLE
from connector.params import page_number

PAGE_SIZE = 50
CHART_DAYS = 14


def board_url(args: dict, **changes) -> str:
    """The board's address with ``changes`` applied to the query (None removes a key)."""
    query = {key: value for key, value in args.items() if key != "page"}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return url_for("ops.board", **query)


@bp.get("/")
def home():
    return redirect(url_for("ops.board"))


def filter_or_400() -> tuple[ShipmentFilter, str | None]:
    try:
        return ShipmentFilter.from_args(request.args), None
    except BadFilter as exc:
        return ShipmentFilter(), str(exc)


@bp.get("/shipments", endpoint="board")
def board_page():
    flt, problem = filter_or_400()
    page = page_number(request.args)
    rows, total = board.page_of_shipments(flt, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    facets = board.facet_counts(flt)
    failures = board.failures_by_day(CHART_DAYS, flt)
    body = render_template(
        "ops/board.html",
        flt=flt,
        args=flt.to_args(),
        problem=problem,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        facets=facets,
        totals=board.state_totals(),
        late_ids=board.late_among([row.shipment.id for row in rows]),
        late_total=board.late_total(),
        retryable=retryable_count(flt),
        failures=failures,
        chart=chart.geometry(failures),
        market_codes=sorted(markets()),
        adapters=sorted(current_app.config["SHIPPING_ADAPTERS"]),
        states=board.STATE_ORDER,
        retryable_states=RETRYABLE,
        board_url=board_url,
    )
    return body, 400 if problem else 200

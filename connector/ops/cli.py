"""``flask --app wsgi shipments list|retry|cancel``: the board's filters, for scripts.

Every retry and cancellation is written to the audit log as ``cli:<login>``
(or ``--actor``). ``retry`` and ``cancel`` act on the shipments given by id
and/or matched by the filters; without ``--yes`` they say how many would be
touched and ask first. Exit status: 0 when every shipment was acted on, 1 when
some were refused (their state did not allow it), 2 for a bad filter.
"""

from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from connector.ops import actions, board
from connector.ops.audit import Actor
from connector.orders import shipment_filter
from connector.orders.shipment_filter import BadFilter, ShipmentFilter

LIST_LIMIT = 200


def _filters(function):
    options = [
        click.option("--state", "states", multiple=True, help="Repeat for several states."),
        click.option("--market", help="Market code, such as VN."),
        click.option("--adapter", help="Carrier or warehouse, by adapter name."),
        click.option("--reason", help="Failure reason code, such as address_rejected."),
        click.option("--search", "q", help="Order id, SKU or tracking number."),
        click.argument("ids", nargs=-1, type=int),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _build(ids, states, market, adapter, reason, q) -> ShipmentFilter:
    try:
        return ShipmentFilter.build(
            states=states, market=market, adapter=adapter, reason=reason, q=q, ids=ids
        )
    except BadFilter as exc:
        raise click.UsageError(str(exc)) from exc


def _row(row: board.BoardRow) -> dict:
    s = row.shipment
    return {
        "id": s.id,
        "order_id": s.order_id,
        "leg": s.leg,
        "market": row.market,
        "adapter": s.adapter,
        "state": s.state,
        "reason": s.last_error_code,
        "message": s.last_error_message,
        "attempts": s.attempt_count,
        "tracking_number": s.tracking_number,
        "skus": row.skus,
        "updated_at": s.updated_at.isoformat() if s.updated_at else None,
    }


@click.command("list")
@_filters
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, LIST_LIMIT))
@click.option("--offset", default=0, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@with_appcontext
def list_command(ids, states, market, adapter, reason, q, limit, offset, as_json) -> None:
    """List shipments, newest first (IDS and the options narrow it down)."""
    flt = _build(ids, states, market, adapter, reason, q)
    rows, total = board.page_of_shipments(flt, limit, offset)
    if as_json:
        for row in rows:
            click.echo(json.dumps(_row(row), ensure_ascii=False))
        return
    click.echo(f"{total} shipments match; showing {len(rows)} from {offset}")
    for row in rows:
        item = _row(row)
        reason_text = f" {item['reason']}" if item["reason"] else ""
        click.echo(
            f"{item['id']:>8}  order {item['order_id']:<8} {item['market']:<3} "
            f"{item['adapter']:<14} {item['state']:<16}{reason_text}"
        )


def _targets(flt: ShipmentFilter, retryable_only: bool) -> list[int]:
    if flt.empty:
        raise click.UsageError("give shipment ids or at least one filter")
    if retryable_only and not flt.ids:
        return shipment_filter.retryable_ids(flt)
    return shipment_filter.matching_ids(flt)


def _confirm(count: int, verb: str, flt: ShipmentFilter, yes: bool) -> None:
    """Shipments named by id are acted on; a filter's matches are counted and confirmed."""
    if count == 0:
        click.echo("nothing to do: no shipment matches")
        sys.exit(0)
    by_filter = bool(flt.states or flt.market or flt.adapter or flt.reason or flt.q)
    if by_filter and not yes:
        click.confirm(f"{verb} {count} shipments?", abort=True)


def _report(outcomes: list[actions.Outcome], verb: str) -> None:
    for outcome in outcomes:
        if outcome.ok:
            click.echo(f"{outcome.shipment_id}: {verb} ({outcome.state})")
        else:
            click.echo(f"{outcome.shipment_id}: refused, {outcome.message}")
    refused = sum(1 for o in outcomes if not o.ok)
    click.echo(f"{len(outcomes) - refused} {verb}, {refused} refused")
    if refused:
        sys.exit(1)


@click.command("retry")
@_filters
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--actor", help="Who is acting, for the audit log (default: your login).")
@with_appcontext
def retry_command(ids, states, market, adapter, reason, q, yes, actor) -> None:
    """Send shipments that need attention again; each is looked up at its carrier first."""
    flt = _build(ids, states, market, adapter, reason, q)
    targets = _targets(flt, retryable_only=True)
    _confirm(len(targets), "Retry", flt, yes)
    _report(actions.retry_many(targets, Actor.cli(actor)), "retried")


@click.command("cancel")
@_filters
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--actor", help="Who is acting, for the audit log (default: your login).")
@with_appcontext
def cancel_command(ids, states, market, adapter, reason, q, yes, actor) -> None:
    """Cancel shipments; one a carrier holds is cancelled there first."""
    flt = _build(ids, states, market, adapter, reason, q)
    targets = _targets(flt, retryable_only=False)
    _confirm(len(targets), "Cancel", flt, yes)
    _report(actions.cancel_many(targets, Actor.cli(actor)), "cancelled")


COMMANDS = (list_command, retry_command, cancel_command)


def init_app(app) -> None:
    """Add list, retry and cancel to the ``shipments`` group of the fulfilment CLI, which
    ``connector.orders.cli`` registers (with the sweep and carrier commands)."""
    from connector.orders.cli import shipments_cli

    for command in COMMANDS:
        shipments_cli.add_command(command)

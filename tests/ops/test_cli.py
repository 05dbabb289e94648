"""``flask shipments list|retry|cancel``: the board's filters for scripts, audited."""

from __future__ import annotations

import json

from tests.ops.support import (
    audit_entries,
    only_shipment,
    outage_shipment,
    place,
    run_jobs,
    state_of,
    unserved_ward_shipment,
)


def test_list_filters_and_prints_json_lines(app, client, services, seller, runner):
    stuck = unserved_ward_shipment(app, client, seller)
    down = outage_shipment(app, client, seller, services["ghn"])
    kz = only_shipment(place(app, client, seller, market="KZ", quantity=12))
    run_jobs(app)

    text = runner.invoke(args=["shipments", "list", "--state", "needs_attention"])
    assert text.exit_code == 0, text.output
    assert text.output.startswith("2 shipments match")
    assert "address_rejected" in text.output and "server_error" in text.output

    lines = runner.invoke(
        args=["shipments", "list", "--reason", "server_error", "--json"]
    ).output.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [down["id"]]
    assert json.loads(lines[0])["market"] == "VN"

    by_market = runner.invoke(args=["shipments", "list", "--market", "kz", "--json"]).output
    assert [json.loads(line)["id"] for line in by_market.splitlines()] == [kz["id"]]
    by_ids = runner.invoke(args=["shipments", "list", str(stuck["id"]), "--json"]).output
    assert [json.loads(line)["state"] for line in by_ids.splitlines()] == ["needs_attention"]

    bad = runner.invoke(args=["shipments", "list", "--state", "lost"])
    assert bad.exit_code == 2 and "unknown state" in bad.output


def test_retry_by_filter_asks_then_retries_and_records_who(app, client, services, seller, runner):
    ghn = services["ghn"]
    downs = [outage_shipment(app, client, seller, ghn) for _ in range(2)]
    stuck = unserved_ward_shipment(app, client, seller)

    declined = runner.invoke(args=["shipments", "retry", "--reason", "server_error"], input="n\n")
    assert declined.exit_code == 1 and "Retry 2 shipments?" in declined.output
    assert {state_of(app, s["id"]) for s in downs} == {"needs_attention"}

    done = runner.invoke(
        args=["shipments", "retry", "--reason", "server_error", "--yes", "--actor", "li.na"]
    )
    assert done.exit_code == 0, done.output
    assert "2 retried, 0 refused" in done.output
    run_jobs(app)
    assert {state_of(app, s["id"]) for s in downs} == {"submitted"}
    assert state_of(app, stuck["id"]) == "needs_attention"
    assert ghn.parcel_counts() == {s["idempotency_key"]: 1 for s in downs}
    entries = audit_entries(app, action="shipment.retry")
    assert {(e["actor"], e["source"], e["result"]) for e in entries} == {("cli:li.na", "cli", "ok")}


def test_retry_by_id_reports_refusals_with_exit_status_1(app, client, services, seller, runner):
    stuck = unserved_ward_shipment(app, client, seller)
    sent = only_shipment(place(app, client, seller))
    run_jobs(app)
    result = runner.invoke(args=["shipments", "retry", str(stuck["id"]), str(sent["id"])])
    assert result.exit_code == 1
    assert f"{stuck['id']}: retried (pending)" in result.output
    assert f"{sent['id']}: refused" in result.output
    assert "1 retried, 1 refused" in result.output
    results = {e["target_id"]: e["result"] for e in audit_entries(app, action="shipment.retry")}
    assert results == {str(stuck["id"]): "ok", str(sent["id"]): "refused"}


def test_retry_needs_ids_or_a_filter(runner, app):
    result = runner.invoke(args=["shipments", "retry"])
    assert result.exit_code == 2 and "give shipment ids or at least one filter" in result.output


def test_cancel_by_id(app, client, services, seller, runner):
    shipment = only_shipment(place(app, client, seller))
    run_jobs(app)
    result = runner.invoke(args=["shipments", "cancel", str(shipment["id"])])
    assert result.exit_code == 0, result.output
    run_jobs(app)
    assert state_of(app, shipment["id"]) == "cancelled"
    assert services["ghn"].find(shipment["idempotency_key"])["status"] == "cancel"
    [entry] = audit_entries(app, action="shipment.cancel")
    assert entry["source"] == "cli" and entry["actor"].startswith("cli:")


def test_the_fulfilment_commands_stay_in_the_same_group(app):
    commands = set(app.cli.commands["shipments"].commands)
    assert {"list", "retry", "cancel"} <= commands
    assert "sweep" in commands  # from connector/orders/cli.py

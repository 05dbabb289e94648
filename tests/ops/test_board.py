"""The board: counts per state, market, carrier and reason; filters; search; the chart."""

from __future__ import annotations

import pytest

from tests.fulfilment.support import make_offer, order_body, post_order
from tests.ops.conftest import page_of
from tests.ops.support import (
    outage_shipment,
    place,
    run_jobs,
    unserved_ward_shipment,
)


def _rows(page) -> dict[int, str]:
    """Shipment id -> state, for the rows of the board's table."""
    return {
        int(node.attrs["data-shipment"]): node.attrs["data-state"]
        for node in page.all(lambda n: n.tag == "tr" and "data-shipment" in n.attrs)
    }


def _facet(page, facet: str) -> dict[str, int]:
    section = page.by_id(f"h-facet-{facet}").parent
    counts = {}
    for link in section.walk():
        if link.tag == "a":
            label, count = link.children[1], link.children[3]
            counts[label.text()] = int(count.text())
    return counts


def test_board_counts_states_markets_carriers_and_reasons(
    app, client, services, seller, ops_client
):
    stuck = unserved_ward_shipment(app, client, seller)
    down = outage_shipment(app, client, seller, services["ghn"])
    fine = place(app, client, seller)["shipments"][0]
    kz = place(app, client, seller, market="KZ", quantity=12)["shipments"][0]
    run_jobs(app)

    page = page_of(ops_client.get("/ops/shipments"))
    assert _rows(page) == {
        stuck["id"]: "needs_attention",
        down["id"]: "needs_attention",
        fine["id"]: "submitted",
        kz["id"]: "submitted",
    }
    assert _facet(page, "state") == {"Needs attention": 2, "At the carrier": 2}
    assert _facet(page, "market") == {"VN": 3, "KZ": 1}
    assert _facet(page, "adapter") == {"ghn": 3, "cdek": 1}
    assert _facet(page, "reason") == {"address_rejected": 1, "server_error": 1}
    tiles = {
        n.children[3].text(): int(n.children[1].text())
        for n in page.all(lambda n: "tile" in n.classes)
    }
    assert tiles["Needs attention"] == 2 and tiles["At the carrier"] == 2
    assert tiles["Delivered"] == 0
    assert "Retry all 2 retryable shipments that match" in page.by_id("retry-matching").text()


def test_filters_narrow_the_rows_and_facets_count_the_other_values(
    app, client, services, seller, ops_client
):
    stuck = unserved_ward_shipment(app, client, seller)
    outage_shipment(app, client, seller, services["ghn"])
    place(app, client, seller, market="KZ", quantity=12)
    run_jobs(app)

    page = page_of(ops_client.get("/ops/shipments?state=needs_attention&reason=address_rejected"))
    assert _rows(page) == {stuck["id"]: "needs_attention"}
    # The reason facet ignores its own choice: it shows what another reason would give.
    assert _facet(page, "reason") == {"address_rejected": 1, "server_error": 1}
    assert _facet(page, "market") == {"VN": 1}

    page = page_of(ops_client.get("/ops/shipments?market=KZ"))
    assert list(_rows(page).values()) == ["submitted"]
    assert page.by_id("retry-matching") is None  # nothing to retry there

    page = page_of(ops_client.get("/ops/shipments?adapter=cdek&state=needs_attention"))
    assert _rows(page) == {}
    assert "No shipments match this filter." in page.html


def test_search_finds_by_order_id_sku_and_tracking_number(
    app, client, services, seller, ops_client
):
    order = place(app, client, seller)
    other_offer = make_offer(app, "KZ")
    response = post_order(
        client, seller["token"], order_body(other_offer, market="KZ", quantity=12)
    )
    kz = response.json["shipments"][0]
    run_jobs(app)
    shipment = order["shipments"][0]
    tracking = client.get(
        f"/api/v1/shipments/{shipment['id']}",
        headers={"Authorization": f"Bearer {seller['token']}"},
    ).json["tracking_number"]
    assert tracking

    by_order = page_of(ops_client.get(f"/ops/shipments?q={order['id']}"))
    assert set(_rows(by_order)) == {shipment["id"]}
    by_order_hash = page_of(ops_client.get(f"/ops/shipments?q=%23{order['id']}"))
    assert set(_rows(by_order_hash)) == {shipment["id"]}
    by_sku = page_of(ops_client.get("/ops/shipments?q=cup500"))  # SKU prefix, any case
    assert set(_rows(by_sku)) == {kz["id"]}
    by_tracking = page_of(ops_client.get(f"/ops/shipments?q={tracking.lower()}"))
    assert set(_rows(by_tracking)) == {shipment["id"]}
    nothing = page_of(ops_client.get("/ops/shipments?q=NO-SUCH-THING"))
    assert _rows(nothing) == {}


def test_a_bad_filter_is_named_and_ignored(ops_client):
    response = ops_client.get("/ops/shipments?state=lost_in_space")
    assert response.status_code == 400
    assert "unknown state" in response.get_data(as_text=True)


def test_chart_shows_failed_attempts_per_reason_today(app, client, services, seller, ops_client):
    unserved_ward_shipment(app, client, seller)
    outage_shipment(app, client, seller, services["ghn"])
    page = page_of(ops_client.get("/ops/shipments"))
    svg = page.all(lambda n: n.tag == "svg" and "chart" in n.classes)
    assert svg, "no chart"
    bars = [n for n in svg[0].walk() if n.tag == "rect"]
    titles = sorted(bar.children[0].text().split(" · ")[1] for bar in bars)
    max_attempts = app.config["FULFILMENT"]["max_attempts"]
    assert titles == ["address_rejected: 1", f"server_error: {max_attempts}"]
    legend = page.all(lambda n: "chart-legend" in n.classes)[0].text()
    assert "address_rejected 1" in legend and f"server_error {max_attempts}" in legend


def test_chart_geometry_stacks_and_scales():
    from datetime import date

    from connector.ops.board import FailureChart
    from connector.ops.chart import geometry, nice_ceiling

    assert [nice_ceiling(n) for n in (0, 1, 3, 7, 11, 49, 51)] == [1, 1, 5, 10, 20, 50, 100]
    day = date(2026, 11, 20)
    chart = FailureChart(
        days=[day],
        reasons=["timeout", "server_error"],
        counts={(day, "timeout"): 3, (day, "server_error"): 2},
        total=5,
    )
    shape = geometry(chart)
    first, second = shape.segments
    assert first.y + first.height == shape.plot_bottom  # stacked from the axis
    assert abs(second.y + second.height - first.y) < 1e-9
    assert abs((first.height + second.height) - (shape.plot_bottom - shape.ticks[-1].y)) < 1e-9


@pytest.mark.both_databases
def test_board_queries_agree_on_sqlite_and_postgresql(app, client, services, seller, ops_client):
    from connector.ops import board
    from connector.orders.shipment_filter import ShipmentFilter, retryable_ids

    stuck = unserved_ward_shipment(app, client, seller)
    down = outage_shipment(app, client, seller, services["ghn"])
    with app.app_context():
        flt = ShipmentFilter.build(states=["needs_attention"], q="ts180-")
        rows, total = board.page_of_shipments(flt, 10, 0)
        assert total == 2 and {r.shipment.id for r in rows} == {stuck["id"], down["id"]}
        assert dict(board.facet_counts(flt)["reason"]) == {"address_rejected": 1, "server_error": 1}
        assert retryable_ids(ShipmentFilter.build(reason="server_error")) == [down["id"]]
        chart = board.failures_by_day(14)
        max_attempts = app.config["FULFILMENT"]["max_attempts"]
        today = chart.days[-1]
        assert chart.counts == {
            (today, "server_error"): max_attempts,
            (today, "address_rejected"): 1,
        }
    page = page_of(ops_client.get("/ops/shipments?q=100%25_x"))  # wildcards are literal
    assert _rows(page) == {}

"""The offline snapshot of real published rates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from adapters.errors import BadResponse
from adapters.fx import build_provider
from adapters.fx.base import NoRatesPublished
from adapters.fx.snapshot import DEFAULT_PATH

SNAPSHOT_DATE = date(2024, 4, 24)


def rates():
    return {(q.base, q.quote): q for q in build_provider("snapshot").fetch()}


def test_snapshot_holds_the_published_figures():
    quotes = rates()
    assert quotes[("CNY", "KZT")].rate == Decimal("61.31")
    assert quotes[("USD", "KZT")].rate == Decimal("444.32")
    assert quotes[("EUR", "KZT")].rate == Decimal("473.33")
    assert quotes[("UZS", "KZT")].rate == Decimal("0.035")  # published as 100 UZS = 3.5 KZT
    assert quotes[("EUR", "CNY")].rate == Decimal("7.7431")
    assert quotes[("EUR", "USD")].rate == Decimal("1.0686")
    assert quotes[("EUR", "THB")].rate == Decimal("39.602")
    assert quotes[("EUR", "MYR")].rate == Decimal("5.1058")


def test_snapshot_quotes_name_their_original_source_and_time():
    quotes = rates()
    assert quotes[("CNY", "KZT")].source == "snapshot:nbk"
    assert quotes[("CNY", "KZT")].as_of == datetime(2024, 4, 23, 19, 0, tzinfo=UTC)
    assert quotes[("EUR", "CNY")].source == "snapshot:ecb"
    assert quotes[("EUR", "CNY")].as_of == datetime(2024, 4, 24, 14, 0, tzinfo=UTC)


VND_BOARD_DATE = date(2022, 12, 21)


def test_every_snapshot_entry_carries_its_provenance():
    document = json.loads(DEFAULT_PATH.read_text())
    assert document["snapshot_date"] == SNAPSHOT_DATE.isoformat()
    for entry in document["rates"]:
        assert entry["source_url"].startswith("https://")
        assert entry["source"] in document["sources"]
        published = datetime.fromisoformat(entry["as_of"]).date()
        # VND comes from the most recent real Vietcombank board found, and says so.
        expected = VND_BOARD_DATE if entry["quote"] == "VND" else SNAPSHOT_DATE
        assert published == expected
    # Pairs we could not source are listed as omitted, not filled in.
    omitted = {pair for item in document["omitted"] for pair in item["pairs"]}
    assert {"CNY/UZS"} <= omitted
    assert not any(q.quote == "UZS" for q in rates().values())
    assert rates()[("CNY", "VND")].rate == Decimal("3474.50")


def test_snapshot_answers_its_own_date_and_latest():
    provider = build_provider("snapshot")
    assert provider.fetch(SNAPSHOT_DATE) == provider.fetch()


def test_snapshot_has_nothing_for_another_date():
    with pytest.raises(NoRatesPublished):
        build_provider("snapshot").fetch(date(2024, 4, 25))


def test_snapshot_usd_to_kzt_by_hand():
    # NBK, 24.04.2024: 1 USD = 444.32 KZT; a 2.50 USD fee is 2.50 x 444.32 = 1,110.80 KZT.
    assert Decimal("2.50") * rates()[("USD", "KZT")].rate == Decimal("1110.80")


def test_a_broken_snapshot_file_is_a_bad_response(tmp_path):
    broken = tmp_path / "snapshot.json"
    broken.write_text('{"snapshot_date": "2024-04-24", "rates": [{"base": "CNY"}]}')
    with pytest.raises(BadResponse):
        build_provider("snapshot", {"path": str(broken)}).fetch()


def test_a_snapshot_entry_without_source_url_is_refused(tmp_path):
    entry = {"base": "CNY", "quote": "KZT", "rate": "61.31", "source": "nbk"}
    entry["as_of"] = "2024-04-24T00:00:00+05:00"
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps({"snapshot_date": "2024-04-24", "rates": [entry]}))
    with pytest.raises(BadResponse, match="source_url"):
        build_provider("snapshot", {"path": str(path)}).fetch()

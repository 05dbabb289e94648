"""`make run`'s demo, seeded through the command line as `make run` seeds it.

No translation service is configured: the demo listing's own Vietnamese,
Russian and Kazakh texts make its VN and KZ offers ready, and no feed format
carries a Chinese character.
"""

from __future__ import annotations

import re

import pytest

from connector.demo import DEMO_LOGO_PRINT, DEMO_SELLER_TOKEN
from connector.feeds.formats import FORMATS
from tests.conftest import bearer
from tests.fulfilment.support import fixture, post_order
from tests.offers.support import run_jobs

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
LANGS = [("VN", "vi_VN"), ("KZ", "ru_KZ"), ("KZ", "kk_KZ")]


def invoke(runner, *args: str) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def seeded(app, runner):
    """What `make run` does before it starts the services."""
    invoke(runner, "demo", "load")
    invoke(runner, "fx", "refresh")
    invoke(runner, "offers", "refresh")
    run_jobs(app)


def test_demo_offers_are_ready_in_vn_and_kz_without_a_translation_service(client, seeded):
    for market, lang in LANGS:
        feed = client.get(
            f"/api/v1/markets/{market}/offers",
            query_string={"lang": lang},
            headers=bearer(DEMO_SELLER_TOKEN),
        )
        assert feed.status_code == 200, feed.json
        [offer] = feed.json["items"]
        assert offer["status"] == "ready"
        assert len(offer["variants"]) == 3


@pytest.mark.parametrize("market, lang", LANGS, ids=str)
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_feed_format_has_ready_demo_offers_and_no_chinese(client, seeded, market, lang, fmt):
    response = client.get(
        f"/api/v1/markets/{market}/offers",
        query_string={"format": fmt, "lang": lang, "limit": 100},
        headers=bearer(DEMO_SELLER_TOKEN),
    )
    assert response.status_code == 200, response.data
    text = response.get_data(as_text=True)
    assert not HAN.findall(text), HAN.findall(text)
    # The offer is in the body: its SKUs are there (no format refuses it).
    assert "TS180-WHT-M" in text
    assert '"refused":[{' not in text


def test_demo_tshirt_takes_the_logo_print_order_of_200_in_vn_semi_managed(client, seeded):
    feed = client.get("/api/v1/markets/VN/offers", headers=bearer(DEMO_SELLER_TOKEN)).json
    [offer] = feed["items"]
    line = {
        "offer_id": offer["id"],
        "sku": "TS180-WHT-M",
        "quantity": 200,
        "customization": {"option": DEMO_LOGO_PRINT, "text": "ACME"},
    }
    quote = client.post(
        "/api/v1/quotes/",
        json={"market": "VN", "mode": "semi_managed", "lines": [line]},
        headers=bearer(DEMO_SELLER_TOKEN),
    )
    assert quote.status_code == 201, quote.json
    priced = quote.json["pricing"]["lines"][0]["customization"]
    assert priced["option"] == DEMO_LOGO_PRINT
    # Below the option's minimum the line is refused, by field.
    fewer = client.post(
        "/api/v1/quotes/",
        json={"market": "VN", "mode": "semi_managed", "lines": [{**line, "quantity": 199}]},
        headers=bearer(DEMO_SELLER_TOKEN),
    )
    assert fewer.status_code == 422
    assert "lines.0.quantity" in fewer.json["error"]["fields"]
    placed = post_order(
        client,
        DEMO_SELLER_TOKEN,
        {
            "market": "VN",
            "mode": "semi_managed",
            "lines": [line],
            "ship_to": fixture("ship_to_vn.json"),
            "quote_id": quote.json["id"],
        },
    )
    assert placed.status_code == 202, placed.json
    assert len(placed.json["shipments"]) == 1
    # The seller reads the line's options as its feed showed them, not in Chinese.
    [variant] = [v for v in offer["variants"] if v["sku"] == "TS180-WHT-M"]
    assert placed.json["lines"][0]["options"] == variant["options"]
    assert not HAN.findall(str(variant["options"]))

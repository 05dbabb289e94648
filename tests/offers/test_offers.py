"""Listings become priced offers per market, through the API and the jobs."""

from __future__ import annotations

from decimal import Decimal as D

from tests.conftest import bearer
from tests.offers.support import Quote, create, fresh, offers, run_jobs, store, tshirt


def test_submitted_listing_gets_a_priced_offer_in_every_market(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    by_market = offers(client, exporter_token, listing["id"])
    assert set(by_market) == {"VN", "KZ", "UZ", "TH", "MY"}
    vn = by_market["VN"]
    assert vn["status"] == "ready", vn["hold_reasons"]
    document = vn["document"]
    assert document["currency"] == "VND"
    white_m = document["variants"][0]
    assert white_m["sku"] == "TS180-WHT-M"
    # The 50-piece tier is the price of a 50-piece consignment (18.50 CNY, 3,700 VND/CNY):
    # 50 x 220 g x 1.05 = 11,550 g loose in one outer carton of 32 x 53 x 52 cm
    # (88,192 cm3 / 6000 = 14,699 g chargeable): 26 + 29 x 8 = 258 CNY = 954,600 VND,
    # 19,092 a piece. Customs value 3,422,500 + 954,600; duty 20% 875,420; VAT 8%
    # 420,201.6; landed 5,672,721.6 x 1.18 / 0.938 = 7,136,259.6, 142,725.2 a piece:
    # 143,000 rounded up to thousands.
    assert white_m["prices"][0] == {
        "min_qty": 50,
        "price": "143000",
        "display": {"vi_VN": "143.000\u00a0₫"},
        "breakdown": ["68450", "19092", "17508", "8404", "8866", "20405", "275"],
        "notes": [],
        "cost_cny": "18.50",
        "consignment": {
            "quantity": 50,
            "parcels": 1,
            "total": "7137000",
            "breakdown": [
                "3422500",
                "954600",
                "875420",
                "420202",
                "442494",
                "1021044",
                "740",
            ],
        },
    }
    kz_price = by_market["KZ"]["document"]["variants"][0]["prices"][0]
    assert set(kz_price["display"]) == {"kk_KZ", "ru_KZ"}
    assert kz_price["display"]["ru_KZ"].endswith("₸") and "," not in kz_price["display"]["ru_KZ"]
    assert [p["min_qty"] for p in white_m["prices"]] == [50, 200, 1000]
    prices = [int(p["price"]) for p in white_m["prices"]]
    assert prices == sorted(prices, reverse=True)  # bigger orders, lower unit price
    assert document["fx"]["CNY"]["source"] == "vietcombank:sell"
    assert document["fx"]["CNY"]["rate"] == "3700.0000000000"
    assert all(p["price"].endswith("000") for v in document["variants"] for p in v["prices"])
    logo = document["customizations"][0]
    assert logo["name"] == "丝印logo（单色）" and int(logo["extra_price"]) > 0


def test_draft_listing_has_no_offers(app, client, exporter_token, rates):
    listing = create(client, exporter_token, {"title_zh": "草稿"})
    run_jobs(app)
    assert offers(client, exporter_token, listing["id"]) == {}


def test_stale_rate_holds_the_offer_and_says_why(app, client, exporter_token):
    store(
        app,
        Quote("CNY", "VND", D("3700"), "vietcombank:sell", fresh(hours_ago=200)),
        Quote("EUR", "VND", D("30000"), "vietcombank:sell", fresh()),
    )
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "held"
    reason = next(r for r in vn["hold_reasons"] if r["code"] == "fx_stale")
    assert reason["params"]["currency"] == "CNY" and reason["params"]["age_hours"] >= 199


def test_missing_rate_holds_the_offer(app, client, exporter_token):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    kz = offers(client, exporter_token, listing["id"])["KZ"]
    assert kz["status"] == "held"
    assert "fx_missing" in {r["code"] for r in kz["hold_reasons"]}
    assert kz["document"]["variants"] == []  # nothing is priced without a rate


def test_triangulates_only_when_no_direct_quote_exists(
    app, client, exporter_token, rates, translator
):
    as_of = fresh()
    # THB also reachable through USD, but the direct ECB quote wins.
    store(
        app,
        Quote("CNY", "USD", D("0.14"), "ecb", as_of),
        Quote("USD", "THB", D("33"), "bot", as_of),
        Quote("EUR", "CNY", D("8.2"), "ecb", as_of),
        Quote("EUR", "PHP", D("65"), "ecb", as_of),
    )
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    th = offers(client, exporter_token, listing["id"])["TH"]["document"]["fx"]["CNY"]
    assert th["path"] == ["CNY", "THB"] and th["source"] == "ecb"


def test_manual_rate_by_ops_reprices_and_bumps_version_once(
    app, client, exporter_token, ops_token, rates
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    before = offers(client, exporter_token, listing["id"])

    forbidden = client.post(
        "/api/v1/fx/rates",
        json={"base": "CNY", "quote": "VND", "rate": "3800"},
        headers=bearer(exporter_token),
    )
    assert forbidden.status_code == 403
    posted = client.post(
        "/api/v1/fx/rates",
        json={"base": "CNY", "quote": "VND", "rate": "3800", "note": "bank holiday"},
        headers=bearer(ops_token),
    )
    assert posted.status_code == 201, posted.json
    assert posted.json["repriced_markets"] == ["VN"]
    run_jobs(app)
    after = offers(client, exporter_token, listing["id"])
    assert after["VN"]["version"] == before["VN"]["version"] + 1
    assert after["VN"]["document"]["fx"]["CNY"]["source"] == "manual"
    assert int(after["VN"]["document"]["variants"][0]["prices"][0]["price"]) > 143000
    # Markets that do not use VND are untouched.
    assert after["KZ"]["version"] == before["KZ"]["version"]
    assert after["KZ"]["updated_at"] == before["KZ"]["updated_at"]


def test_repricing_with_nothing_changed_keeps_versions(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    before = offers(client, exporter_token, listing["id"])
    from connector.offers.service import reprice_market

    with app.app_context():
        result = reprice_market("VN")
    assert result.offers == 2 and result.changed == 0  # the demo listing and this one
    after = offers(client, exporter_token, listing["id"])
    assert after["VN"]["version"] == before["VN"]["version"]


def test_listing_changes_reprice_and_draft_withdraws(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    url = f"/api/v1/listings/{listing['id']}"
    client.patch(url, json={"weight_g": 900}, headers=bearer(exporter_token))
    run_jobs(app)
    heavier = offers(client, exporter_token, listing["id"])["VN"]
    assert heavier["version"] == 2 and heavier["listing_revision"] == 2
    assert int(heavier["document"]["variants"][0]["prices"][0]["price"]) > 143000

    client.patch(url, json={"status": "draft"}, headers=bearer(exporter_token))
    run_jobs(app)
    withdrawn = offers(client, exporter_token, listing["id"])["VN"]
    assert withdrawn["status"] == "withdrawn" and withdrawn["version"] == 3


def test_sweep_builds_offers_lost_while_redis_was_down(
    app, client, exporter_token, rates, translator
):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("redis", None)
    listing = create(client, exporter_token, tshirt())  # enqueue fails; the listing is kept
    app.config["REDIS_URL"] = app.config["TEST_REDIS_URL"]
    app.extensions.pop("redis", None)
    from jobs.offers import sweep_outdated_offers

    with app.app_context():
        assert sweep_outdated_offers() >= 1
    run_jobs(app)
    assert offers(client, exporter_token, listing["id"])["VN"]["status"] == "ready"


def test_offer_text_comes_from_person_then_glossary_then_machine(
    app, client, exporter_token, rates, translator
):
    payload = tshirt()
    payload["title_zh"] = "纯棉圆领T恤 180克"  # unlike the demo listing's title
    payload["localized"] = {"vi_VN": {"title": "Áo thun cotton cổ tròn unisex"}}
    listing = create(client, exporter_token, payload)
    run_jobs(app)
    by_market = offers(client, exporter_token, listing["id"])
    vi = by_market["VN"]["document"]["texts"]["vi_VN"]
    assert vi["title"] == "Áo thun cotton cổ tròn unisex"
    assert vi["sources"]["title"] == "exporter"
    assert vi["sources"]["description"] == "machine"
    # Option names and values come from the curated glossary, not the machine.
    assert vi["terms"]["颜色"] == "màu sắc" and vi["terms"]["白色"] == "trắng"
    ru = by_market["KZ"]["document"]["texts"]["ru_KZ"]
    assert ru["terms"]["颜色"] == "цвет" and ru["sources"]["title"] == "machine"
    assert by_market["KZ"]["document"]["readiness"]["ru_KZ"] == {"ready": True, "missing": []}
    # The exporter's Vietnamese title was never sent to the machine.
    sent = [text for call in translator.translate_calls for text in call["q"]]
    assert "纯棉圆领T恤 180克" in sent
    assert all(
        call["target"] != "vi" or payload["title_zh"] not in call["q"]
        for call in translator.translate_calls
    )


def test_without_machine_translation_offers_wait_for_text(app, client, exporter_token, rates):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "held"
    readiness = vn["document"]["readiness"]["vi_VN"]
    assert readiness["ready"] is False
    assert "title_untranslated" in readiness["missing"]
    # The Chinese text stays, flagged, rather than an empty title.
    assert vn["document"]["texts"]["vi_VN"]["title"] == tshirt()["title_zh"]
    assert vn["document"]["texts"]["vi_VN"]["sources"]["title"] == "untranslated"


def test_machine_translation_failure_keeps_chinese_and_retries_later(
    app, client, exporter_token, rates, translator
):
    translator.fail(500, times=50)
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert "title_untranslated" in vn["document"]["readiness"]["vi_VN"]["missing"]
    translator.reset()
    from jobs.offers import refresh_listing

    with app.app_context():
        refresh_listing(listing["id"])
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["document"]["readiness"]["vi_VN"]["ready"] is True


def test_machine_translations_are_remembered(app, client, exporter_token, rates, translator):
    create(client, exporter_token, tshirt())
    run_jobs(app)
    first = len(translator.translate_calls)
    assert first > 0
    create(client, exporter_token, tshirt())  # the same texts again
    run_jobs(app)
    assert len(translator.translate_calls) == first


def test_listing_without_image_or_hs_code_says_what_to_fix(
    app, client, exporter_token, rates, translator
):
    payload = tshirt()
    payload["images"] = []
    payload["hs_code"] = None
    listing = create(client, exporter_token, payload)
    run_jobs(app)
    vn = offers(client, exporter_token, listing["id"])["VN"]
    assert vn["status"] == "held"
    assert vn["document"]["readiness"]["vi_VN"]["missing"] == ["image_missing", "hs_code_missing"]
    assert vn["document"]["variants"]  # still priced, at the default duty rate


def test_exporter_text_for_an_unknown_locale_is_refused(client, exporter_token):
    payload = tshirt()
    payload["localized"] = {"xx_YY": {"title": "?"}}
    response = client.post("/api/v1/listings/", json=payload, headers=bearer(exporter_token))
    assert response.status_code == 422
    assert "localized.xx_YY.key" in response.json["error"]["fields"]


def test_measures_read_the_way_each_locale_writes_them(
    app, client, exporter_token, rates, translator
):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    by_market = offers(client, exporter_token, listing["id"])
    vi = by_market["VN"]["document"]["texts"]["vi_VN"]["measures"]
    ru = by_market["KZ"]["document"]["texts"]["ru_KZ"]["measures"]
    assert vi == {"weight": "220 g", "size": "30 × 25,5 × 2 cm"}
    assert ru == {"weight": "220 г", "size": "30 × 25,5 × 2 см"}


def test_sweep_leaves_up_to_date_listings_alone(app, client, exporter_token, rates, translator):
    listing = create(client, exporter_token, tshirt())
    run_jobs(app)
    from connector.offers.service import outdated_listing_ids

    with app.app_context():
        assert outdated_listing_ids() == []
    client.patch(
        f"/api/v1/listings/{listing['id']}",
        json={"moq": 50, "lead_time_days": 8},
        headers=bearer(exporter_token),
    )
    with app.app_context():
        assert outdated_listing_ids() == [listing["id"]]  # its offers are a revision behind

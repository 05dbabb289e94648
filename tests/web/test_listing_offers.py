"""The listing page shows each market's offer: price, breakdown, rates, and what to fix."""

from __future__ import annotations

from tests.offers.support import run_jobs
from tests.web.conftest import bearer, get_page


def test_listing_page_shows_prices_breakdown_and_rates(app, exporter, rates, translator):
    run_jobs(app)
    page = get_page(exporter, "/listings/1")
    html = page.html
    assert 'id="offer-VN"' in html and 'id="offer-KZ"' in html
    # The demo T-shirt (30 x 25 x 2 cm) at 18.50 CNY and 3,700 VND: 50 pieces in one parcel.
    assert "142.000\u00a0₫" in html
    assert "50 pieces together: 7.089.000\u00a0₫ in 1 parcel(s)" in html
    assert "Ready for sale" in html
    for label in ("Goods", "Shipping", "Duty", "VAT", "Fees", "Margin", "Rounding"):
        assert label in html
    assert "1 CNY = 3700 VND (vietcombank:sell" in html
    assert "bar__part--shipping" in html


def test_held_offer_links_to_the_field_that_fixes_it(
    app,
    exporter,
    exporter_token,
    rates,
    translator,
):
    exporter.patch("/api/v1/listings/1", json={"hs_code": None}, headers=bearer(exporter_token))
    run_jobs(app)
    page = get_page(exporter, "/listings/1")
    assert "On hold" in page.html
    assert "Add the HS code: the import duty depends on it." in page.html
    assert "/listings/1/edit?focus=hs_code#f-hs_code" in page.html


def test_page_in_chinese_shows_the_offer_section_translated(
    app,
    client,
    demo,
    rates,
    translator,
):
    from tests.web.conftest import sign_in

    run_jobs(app)
    sign_in(client, "exporter@demo.example", demo["password"], lang="zh_Hans")
    page = get_page(client, "/listings/1")
    assert "各市场报价" in page.html or "报价" in page.html


def test_page_in_chinese_names_markets_and_the_platform_margin_in_chinese(
    app,
    client,
    demo,
    rates,
    translator,
):
    from tests.web.conftest import sign_in

    run_jobs(app)
    sign_in(client, "exporter@demo.example", demo["password"], lang="zh_Hans")
    html = get_page(client, "/listings/1").html
    assert "越南" in html and "哈萨克斯坦" in html
    assert "<h3>Vietnam" not in html
    # The margin is the platform's, not the factory's own profit.
    assert "平台毛利" in html

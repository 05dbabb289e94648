"""Reprice benchmark: 100,000 offers after every market's rate changes.

Builds 20,000 listings x 5 markets (3 tiers, 4 variants each) in a fresh
SQLite database, prices them once, changes the rates of all five currencies,
then times the real reprice path (pricing, documents, hashes, database
writes; packings come stored from the first pricing, as after any rate
change). In the same run it times the bare pricing arithmetic on the same
listings with no I/O and the packings in memory, and prints the ratio
bare / real (1.0 would mean the I/O costs nothing). The reprice prices
chunks on ``--processes`` processes (default: ``CONNECTOR_REPRICE_PROCESSES``,
the CPU count) while this one writes. Then it reprices once more with
nothing changed, which skips every offer by its input hash and writes nothing.

    .venv/bin/python bench/reprice.py [--listings 20000 | --offers 1000000] [--processes N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import insert

from connector import create_app
from connector.extensions import db
from connector.fx.store import store_quotes
from connector.markets.registry import markets
from connector.models import Listing, ListingImage, PriceTier, Supplier, Variant
from connector.offers.builder import parcel_of, unit_costs
from connector.offers.packings import stored_packings
from connector.offers.service import fx_for, reprice
from connector.pricing.engine import consignment_price, prepare

CURRENCIES = {"VND": "3700", "KZT": "70", "UZS": "1700", "THB": "4.6", "MYR": "0.62"}
PER_EUR = {"VND": "30000", "KZT": "600", "UZS": "14000", "THB": "37", "MYR": "4.9"}
PER_USD = {"VND": "26000", "KZT": "510", "UZS": "12500", "THB": "33", "MYR": "4.3"}
# --offers counts a listing per market file (the bench enables every one).
MARKET_FILES = sorted((Path(__file__).resolve().parent.parent / "markets").glob("*.toml"))


@dataclass(frozen=True)
class Quote:
    base: str
    quote: str
    rate: D
    source: str
    as_of: datetime
    path: tuple = ()


def rates(as_of: datetime, bump: D) -> list[Quote]:
    quotes = []
    for currency in CURRENCIES:
        quotes.append(Quote("CNY", currency, D(CURRENCIES[currency]) * bump, "bench", as_of))
        quotes.append(Quote("EUR", currency, D(PER_EUR[currency]) * bump, "bench", as_of))
        quotes.append(Quote("USD", currency, D(PER_USD[currency]) * bump, "bench", as_of))
    return quotes


def build_catalog(listings: int) -> None:
    supplier = Supplier(name="bench factory")
    db.session.add(supplier)
    db.session.flush()
    now = datetime.now(UTC)
    rows, tiers, variants, images = [], [], [], []
    locales = [locale for market in markets().values() for locale in market.locales]
    for i in range(1, listings + 1):
        base = D(10 + i % 90) + D(i % 100) / 100
        rows.append(
            {
                "id": i,
                "supplier_id": supplier.id,
                "status": "submitted",
                "title_zh": f"商品 {i}",
                "description_zh": "",
                "category": "服装",
                "attributes": [],
                "hs_code": "61091000",
                "weight_g": 150 + i % 700,
                "length_cm": D("30"),
                "width_cm": D("20"),
                "height_cm": D(2 + i % 5),
                "lead_time_days": 5,
                "moq": 10,
                "currency": "CNY",
                "revision": 1,
                "created_at": now,
                "updated_at": now,
                "submitted_at": now,
                "localized": {},
                # As the localization job leaves them: every locale translated.
                "translations": {
                    locale: {
                        "title": f"Product {i} ({locale})",
                        "description": "Cotton tee",
                        "terms": {"颜色": "colour", f"色{i % 4}": "white"},
                        "sources": {"title": "machine", "description": "machine"},
                        "missing": [],
                    }
                    for locale in locales
                },
            }
        )
        images.append(
            {"id": i, "listing_id": i, "position": 0, "url": f"https://img.example.com/{i}.jpg"}
        )
        for n, (qty, off) in enumerate(((10, D(0)), (100, D("1.00")), (1000, D("2.50")))):
            tiers.append(
                {"id": i * 3 + n, "listing_id": i, "min_qty": qty, "unit_price": base - off}
            )
        for n, delta in enumerate((None, D("0.50"), D("1.00"), D("2.00"))):
            variants.append(
                {
                    "id": i * 4 + n,
                    "listing_id": i,
                    "position": n,
                    "sku": f"SKU-{i}-{n}",
                    "options": {"颜色": f"色{n}"},
                    "price": None,
                    "price_delta": delta,
                    "stock": 100,
                }
            )
    db.session.execute(insert(Listing), rows)
    db.session.execute(insert(PriceTier), tiers)
    db.session.execute(insert(Variant), variants)
    db.session.execute(insert(ListingImage), images)
    db.session.commit()


def bare_arithmetic(listings, now) -> tuple[float, int]:
    """The same prices with everything already in memory (listings, rates and the stored
    packings): no database, no documents."""
    fx = {code: fx_for(market, now) for code, market in markets().items()}
    memo = stored_packings(listings)
    started = time.perf_counter()
    count = 0
    for listing in listings:
        parcel = parcel_of(listing)
        costs = unit_costs(listing)
        packings = memo.of(parcel.goods)
        for code, market in markets().items():
            # Every mode of the market, each tier as a consignment of its quantity.
            for mode in market.modes:
                landing = prepare(market, mode, parcel, fx[code].conversion, now.date(), packings)
                cache = {}
                for _info, series in costs:
                    for qty, cost in series:
                        if (cost, qty) not in cache:
                            cache[(cost, qty)] = consignment_price(landing, cost, qty)
            count += 1
    return time.perf_counter() - started, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument(
        "--offers", type=int, help="offers instead of listings (a listing per market): 1000000"
    )
    parser.add_argument("--processes", type=int, help="pricing processes (default: CPU count)")
    args = parser.parse_args()
    if args.offers:
        args.listings = -(-args.offers // len(MARKET_FILES))
    with tempfile.TemporaryDirectory(prefix="bench-reprice-") as tmp:
        app = create_app(
            {
                "INSTANCE_PATH": tmp,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db",
                "FX_ALLOW_SNAPSHOT": False,
                **({"REPRICE_PROCESSES": args.processes} if args.processes else {}),
            }
        )
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            build_catalog(args.listings)
            first = datetime.now(UTC) - timedelta(hours=2)
            store_quotes(rates(first, D(1)))
            db.session.commit()
            initial = reprice(list(markets()))
            print(
                f"catalog: {args.listings} listings, {initial.created} offers built in "
                f"{time.perf_counter() - started:.1f}s",
                flush=True,
            )

            store_quotes(rates(datetime.now(UTC) - timedelta(minutes=5), D("1.013")))
            db.session.commit()
            started = time.perf_counter()
            result = reprice(list(markets()))
            seconds = time.perf_counter() - started
            print(f"reprice: {result.offers} offers, {result.changed} changed", flush=True)
            started = time.perf_counter()
            unchanged = reprice(list(markets()))
            print(
                f"reprice with nothing changed: {unchanged.offers} offers, "
                f"{unchanged.changed + unchanged.created} written in "
                f"{time.perf_counter() - started:.2f}s",
                flush=True,
            )

            from sqlalchemy import select
            from sqlalchemy.orm import selectinload

            listings = (
                db.session.execute(
                    select(Listing).options(
                        selectinload(Listing.price_tiers), selectinload(Listing.variants)
                    )
                )
                .scalars()
                .all()
            )
            bare_seconds, bare_offers = bare_arithmetic(listings, datetime.now(UTC))
            print(f"bare arithmetic: {bare_offers} offers in {bare_seconds:.2f}s", flush=True)
    ratio = bare_seconds / seconds
    print(
        f"reprice offers={result.offers} seconds={seconds:.2f} "
        f"offers_per_s={result.offers / seconds:.0f} ratio={ratio:.2f}"
    )


if __name__ == "__main__":
    main()

"""Feed benchmark: pages of 100 offers from a 100,000-offer market, under gunicorn as `make run`.

Builds the catalog in a fresh SQLite database (the reprice path builds the
offers), renders every offer's feed item once (as first reads would), then
starts the app under gunicorn with `make run`'s settings and loads it with
wrk (16 connections, loopback) at the first, middle and last page; in the
same run it loads a bare Flask endpoint, under the same gunicorn settings,
that returns the same page bytes from memory. Every URL is warmed, then the
four take turns for ``--rounds`` rounds and each reports its median. Figures
are ratios against that baseline; the line ends with a gzip and a brotli
page's bytes per offer.

    .venv/bin/python bench/feed.py [--offers 100000] [--seconds 3] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from flask_migrate import upgrade  # noqa: E402
from reprice import build_catalog, rates  # noqa: E402
from sqlalchemy import select  # noqa: E402

from connector import create_app  # noqa: E402
from connector.auth.tokens import issue_token  # noqa: E402
from connector.extensions import db  # noqa: E402
from connector.feeds import service as feeds  # noqa: E402
from connector.fx.store import store_quotes  # noqa: E402
from connector.models import Offer, Role, User  # noqa: E402
from connector.offers.service import reprice  # noqa: E402
from tests.support.services import free_port, redis_server  # noqa: E402

BIN = Path(sys.executable).parent
CONNECTIONS = 16
PAGE = 100


def wait_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def gunicorn(app_path: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            # The same settings as `make run` (scripts/run_stack.py).
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            app_path,
        ],
        env=env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wrk(url: str, seconds: int, key: str | None) -> tuple[float, float]:
    """(requests per second, p99 in ms) for one URL."""
    args = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", url]
    if key:
        args[1:1] = ["-H", f"Authorization: Bearer {key}"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{non2xx.group(1)} failed responses from {url}")
    return rps, p99


def fetch(url: str, key: str, encoding: str | None = None) -> bytes:
    headers = {"Authorization": f"Bearer {key}"}
    if encoding:
        headers["Accept-Encoding"] = encoding
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        return response.read()


def measure(
    urls: dict[str, str], key: str, seconds: int, rounds: int
) -> dict[str, tuple[float, float]]:
    """Each URL's median req/s and p99 over ``rounds`` rounds, the URLs taking turns.

    Taking turns (and warming every URL first) spreads the machine's noise and a
    cold process over all of them alike: measured one after the other, whichever
    came first read slower for reasons that had nothing to do with its position.
    Many short rounds, because this machine has spells of a few seconds in which
    every URL, the bare one too, answers at half its rate: a median of seven
    rounds steps over them where one of three could not.
    """
    for name, url in urls.items():
        wrk(url, 2, key if name != "bare" else None)
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in urls}
    for _ in range(rounds):
        for name, url in urls.items():
            runs[name].append(wrk(url, seconds, key if name != "bare" else None))
    return {
        name: (
            statistics.median(rps for rps, _ in found),
            statistics.median(p99 for _, p99 in found),
        )
        for name, found in runs.items()
    }


def build(app, offers: int) -> tuple[str, list[int]]:
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build_catalog(offers)
        store_quotes(rates(datetime.now(UTC) - timedelta(hours=1), D(1)))
        db.session.commit()
        result = reprice(["VN"])
        seller = User(
            email="bench@seller.example", display_name="bench", role=Role.SELLER, markets=["VN"]
        )
        seller.set_password("bench-password")
        db.session.add(seller)
        db.session.commit()
        key = issue_token(seller, "bench")[1]
        seqs = list(
            db.session.execute(
                select(Offer.feed_seq).where(Offer.market_code == "VN").order_by(Offer.feed_seq)
            ).scalars()
        )
        # Render every feed item once, as the first reads after a reprice do.
        ids = list(db.session.execute(select(Offer.id).order_by(Offer.id)).scalars())
        for start in range(0, len(ids), 1000):
            feeds.render_missing(ids[start : start + 1000], "vi_VN", "json")
        print(
            f"catalog: {result.created} offers built and rendered in "
            f"{time.perf_counter() - started:.1f}s",
            flush=True,
        )
        return key, seqs


def cursor_at(app, seqs: list[int], position: int) -> str | None:
    if position == 0:
        return None
    with app.app_context(), app.test_request_context():
        query = feeds.FeedQuery(
            market="VN", locale="vi_VN", fmt="json", limit=PAGE, ready_only=True, upper=seqs[-1]
        )
        return feeds.encode_cursor(query, seqs[position - 1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=3, help="per URL and round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `make bench` installs it from Debian packages")
    tmp = Path(tempfile.mkdtemp(prefix="bench-feed-"))
    processes: list[subprocess.Popen] = []
    try:
        with redis_server() as redis_url:
            env = {
                **os.environ,
                "CONNECTOR_INSTANCE_PATH": str(tmp),
                "CONNECTOR_SECRET_KEY": "bench-secret",
                "DATABASE_URL": f"sqlite:///{tmp}/feed.db",
                "REDIS_URL": redis_url,
                "CONNECTOR_API_RATE_LIMIT": "100000000 per minute",
                "CONNECTOR_MARKETS": "VN",
            }
            os.environ.update(
                {
                    k: v
                    for k, v in env.items()
                    if k.startswith(("CONNECTOR_", "DATABASE_URL", "REDIS_URL"))
                }
            )
            app = create_app()
            key, seqs = build(app, args.offers)
            positions = {
                "first": 0,
                "middle": (len(seqs) // 2 // PAGE) * PAGE,
                "last": ((len(seqs) - 1) // PAGE) * PAGE,
            }
            port = free_port()
            processes.append(gunicorn("wsgi:app", port, env, ROOT))
            base = f"http://127.0.0.1:{port}/api/v1/markets/VN/offers?limit={PAGE}"
            wait_http(f"http://127.0.0.1:{port}/api/v1/openapi.json")
            urls: dict[str, str] = {}
            sizes: dict[str, int] = {}
            for name, position in positions.items():
                cursor = cursor_at(app, seqs, position)
                urls[name] = base + (f"&cursor={cursor}" if cursor else "")
                sizes[name] = len(fetch(urls[name], key))
            page_bytes = fetch(urls["first"], key)
            gzip_per_offer = len(fetch(urls["first"], key, "gzip")) / PAGE
            br_per_offer = len(fetch(urls["first"], key, "br")) / PAGE
            (tmp / "page.json").write_bytes(page_bytes)
            bare_port = free_port()
            processes.append(
                gunicorn(
                    "bare_app:app",
                    bare_port,
                    {**env, "BENCH_PAGE_FILE": str(tmp / "page.json")},
                    ROOT / "bench",
                )
            )
            urls["bare"] = f"http://127.0.0.1:{bare_port}/page"
            wait_http(urls["bare"])
            figures = measure(urls, key, args.seconds, args.rounds)
            for name in positions:
                print(
                    f"feed {name:6} page: {figures[name][0]:8.0f} req/s  "
                    f"p99 {figures[name][1]:6.1f} ms  ({sizes[name]} bytes)",
                    flush=True,
                )
            bare_rps, bare_p99 = figures.pop("bare")
            print(f"bare endpoint:     {bare_rps:8.0f} req/s  p99 {bare_p99:6.1f} ms", flush=True)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    rps = min(f[0] for f in figures.values())
    p99 = max(f[1] for f in figures.values())
    print(
        f"feed offers={len(seqs)} rps={rps:.0f} bare_rps={bare_rps:.0f} "
        f"ratio={rps / bare_rps:.2f} p99_ms={p99:.1f} "
        f"last_vs_first={figures['last'][0] / figures['first'][0]:.2f} "
        f"gzip_bytes_per_offer={gzip_per_offer:.0f} br_bytes_per_offer={br_per_offer:.0f}"
    )


if __name__ == "__main__":
    main()

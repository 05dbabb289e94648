"""Dispatch benchmark: shipments per second, end to end, against RQ's no-op throughput.

Starts its own Redis, the GHN, CDEK and warehouse simulators on 127.0.0.1 and a
fresh database; places orders through the API (a mix of GHN, CDEK and
warehouse legs), then runs 2 real workers (``flask --app wsgi worker --burst``,
the forking AppWorker) until every shipment has its tracking number stored.
In the same run, the same 2 workers run no-op jobs: RQ's own ceiling here.

Both figures are counted from the first job's start to the last one's end
(dispatch: the last tracking number stored), so process start-up is left out.

    .venv/bin/python bench/dispatch.py [--shipments 400] [--database-url postgresql://...]

The last line reads ``dispatch shipments=<n> per_s=<r> noop_per_s=<b> ratio=<x>``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def noop() -> None:
    """The baseline job: nothing at all."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis(tmp: Path) -> tuple[subprocess.Popen, str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is missing (make test installs it)")
    port = _free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"redis://127.0.0.1:{port}/0"
        time.sleep(0.05)
    sys.exit("redis-server did not start")


def _environment(tmp: Path, redis_url: str, database_url: str, sims: dict) -> dict:
    ghn, cdek, warehouse = sims["ghn"], sims["cdek"], sims["consolidation"]
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONNECTOR_INSTANCE_PATH": str(tmp / "instance"),
        "CONNECTOR_SECRET_KEY": "bench",
        "CONNECTOR_PII_KEY": _fernet_key(),
        "CONNECTOR_GHN_URL": ghn.url,
        "CONNECTOR_GHN_TOKEN": ghn.token,
        "CONNECTOR_GHN_SHOP_ID": ghn.shop_id,
        "CONNECTOR_CDEK_URL": cdek.url,
        "CONNECTOR_CDEK_CLIENT_ID": cdek.client_id,
        "CONNECTOR_CDEK_CLIENT_SECRET": cdek.client_secret,
        "CONNECTOR_CDEK_SHIPMENT_POINT": "ALA15",
        "CONNECTOR_CDEK_POLL_INTERVAL": "0.02",
        "CONNECTOR_WAREHOUSE_URL": warehouse.url,
        "CONNECTOR_WAREHOUSE_API_KEY": warehouse.api_key,
        "CONNECTOR_API_RATE_LIMIT": "100000 per minute",
    }


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def _app(env: dict):
    keys = [k for k in env if k.startswith("CONNECTOR_") or k in ("DATABASE_URL", "REDIS_URL")]
    os.environ.update({key: env[key] for key in keys})
    from connector import create_app

    return create_app()


def _run_workers(env: dict, log: Path) -> None:
    started = time.monotonic()
    flask = str(Path(sys.executable).parent / "flask")
    with log.open("a") as out:
        workers = [
            subprocess.Popen(
                [flask, "--app", "wsgi", "worker", "--burst"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
            for _ in range(WORKERS)
        ]
        for worker in workers:
            if worker.wait(timeout=900) != 0:
                sys.exit(f"a worker failed; see {log}")
    print(f"  (workers ran {time.monotonic() - started:.1f}s, start-up and queue drain included)")


def _span(jobs) -> tuple[float, float]:
    starts = [job.started_at for job in jobs if job.started_at]
    ends = [job.ended_at for job in jobs if job.ended_at]
    return min(starts).timestamp(), max(ends).timestamp()


def measure_noop(app, env: dict, count: int, log: Path) -> float:
    from connector.services import get_queue

    with app.app_context():
        queue = get_queue()
        # By name: the workers import this module as bench.dispatch, not __main__.
        jobs = [queue.enqueue("bench.dispatch.noop", result_ttl=600) for _ in range(count)]
        _run_workers(env, log)
        for job in jobs:
            job.refresh()
        first, last = _span(jobs)
    return count / (last - first)


def measure_dispatch(app, env: dict, count: int, log: Path) -> tuple[int, float]:
    from sqlalchemy import func, select

    from connector.extensions import db
    from connector.models import Shipment
    from connector.services import get_queue
    from tests.fulfilment.support import make_offer, make_seller, order_body, post_order

    client = app.test_client()
    seller = make_seller(app, "bench@shop.example")
    offers = {"VN": make_offer(app, "VN"), "KZ": make_offer(app, "KZ")}
    started = time.monotonic()
    for number in range(count):
        kind = number % 5
        if kind in (0, 1):
            body = order_body(offers["VN"])
        elif kind in (2, 3):
            body = order_body(offers["KZ"], market="KZ", quantity=12)
        else:
            body = order_body(offers["VN"], quantity=200, mode="fully_managed")
        response = post_order(client, seller["token"], body, key=uuid.uuid4().hex)
        if response.status_code != 202:
            sys.exit(f"order refused: {response.json}")
    print(f"  ({count} orders placed through the API in {time.monotonic() - started:.1f}s)")
    with app.app_context():
        queue = get_queue()
        job_ids = queue.get_job_ids()
        _run_workers(env, log)
        jobs = [queue.fetch_job(job_id) for job_id in job_ids]
        first, _ = _span([job for job in jobs if job is not None])
        done, last = db.session.execute(
            select(func.count(Shipment.id), func.max(Shipment.submitted_at)).where(
                Shipment.tracking_number.is_not(None)
            )
        ).one()
        total = db.session.execute(select(func.count(Shipment.id))).scalar_one()
        if done != total:
            sys.exit(f"only {done} of {total} shipments got a tracking number; see {log}")
    return done, done / (last.timestamp() - first)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shipments", type=int, default=400)
    parser.add_argument("--noop-jobs", type=int, default=2000)
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    args = parser.parse_args()

    from flask_migrate import upgrade

    from simulators.cdek import CdekSimulator
    from simulators.ghn import GhnSimulator
    from simulators.warehouse import WarehouseSimulator

    tmp = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    redis, redis_url = _redis(tmp)
    sims = {"ghn": GhnSimulator(), "cdek": CdekSimulator(), "consolidation": WarehouseSimulator()}
    try:
        for simulator in sims.values():
            simulator.start()
        database_url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
        env = _environment(tmp, redis_url, database_url, sims)
        app = _app(env)
        with app.app_context():
            upgrade()
        log = tmp / "workers.log"
        noop_rate = measure_noop(app, env, args.noop_jobs, log)
        print(f"noop: {args.noop_jobs} jobs, {noop_rate:.1f}/s with {WORKERS} workers")
        shipments, rate = measure_dispatch(app, env, args.shipments, log)
        print(f"dispatch: {shipments} shipments, {rate:.1f}/s with {WORKERS} workers")
        parcels = sum(sum(s.parcel_counts().values()) for s in sims.values())
        print(f"parcels at the simulators: {parcels}")
        print(
            f"dispatch shipments={shipments} per_s={rate:.1f} "
            f"noop_per_s={noop_rate:.1f} ratio={rate / noop_rate:.2f}"
        )
    finally:
        for simulator in sims.values():
            simulator.stop()
        redis.terminate()
        redis.wait(timeout=10)
        if args.keep:
            print(f"work folder kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Chaos at scale: N orders on PostgreSQL through faulty carriers, killed workers, a Redis restart.

The 300-order chaos test (``tests/fulfilment/test_chaos.py``) made long: a throwaway
PostgreSQL (as the tests start one), a Redis of its own, the GHN, CDEK and warehouse
simulators with about 20% of their requests faulted (timeouts, replies dropped after
acting, 429, 503) and ``unique_references`` off, so a re-send *would* make a second
parcel there. Orders are placed through the API while real workers (``flask --app wsgi
worker``) dispatch them; at three random moments a worker is SIGKILLed with its work
horse (and restarted, as a supervisor would), and once Redis is killed and restarted
empty. The sweeps run on their clock meanwhile (faster than in production, as the
leases are shorter). When every order is in and every shipment has been tried, the
faults stop and the sweeps run until nothing is left to do: the hour of sweeps
production would give, compressed.

    .venv/bin/python bench/chaos.py [--orders 10000] [--workers 2] [--seed 2026]

Counted at the end:

* ``lost``: accepted orders not stored, plus shipments marked submitted that have no
  parcel at their service;
* ``duplicates``: parcels at the services beyond one per submitted shipment (a second
  parcel under one key, or one for a shipment we do not count as sent);
* ``stuck``: shipments not at their service (pending, retrying, submitting,
  needs_attention with its reason, cancelled) once the sweeps are quiet.

The last line reads ``chaos orders= shipments= lost= duplicates= stuck= seconds=``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The chaos test's pieces: its restartable Redis, its killable worker, its environment.
from tests.fulfilment import test_chaos as chaos  # noqa: E402
from tests.fulfilment.support import make_offer, make_seller, order_body, post_order  # noqa: E402
from tests.support.services import postgres_server  # noqa: E402

FAULT_RATE = chaos.FAULT_RATE
KILLS = 3
SWEEP_SECONDS = 2.0
UNSETTLED = ("pending", "submitting", "retrying")
SENT = ("submitted", "in_transit", "delivered")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--settle-seconds",
        type=float,
        default=1800.0,
        help="longest time the sweeps get to settle everything after the last order",
    )
    parser.add_argument("--database-url", help="an existing, empty PostgreSQL (default: own)")
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="chaos-bench-")))
        database_url = args.database_url or stack.enter_context(postgres_server())
        redis = chaos.RestartableRedis()
        redis.start()
        stack.callback(redis.stop)
        services = _simulators(stack, args.seed)
        figures = run(args, tmp, database_url, redis, services)
    print(json.dumps(figures, ensure_ascii=False))
    print(
        "chaos orders={orders} shipments={shipments} lost={lost} duplicates={duplicates} "
        "stuck={stuck} seconds={seconds}".format(**figures)
    )


def _simulators(stack: ExitStack, seed: int) -> dict:
    from simulators.cdek import CdekSimulator
    from simulators.ghn import GhnSimulator
    from simulators.warehouse import WarehouseSimulator

    services = {
        "ghn": GhnSimulator(unique_references=False),
        "cdek": CdekSimulator(unique_references=False),
        "consolidation": WarehouseSimulator(unique_references=False),
    }
    for offset, simulator in enumerate(services.values()):
        simulator.start()
        stack.callback(simulator.stop)
        simulator.chaos(FAULT_RATE, seconds=chaos.READ_TIMEOUT + 0.4, seed=seed + offset)
    return services


def _environment(tmp: Path, database_url: str, redis, services) -> dict:
    from cryptography.fernet import Fernet

    env = chaos._environment(tmp, redis.url, services, Fernet.generate_key().decode())
    env["DATABASE_URL"] = database_url
    # One seller places every order: its API budget must not be the bottleneck.
    env["CONNECTOR_API_RATE_LIMIT"] = "100000000 per minute"
    return env


def run(args, tmp: Path, database_url: str, redis, services: dict) -> dict:
    from flask_migrate import upgrade

    started = time.monotonic()
    rng = random.Random(args.seed)
    env = _environment(tmp, database_url, redis, services)
    app = chaos._app_from(env)
    with app.app_context():
        upgrade()
    client = app.test_client()
    seller = make_seller(app)
    offers = {
        "VN": make_offer(app, "VN", supplier="工厂甲"),
        "VN2": make_offer(app, "VN", supplier="工厂乙"),
        "KZ": make_offer(app, "KZ", supplier="工厂丙"),
    }
    workers = [chaos.Worker(env, tmp / f"worker-{n}.log") for n in range(args.workers)]
    for worker in workers:
        worker.start()

    # The random moments: three kills and one Redis restart, within the placing.
    moments = sorted(rng.sample(range(args.orders // 10, args.orders * 9 // 10), KILLS + 1))
    redis_at = moments.pop(rng.randrange(len(moments)))
    kills_at = set(moments)
    placed: dict[str, int] = {}
    refused = 0
    kills = 0
    last_sweep = 0.0
    for number in range(args.orders):
        key = uuid.uuid4().hex
        response = post_order(client, seller["token"], _order(rng, offers), key=key)
        if response.status_code == 202:
            placed[key] = response.json["id"]
        else:
            refused += 1
        if number in kills_at:
            victim = rng.choice(workers)
            victim.kill()
            kills += 1
            victim.start()  # the supervisor brings a fresh one
        if number == redis_at:
            redis.stop()  # every queued and scheduled job is gone
            time.sleep(0.5)
            redis.start()
        for worker in workers:
            if not worker.alive():
                worker.start()
        if time.monotonic() - last_sweep >= SWEEP_SECONDS:
            chaos._sweep(app)  # what `flask cron` does on its clock
            last_sweep = time.monotonic()
    placing = time.monotonic() - started

    settle_deadline = time.monotonic() + args.settle_seconds
    # The workers lag behind the placing: the faults last until every shipment has been
    # tried at least once, so each meets them; then they stop and the sweeps run on
    # until nothing is left to do.
    _sweep_until(app, workers, settle_deadline, ("pending",))
    for simulator in services.values():
        simulator.chaos(0)
    _sweep_until(app, workers, settle_deadline, UNSETTLED)
    for worker in workers:
        worker.stop()
    figures = _count(app, placed, services)
    figures.update(
        refused=refused,
        killed_workers=kills,
        redis_restarts=1,
        worker_starts=sum(worker.started for worker in workers),
        faults_injected={n: dict(s.chaos_counts) for n, s in services.items()},
        placing_seconds=round(placing, 1),
        seconds=round(time.monotonic() - started, 1),
    )
    return figures


def _sweep_until(app, workers: list, deadline: float, states: tuple[str, ...]) -> None:
    """Sweep on the clock (restarting dead workers) until no shipment is in ``states``."""
    while time.monotonic() < deadline:
        if not any(chaos._states(app)[state] for state in states):
            return
        for worker in workers:
            if not worker.alive():
                worker.start()
        chaos._sweep(app)
        time.sleep(SWEEP_SECONDS)


def _order(rng: random.Random, offers: dict) -> dict:
    """The chaos test's mix: GHN, CDEK, the warehouse, and two legs in one order."""
    kind = rng.choices(["ghn", "cdek", "warehouse", "two_legs"], [35, 35, 20, 10])[0]
    if kind == "cdek":
        return order_body(offers["KZ"], market="KZ", quantity=12)
    body = order_body(offers["VN"], quantity=60)
    if kind == "warehouse":
        body["mode"] = "fully_managed"
    if kind == "two_legs":
        body["lines"].append({"offer_id": offers["VN2"], "sku": "TS180-WHT-M", "quantity": 50})
    return body


def _count(app, placed: dict[str, int], services: dict) -> dict:
    from sqlalchemy import select

    from connector.extensions import db
    from connector.models import SalesOrder, Shipment

    with app.app_context():
        stored = set(db.session.execute(select(SalesOrder.id)).scalars())
        shipments = db.session.execute(select(Shipment)).scalars().all()
        states = Counter(shipment.state for shipment in shipments)
        reasons = Counter(
            shipment.last_error_code or "none"
            for shipment in shipments
            if shipment.state not in SENT
        )
        sent_keys = {
            (shipment.adapter, shipment.idempotency_key)
            for shipment in shipments
            if shipment.state in SENT
        }
        db.session.remove()
    parcels = {name: simulator.parcel_counts() for name, simulator in services.items()}
    missing_orders = sum(1 for order_id in placed.values() if order_id not in stored)
    unsent_parcels = sum(
        count
        for name, counts in parcels.items()
        for key, count in counts.items()
        if (name, key) not in sent_keys
    )
    extra_parcels = sum(count - 1 for counts in parcels.values() for count in counts.values())
    without_parcel = sum(1 for name, key in sent_keys if not parcels.get(name, {}).get(key))
    return {
        "orders": len(stored),
        "shipments": len(shipments),
        "lost": missing_orders + without_parcel,
        "duplicates": extra_parcels + unsent_parcels,
        "stuck": sum(count for state, count in states.items() if state not in SENT),
        "states": dict(states),
        "stuck_reasons": dict(reasons),
    }


if __name__ == "__main__":
    main()

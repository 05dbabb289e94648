"""Chaos, bounded and on loopback: 300 orders through faulty simulators, a worker killed
with SIGKILL mid-call, Redis restarted; in the end every shipment is settled, each service
holds exactly one parcel per shipment, and no order is lost.

The simulators run with ``unique_references`` off, so a re-send *would* make a second
parcel there: exactly-once has to come from the claim and reconcile-before-retry alone.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import func, select

from connector import create_app
from tests.fulfilment.support import fixture, make_offer, make_seller, order_body, post_order
from tests.support.services import _wait_for_port, free_port

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 300
# Settling waits on the shipments themselves, not on a clock: as long as they keep
# moving (states change, attempts are made) it waits, up to a generous ceiling. A
# loaded machine is slower, not wrong; a stuck run stops moving and fails after the
# stall, long before the ceiling.
SETTLE_CEILING_SECONDS = 900
SETTLE_STALL_SECONDS = 180
UNSETTLED = ("pending", "submitting", "retrying")
FAULT_RATE = 0.2
READ_TIMEOUT = 0.5


class RestartableRedis:
    """A redis-server of this test's own, on a fixed port, without persistence."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


class Worker:
    """``flask --app wsgi worker`` as its own process group (the work horse included)."""

    def __init__(self, env: dict, log: Path) -> None:
        self.env, self.log = env, log
        self.process: subprocess.Popen | None = None
        self.started = 0

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "worker"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started += 1

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker and its work horse (which rq puts in a process group of its
        own) at once: the machine died mid-call."""
        if not self.alive():
            return
        os.kill(self.process.pid, signal.SIGSTOP)  # no new horse while we look
        for pid in _descendants(self.process.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


@pytest.fixture
def chaos_redis():
    redis = RestartableRedis()
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def chaos_services():
    from simulators.cdek import CdekSimulator
    from simulators.ghn import GhnSimulator
    from simulators.warehouse import WarehouseSimulator

    simulators = {
        "ghn": GhnSimulator(unique_references=False),
        "cdek": CdekSimulator(unique_references=False),
        "consolidation": WarehouseSimulator(unique_references=False),
    }
    for seed, simulator in enumerate(simulators.values()):
        simulator.start()
        simulator.chaos(FAULT_RATE, seconds=READ_TIMEOUT + 0.4, seed=seed)
    yield simulators
    for simulator in simulators.values():
        simulator.stop()


def _environment(tmp_path, redis_url, services, pii_key) -> dict:
    ghn, cdek, warehouse = services["ghn"], services["cdek"], services["consolidation"]
    timeout = f"0.5,{READ_TIMEOUT}"
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chaos.db'}",
        "REDIS_URL": redis_url,
        "CONNECTOR_INSTANCE_PATH": str(tmp_path / "instance"),
        "CONNECTOR_SECRET_KEY": "chaos-secret",
        "CONNECTOR_PII_KEY": pii_key,
        "CONNECTOR_GHN_URL": ghn.url,
        "CONNECTOR_GHN_TOKEN": ghn.token,
        "CONNECTOR_GHN_SHOP_ID": ghn.shop_id,
        "CONNECTOR_GHN_TIMEOUT": timeout,
        "CONNECTOR_CDEK_URL": cdek.url,
        "CONNECTOR_CDEK_CLIENT_ID": cdek.client_id,
        "CONNECTOR_CDEK_CLIENT_SECRET": cdek.client_secret,
        "CONNECTOR_CDEK_SHIPMENT_POINT": "ALA15",
        "CONNECTOR_CDEK_TIMEOUT": timeout,
        "CONNECTOR_CDEK_POLL_INTERVAL": "0.05",
        "CONNECTOR_WAREHOUSE_URL": warehouse.url,
        "CONNECTOR_WAREHOUSE_API_KEY": warehouse.api_key,
        "CONNECTOR_WAREHOUSE_TIMEOUT": timeout,
        "CONNECTOR_SHIPMENT_LEASE_SECONDS": "6",
        "CONNECTOR_SHIPMENT_BACKOFF_SECONDS": "0.2",
        "CONNECTOR_SHIPMENT_BACKOFF_MAX_SECONDS": "1.5",
        "CONNECTOR_SHIPMENT_MAX_ATTEMPTS": "15",
        "CONNECTOR_SHIPMENT_SWEEP_SECONDS": "2",
    }


def _app_from(env: dict):
    """The app exactly as the worker builds it, from the same environment."""
    keys = [k for k in env if k.startswith("CONNECTOR_") or k in ("DATABASE_URL", "REDIS_URL")]
    saved = {key: os.environ.get(key) for key in keys}
    os.environ.update({key: env[key] for key in keys})
    try:
        app = create_app({"TESTING": True})
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return app


def _states(app) -> Counter:
    from connector.extensions import db
    from connector.models import Shipment

    with app.app_context():
        rows = db.session.execute(select(Shipment.state, func.count()).group_by(Shipment.state))
        counts = Counter(dict(rows.all()))
        db.session.remove()
        return counts


def _abandoned_attempts(app) -> int:
    from connector.extensions import db
    from connector.models import ShipmentAttempt

    with app.app_context():
        count = db.session.execute(
            select(func.count()).where(ShipmentAttempt.outcome.is_(None))
        ).scalar_one()
        db.session.remove()
        return count


def _attempts(app) -> int:
    from connector.extensions import db
    from connector.models import ShipmentAttempt

    with app.app_context():
        count = db.session.execute(select(func.count(ShipmentAttempt.id))).scalar_one()
        db.session.remove()
        return count


def _settle(app, worker: Worker) -> None:
    """Sweep, as `flask cron` does, until no shipment is left unsettled, none moved on
    (state or attempt) for ``SETTLE_STALL_SECONDS``, or ``SETTLE_CEILING_SECONDS`` pass."""
    started = moved_at = time.monotonic()
    seen = None
    while True:
        states = _states(app)
        if not any(states[state] for state in UNSETTLED):
            return
        now = time.monotonic()
        progress = (sorted(states.items()), _attempts(app))
        if progress != seen:
            seen, moved_at = progress, now
        if now - moved_at > SETTLE_STALL_SECONDS or now - started > SETTLE_CEILING_SECONDS:
            return  # the assertions below say what was left unsettled
        if not worker.alive():
            worker.start()
        _sweep(app)  # what `flask cron` does every CONNECTOR_SHIPMENT_SWEEP_SECONDS
        time.sleep(1)


def _sweep(app) -> None:
    from connector.extensions import db
    from jobs.shipments import sweep_shipments

    with app.app_context():
        try:
            sweep_shipments()
        finally:
            db.session.remove()


def test_chaos_every_shipment_settles_once(tmp_path, chaos_redis, chaos_services):
    started = time.monotonic()
    env = _environment(tmp_path, chaos_redis.url, chaos_services, Fernet.generate_key().decode())
    app = _app_from(env)
    with app.app_context():
        upgrade()
    client = app.test_client()
    seller = make_seller(app)
    offers = {
        "VN": make_offer(app, "VN", supplier="工厂甲"),
        "VN2": make_offer(app, "VN", supplier="工厂乙"),
        "KZ": make_offer(app, "KZ", supplier="工厂丙"),
    }
    worker = Worker(env, tmp_path / "worker.log")
    worker.start()

    rng = random.Random(2026)
    placed: dict[str, int] = {}
    bad_keys: list[int] = []
    killed_while_submitting = 0
    redis_restarted = False
    for number in range(ORDERS):
        kind = rng.choices(["ghn", "cdek", "warehouse", "two_legs"], [35, 35, 20, 10])[0]
        if kind == "cdek":
            body = order_body(offers["KZ"], market="KZ", quantity=12)
        else:
            body = order_body(offers["VN"], quantity=60)
            if kind == "warehouse":
                body["mode"] = "fully_managed"
            if kind == "two_legs":
                body["lines"].append(
                    {"offer_id": offers["VN2"], "sku": "TS180-WHT-M", "quantity": 50}
                )
        bad = rng.random() < 0.03 and kind in ("ghn", "cdek")
        if bad:  # the carrier does not serve this place: a permanent rejection
            if kind == "ghn":
                body["ship_to"] = {**fixture("ship_to_vn.json"), "ward": "Đảo Song Tử Tây"}
            else:
                body["ship_to"] = {**fixture("ship_to_kz.json"), "city": "Байконур"}
        key = uuid.uuid4().hex
        response = post_order(client, seller["token"], body, key=key)
        assert response.status_code == 202, response.json
        placed[key] = response.json["id"]
        if bad:
            bad_keys.append(response.json["id"])
        if number % 25 == 0:  # sellers retry: a replay must not make a second order
            replay = post_order(client, seller["token"], body, key=key)
            assert replay.status_code == 202 and replay.json["id"] == placed[key]

        if number >= 100 and not killed_while_submitting and number % 3 == 0:
            if _states(app)["submitting"]:
                worker.kill()
                # Attempts that will never finish: their lease must run out first.
                killed_while_submitting = _abandoned_attempts(app)
                worker.start()  # the supervisor brings a fresh one
        if number == 200:
            chaos_redis.stop()  # every queued and scheduled job is gone
            time.sleep(0.5)
            chaos_redis.start()
            redis_restarted = True
        if not worker.alive():
            worker.start()
        if number % 20 == 0:
            _sweep(app)

    placing = time.monotonic() - started
    _settle(app, worker)
    worker.stop()
    elapsed = time.monotonic() - started

    from connector.extensions import db
    from connector.models import SalesOrder, Shipment, ShipmentAttempt

    with app.app_context():
        shipments = db.session.execute(select(Shipment)).scalars().all()
        attempts = db.session.execute(select(ShipmentAttempt)).scalars().all()
        orders = db.session.execute(select(SalesOrder.id)).scalars().all()
        states = Counter(shipment.state for shipment in shipments)
        parcels = {name: simulator.parcel_counts() for name, simulator in chaos_services.items()}
        figures = {
            "orders": len(orders),
            "shipments": len(shipments),
            "states": dict(states),
            "attempts": len(attempts),
            "attempt_outcomes": dict(Counter(a.outcome or "open" for a in attempts)),
            "reconciled_attempts": sum(a.reconciled for a in attempts),
            "faults_injected": {n: dict(s.chaos_counts) for n, s in chaos_services.items()},
            "killed_while_submitting": killed_while_submitting,
            "worker_starts": worker.started,
            "redis_restarted": redis_restarted,
            "placing_seconds": round(placing, 1),
            "seconds": round(elapsed, 1),
        }
        print("\nchaos:", json.dumps(figures, ensure_ascii=False))
        artifacts = ROOT / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        (artifacts / "chaos.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))

        # No order lost: every accepted order is stored, with its shipments.
        assert sorted(orders) == sorted(placed.values()) and len(orders) == ORDERS
        assert all(s.order_id in set(orders) for s in shipments)
        # Every shipment settled: sent (with a tracking number) or waiting for a person.
        assert set(states) <= {"submitted", "needs_attention"}, states
        for shipment in shipments:
            if shipment.state == "needs_attention":
                assert shipment.order_id in bad_keys, (shipment.id, shipment.last_error_code)
                assert shipment.last_error_code == "address_rejected"
            else:
                assert shipment.tracking_number, shipment.id
                # Exactly one parcel at its service under its key...
                assert parcels[shipment.adapter][shipment.idempotency_key] == 1, shipment.id
        # ... and nothing else there: no parcel for a rejected one, no stray second parcel.
        sent = Counter(s.idempotency_key for s in shipments if s.state == "submitted")
        assert sum(sum(p.values()) for p in parcels.values()) == sum(sent.values())
        assert killed_while_submitting >= 1 and redis_restarted
        # The killed worker's attempt was closed as abandoned by the claim that took over.
        assert figures["attempt_outcomes"].get("abandoned", 0) >= 1
        assert "open" not in figures["attempt_outcomes"]
        assert (
            sum(figures["faults_injected"][name].get("timeout_after", 0) for name in chaos_services)
            > 0
        )
        db.session.remove()

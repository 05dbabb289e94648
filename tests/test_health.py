"""/healthz tells an operator which part is down."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from connector import create_app
from tests.support.services import free_port

ROOT = Path(__file__).resolve().parent.parent


def test_health_names_missing_workers(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json
    assert body["down"] == ["workers"]
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]


def test_health_names_redis_when_it_is_unreachable(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.db'}",
            "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0",
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "redis" in response.json["down"]
    assert response.json["checks"]["database"]["ok"]


def test_health_is_ok_with_a_real_worker_running(app, client, tmp_path, database_url, redis_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "CONNECTOR_INSTANCE_PATH": str(tmp_path / "instance"),
        "CONNECTOR_SECRET_KEY": "test-secret",
    }
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        response = client.get("/healthz")
        while response.status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
            response = client.get("/healthz")
        assert response.status_code == 200, response.json
        assert response.json["status"] == "ok" and response.json["down"] == []
        assert response.json["checks"]["workers"]["count"] == 1
    finally:
        worker.terminate()
        worker.wait(timeout=20)

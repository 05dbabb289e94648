"""``GET /healthz``: the state of the database, Redis and the workers."""

from __future__ import annotations

from flask import Blueprint, jsonify
from redis.exceptions import RedisError
from rq import Worker
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from connector.extensions import db
from connector.services import get_redis

bp = Blueprint("health", __name__)


def _database() -> dict:
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True, "backend": db.engine.dialect.name}
    except SQLAlchemyError as exc:
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _redis_and_workers() -> tuple[dict, dict]:
    try:
        redis = get_redis()
        redis.ping()
    except RedisError as exc:
        down = {"ok": False, "error": type(exc).__name__}
        return down, {"ok": False, "error": "redis unavailable", "count": 0}
    workers = Worker.all(connection=redis)
    redis_state = {"ok": True}
    worker_state = {"ok": bool(workers), "count": len(workers)}
    if not workers:
        worker_state["error"] = "no worker is running"
    return redis_state, worker_state


@bp.get("/healthz")
def healthz():
    redis_state, worker_state = _redis_and_workers()
    checks = {"database": _database(), "redis": redis_state, "workers": worker_state}
    down = sorted(name for name, state in checks.items() if not state["ok"])
    body = {"status": "ok" if not down else "down", "down": down, "checks": checks}
    response = jsonify(body)
    response.status_code = 200 if not down else 503
    response.headers["Cache-Control"] = "no-store"
    return response

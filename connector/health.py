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


def _fx_providers() -> dict:
    """Failing rate providers degrade, not break, the system: prices keep the last good rates."""
    from connector.models import FxProviderState

    try:
        states = db.session.execute(db.select(FxProviderState)).scalars().all()
    except SQLAlchemyError:
        db.session.rollback()
        return {"ok": False, "error": "unreadable"}
    failing = {
        s.name: {
            "code": s.last_error_code,
            "since": s.last_failure_at.isoformat(),
            "consecutive_failures": s.consecutive_failures,
        }
        for s in states
        if s.consecutive_failures
    }
    return {"ok": not failing, "failing": failing, "providers": sorted(s.name for s in states)}


# Checks whose failure makes the service unusable (503); the rest are warnings.
VITAL = ("database", "redis", "workers")


@bp.get("/healthz")
def healthz():
    redis_state, worker_state = _redis_and_workers()
    checks = {"database": _database(), "redis": redis_state, "workers": worker_state}
    if checks["database"]["ok"]:
        checks["fx_providers"] = _fx_providers()
    down = sorted(name for name in VITAL if not checks[name]["ok"])
    warnings = sorted(
        name for name, state in checks.items() if name not in VITAL and not state["ok"]
    )
    body = {
        "status": "ok" if not down else "down",
        "down": down,
        "warnings": warnings,
        "checks": checks,
    }
    response = jsonify(body)
    response.status_code = 200 if not down else 503
    response.headers["Cache-Control"] = "no-store"
    return response

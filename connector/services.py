"""Connections to outside services, made on first use (never at import time)."""

from __future__ import annotations

from flask import current_app
from redis import Redis
from rq import Queue


def get_redis() -> Redis:
    app = current_app._get_current_object()
    client = app.extensions.get("redis")
    if client is None:
        client = Redis.from_url(app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
        app.extensions["redis"] = client
    return client


def get_queue(name: str = "default") -> Queue:
    return Queue(
        name,
        connection=get_redis(),
        default_timeout=current_app.config["JOB_TIMEOUT_SECONDS"],
    )

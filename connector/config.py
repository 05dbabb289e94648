"""Configuration, read from the environment in one place.

Every setting of ours carries the ``CONNECTOR_`` prefix; ``DATABASE_URL``,
``REDIS_URL`` and ``PORT`` keep their conventional names because hosting
platforms set them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import orjson

PREFIX = "CONNECTOR_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
UI_LOCALES = ("zh_Hans", "en")


def database_url(raw: str | None, instance_path: Path) -> str:
    """Normalise a DATABASE_URL so SQLAlchemy uses the psycopg 3 driver."""
    if not raw:
        return f"sqlite:///{instance_path / 'connector.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def _secret_key(environ: Mapping[str, str], instance_path: Path) -> str:
    """The session key must be the same in every gunicorn worker, so a generated
    one is kept in the instance folder rather than made per process."""
    configured = environ.get(PREFIX + "SECRET_KEY")
    if configured:
        return configured
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{PREFIX}{name} must be an integer, got {raw!r}") from exc


def _list(environ: Mapping[str, str], name: str) -> list[str]:
    raw = environ.get(PREFIX + name, "")
    return [part.strip() for part in raw.split(",") if part.strip()]


def _float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(PREFIX + name)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise RuntimeError(f"{PREFIX}{name} must be a number, got {raw!r}") from exc


def from_environ(environ: Mapping[str, str] | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    instance_path = Path(env.get(PREFIX + "INSTANCE_PATH") or DEFAULT_INSTANCE)
    max_upload_mb = _int(env, "MAX_UPLOAD_MB", 8)
    return {
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "REDIS_URL": env.get("REDIS_URL")
        or env.get(PREFIX + "REDIS_URL")
        or "redis://127.0.0.1:6379/0",
        "RQ_QUEUES": ["default"],
        "JOB_TIMEOUT_SECONDS": _int(env, "JOB_TIMEOUT_SECONDS", 300),
        # Whole request bodies: several images plus the form; a larger body is a 413.
        "MAX_CONTENT_LENGTH": max_upload_mb * 1024 * 1024,
        "IMAGE_MAX_BYTES": _int(env, "IMAGE_MAX_KB", 5 * 1024) * 1024,
        "IMAGE_DIR": str(instance_path / "images"),
        "BABEL_DEFAULT_LOCALE": env.get(PREFIX + "DEFAULT_LOCALE", "zh_Hans"),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "locales"),
        "UI_LOCALES": UI_LOCALES,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env.get(PREFIX + "SECURE_COOKIES", "0") == "1",
        "WTF_CSRF_TIME_LIMIT": None,
        "API_TITLE": "Cross-border connector API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "SQLALCHEMY_ENGINE_OPTIONS": {
            "pool_pre_ping": True,
            # JSON columns (listing texts, offer reasons) parse and write with orjson.
            "json_serializer": lambda value: orjson.dumps(value).decode(),
            "json_deserializer": orjson.loads,
        },
        # Where buyers and marketplaces reach us: absolute links in offer documents.
        "PUBLIC_URL": env.get(PREFIX + "PUBLIC_URL") or "http://127.0.0.1:8000",
        "MARKETS_DIR": env.get(PREFIX + "MARKETS_DIR") or str(PROJECT_ROOT / "markets"),
        "ENABLED_MARKETS": _list(env, "MARKETS"),
        # Live providers need the internet; the shipped snapshot is the offline default.
        "FX_PROVIDERS": _list(env, "FX_PROVIDERS") or ["snapshot"],
        "FX_REFRESH_SECONDS": _int(env, "FX_REFRESH_SECONDS", 3600),
        # Snapshot rates are old by nature; allowed (and labelled) unless turned off.
        "FX_ALLOW_SNAPSHOT": env.get(PREFIX + "FX_ALLOW_SNAPSHOT", "1") == "1",
        # Machine translation (LibreTranslate); without a URL, offers keep the
        # Chinese text flagged as needing translation.
        "TRANSLATION": {
            "provider": env.get(PREFIX + "TRANSLATION_PROVIDER", "libretranslate"),
            "url": env.get(PREFIX + "LIBRETRANSLATE_URL") or None,
            "api_key": env.get(PREFIX + "LIBRETRANSLATE_API_KEY") or None,
            "timeout": _float(env, "LIBRETRANSLATE_TIMEOUT", 30.0),
        },
        "FX_SETTINGS": {
            name: {
                "url": env.get(f"{PREFIX}FX_{name.upper()}_URL"),
                "timeout": _float(env, f"FX_{name.upper()}_TIMEOUT", 10.0),
            }
            for name in ("nbk", "vietcombank", "ecb")
        },
    }

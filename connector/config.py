"""Configuration, read from the environment in one place.

Every setting of ours carries the ``CONNECTOR_`` prefix; ``DATABASE_URL``,
``REDIS_URL`` and ``PORT`` keep their conventional names because hosting
platforms set them.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import orjson

from adapters.http import DEFAULT_TIMEOUT, parse_timeout

PREFIX = "CONNECTOR_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
UI_LOCALES = ("zh_Hans", "en", "vi", "ru", "kk")


def database_url(raw: str | None, instance_path: Path) -> str:
    """Normalise a DATABASE_URL so SQLAlchemy uses the psycopg 3 driver."""
    if not raw:
        return f"sqlite:///{instance_path / 'connector.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def instance_secret(instance_path: Path, name: str, make: Callable[[], str]) -> str:
    """A secret made once per install and kept in the instance folder (mode 0600).

    Every process of an install (gunicorn workers, the RQ worker, the sandbox) must
    read the same value, and several may start at once on a fresh install: the value
    is written whole to a temporary file, then linked into place, which fails when
    another process got there first; everyone then reads the one that won.
    """
    path = instance_path / name
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=f".{name}.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
    return path.read_text().strip()


def _secret_key(environ: Mapping[str, str], instance_path: Path) -> str:
    """The session key must be the same in every gunicorn worker, so a generated
    one is kept in the instance folder rather than made per process."""
    configured = environ.get(PREFIX + "SECRET_KEY")
    if configured:
        return configured
    return instance_secret(instance_path, "secret_key", lambda: secrets.token_urlsafe(48))


def _int(environ: Mapping[str, str], name: str, default: int) -> int:
    raw = environ.get(PREFIX + name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise RuntimeError(f"{PREFIX}{name} must be an integer, got {raw!r}") from exc


def _hops(environ: Mapping[str, str]) -> int:
    hops = _int(environ, "TRUSTED_PROXIES", 0)
    if hops < 0:
        raise RuntimeError(f"{PREFIX}TRUSTED_PROXIES must be 0 or more, got {hops}")
    return hops


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


def from_environ(
    environ: Mapping[str, str] | None = None, overrides: Mapping | None = None
) -> dict:
    """Build the Flask config mapping from environment variables, then ``overrides``.

    The overrides (a test config) are known before anything is derived from them: the
    instance folder they name is the one used, and a key they give is never generated,
    so a test with its own instance path writes nothing into the project's.
    """
    env = os.environ if environ is None else environ
    overrides = overrides or {}
    instance_path = Path(
        overrides.get("INSTANCE_PATH") or env.get(PREFIX + "INSTANCE_PATH") or DEFAULT_INSTANCE
    )
    settings = _settings(env, instance_path, overrides)
    settings.update(overrides)
    return settings


def _settings(env: Mapping[str, str], instance_path: Path, overrides: Mapping) -> dict:
    # Room for the form with a full-size photo (one image is limited separately); every
    # body is read into memory and a JSON one is parsed whole, so no more than that.
    max_upload_mb = _int(env, "MAX_UPLOAD_MB", 8)
    return {
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "REDIS_URL": env.get("REDIS_URL")
        or env.get(PREFIX + "REDIS_URL")
        or "redis://127.0.0.1:6379/0",
        "RQ_QUEUES": ["default"],
        # Proxies (load balancers) in front of the app whose X-Forwarded-For/-Proto/-Host
        # are believed (see connector/proxies.py); 0 when clients reach the app directly.
        "TRUSTED_PROXIES": _hops(env),
        # Per API key, on Redis so every web process shares the count.
        "API_RATE_LIMIT": env.get(PREFIX + "API_RATE_LIMIT") or "1200 per minute",
        # X-RateLimit-* headers cost a Redis round trip per request; a refusal still
        # says when to come back (Retry-After, set by the error handler).
        "RATELIMIT_HEADERS_ENABLED": False,
        # If Redis is down, serve rather than fail; the limit is a guard, not a gate.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Failed sign-ins allowed per account and per client address within the window.
        "LOGIN_THROTTLE": {
            "per_account": _int(env, "LOGIN_FAILURES_PER_ACCOUNT", 5),
            "per_address": _int(env, "LOGIN_FAILURES_PER_ADDRESS", 20),
            "window_seconds": _int(env, "LOGIN_FAILURE_WINDOW_SECONDS", 900),
        },
        "JOB_TIMEOUT_SECONDS": _int(env, "JOB_TIMEOUT_SECONDS", 300),
        # Feed pages each web process keeps in memory beside Redis (connector/feeds/page_cache/).
        "FEED_PAGE_MEMORY_MB": _int(env, "FEED_PAGE_MEMORY_MB", 64),
        # Whole request bodies; a larger body is a 413.
        "MAX_CONTENT_LENGTH": max_upload_mb * 1024 * 1024,
        "IMAGE_MAX_BYTES": _int(env, "IMAGE_MAX_KB", 5 * 1024) * 1024,
        # Pixels, not bytes, are what decoding costs (4 bytes each, and more to scale):
        # 40 MP is a large camera photo and about 160 MB in a worker.
        "IMAGE_MAX_PIXELS": _int(env, "IMAGE_MAX_MEGAPIXELS", 40) * 1_000_000,
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
        "OPENAPI_VERSION": "3.0.3",
        # The docs page serves Swagger UI from the installed package: no CDN, no internet.
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
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
        # Processes pricing a market's reprice in chunks (the job's own process writes).
        "REPRICE_PROCESSES": _int(env, "REPRICE_PROCESSES", os.cpu_count() or 1),
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
                # The whole fetch, however slowly the service drips its answer.
                "deadline": _float(
                    env, f"FX_{name.upper()}_DEADLINE", _float(env, "FX_DEADLINE", 30.0)
                ),
            }
            for name in ("nbk", "vietcombank", "ecb")
        },
        # Webhooks we send to sellers (connector/seller_hooks/).
        "WEBHOOKS": webhook_settings(env),
        # Orders and shipments: carriers, the consolidation warehouse, the buyer-data
        # key and the dispatch timing (see fulfilment_settings below).
        **fulfilment_settings(env, instance_path, pii_keys=overrides.get("PII_KEYS")),
        # Marketplaces sellers connect their shops on (see channel_settings below).
        **channel_settings(env),
    }


# -- webhooks to sellers -------------------------------------------------------------
# After the first attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then the rest of the day,
# so the last attempt is made 24 hours after the first (Standard Webhooks' example
# schedule, cut to one day).
WEBHOOK_RETRY_DELAYS = (5, 300, 1800, 7200, 18000, 36000, 23095)


def _local_public_url(url: str) -> bool:
    from urllib.parse import urlsplit

    return (urlsplit(url).hostname or "") in ("127.0.0.1", "localhost", "::1")


def webhook_settings(env: Mapping[str, str]) -> dict:
    """Sellers' webhooks: the retry schedule, when a failing endpoint is disabled, the
    call's timeouts and whether receivers on this machine are allowed.

    Receivers on 127.0.0.1/localhost (over http too) are allowed only in a development
    or sandbox setup: when the public URL is itself local (``make run``), or when
    ``CONNECTOR_WEBHOOK_ALLOW_LOCAL=1``; never private or internal addresses."""
    raw_delays = _list(env, "WEBHOOK_RETRY_DELAYS")
    try:
        delays = [int(part) for part in raw_delays] or list(WEBHOOK_RETRY_DELAYS)
    except ValueError as exc:
        raise RuntimeError(f"{PREFIX}WEBHOOK_RETRY_DELAYS must be whole seconds") from exc
    allow = env.get(PREFIX + "WEBHOOK_ALLOW_LOCAL")
    public = env.get(PREFIX + "PUBLIC_URL") or "http://127.0.0.1:8000"
    return {
        "retry_delays": delays,
        "disable_after_seconds": _int(env, "WEBHOOK_DISABLE_AFTER_SECONDS", 86400),
        "old_secret_hours": _int(env, "WEBHOOK_OLD_SECRET_HOURS", 24),
        "allow_local": allow == "1" if allow else _local_public_url(public),
        # The scheme recommends giving a receiver 15 to 30 seconds to answer.
        "timeout": _timeout(env, "WEBHOOK_TIMEOUT", default=(5.0, 15.0)),
        # Longer than one attempt can take (connect + answer, the excerpt read by a deadline).
        "lease_seconds": _int(env, "WEBHOOK_LEASE_SECONDS", 60),
        "sweep_seconds": _int(env, "WEBHOOK_SWEEP_SECONDS", 30),
    }


# -- fulfilment ----------------------------------------------------------------------
# Local ports of the carrier and warehouse simulators that `make run` starts; an
# adapter without a configured URL talks to its simulator (and says it is a sandbox).
SANDBOX_PORTS = {
    "ghn": 8701,
    "cdek": 8702,
    "consolidation": 8703,
    "ghtk": 8704,
    "shopee": 8711,
    "ozon": 8712,
    "wildberries": 8713,
    "tiktok": 8714,
}


def _pii_keys(environ: Mapping[str, str], instance_path: Path) -> list[str]:
    """Fernet keys for buyer data, newest first; a comma-separated list rotates keys
    (new data uses the first, old data still opens). Without one, a key is made once
    in the instance folder, atomically, so every process of `make run` shares it."""
    configured = [key.strip() for key in environ.get(PREFIX + "PII_KEY", "").split(",")]
    configured = [key for key in configured if key]
    if configured:
        return configured
    from cryptography.fernet import Fernet

    return [instance_secret(instance_path, "pii_key", lambda: Fernet.generate_key().decode())]


def webhook_secret(instance_path: Path, service: str) -> str:
    """The sandbox webhook secret of one service: its own per install (derived from a
    key made once in the instance folder), so no two installs, and no two services,
    share one, and a secret seen in one service's URL tells nothing of another's."""
    key = instance_secret(instance_path, "webhook_key", lambda: secrets.token_hex(32))
    return hmac.new(key.encode(), f"webhook:{service}".encode(), hashlib.sha256).hexdigest()


def _timeout(
    environ: Mapping[str, str], name: str, default: tuple[float, float] = DEFAULT_TIMEOUT
) -> list:
    """``3`` or ``3.05,10`` seconds: (connect, read); unset, ``default`` (the adapters')."""
    try:
        return list(parse_timeout(environ.get(PREFIX + name, "").strip(), default))
    except ValueError as exc:
        raise RuntimeError(f"{PREFIX}{name} must be seconds or 'connect,read'") from exc


def _service(environ: Mapping[str, str], name: str, prefix: str, host: str) -> tuple[str, bool]:
    """The service's base URL, and whether it is the local sandbox simulator."""
    url = environ.get(f"{PREFIX}{prefix}_URL", "").strip()
    if url:
        return url.rstrip("/"), False
    return f"http://{host}:{SANDBOX_PORTS[name]}", True


def fulfilment_settings(
    environ: Mapping[str, str], instance_path: Path, pii_keys: list[str] | None = None
) -> dict:
    """Adapters' settings (sandbox defaults pointing at the local simulators) and job timing.

    ``pii_keys``, when given, are used instead of reading or making the instance's key."""
    env = environ
    host = env.get(PREFIX + "SANDBOX_HOST") or "127.0.0.1"
    ghn_url, ghn_sandbox = _service(env, "ghn", "GHN", host)
    cdek_url, cdek_sandbox = _service(env, "cdek", "CDEK", host)
    wh_url, wh_sandbox = _service(env, "consolidation", "WAREHOUSE", host)
    ghtk_url, ghtk_sandbox = _service(env, "ghtk", "GHTK", host)

    def secret(name: str, sandbox: bool, sandbox_value: str) -> str | None:
        return env.get(PREFIX + name) or (sandbox_value if sandbox else None)

    def hook_secret(name: str, sandbox: bool, service: str) -> str | None:
        """Configured, or made for this install when the service is the sandbox; a real
        service without one receives no webhooks (they answer 404)."""
        configured = env.get(PREFIX + name)
        if configured or not sandbox:
            return configured or None
        return webhook_secret(instance_path, service)

    any_sandbox = ghn_sandbox or cdek_sandbox or wh_sandbox or ghtk_sandbox
    return {
        "PII_KEYS": pii_keys or _pii_keys(env, instance_path),
        "SANDBOX_HOST": host,
        # What the sandbox simulators' control endpoint asks for (the ops sandbox page
        # sends it): configured, or made for this install; none without a simulator.
        "SANDBOX_SECRET": env.get(PREFIX + "SANDBOX_SECRET")
        or (webhook_secret(instance_path, "sandbox-control") if any_sandbox else None),
        "SHIPPING_ADAPTERS_ENABLED": _list(env, "SHIPPING_ADAPTERS")
        or ["ghn", "cdek", "consolidation", "ghtk"],
        "SHIPPING_ADAPTERS": {
            "ghn": {
                "url": ghn_url,
                "sandbox": ghn_sandbox,
                "token": secret("GHN_TOKEN", ghn_sandbox, "sandbox-ghn-token"),
                "shop_id": secret("GHN_SHOP_ID", ghn_sandbox, "885"),
                "service_type_id": _int(env, "GHN_SERVICE_TYPE_ID", 2),
                "required_note": env.get(PREFIX + "GHN_REQUIRED_NOTE") or "KHONGCHOXEMHANG",
                "webhook_secret": hook_secret("GHN_WEBHOOK_SECRET", ghn_sandbox, "ghn"),
                "timeout": _timeout(env, "GHN_TIMEOUT"),
            },
            "cdek": {
                "url": cdek_url,
                "sandbox": cdek_sandbox,
                "client_id": secret("CDEK_CLIENT_ID", cdek_sandbox, "sandbox-cdek-client"),
                "client_secret": secret("CDEK_CLIENT_SECRET", cdek_sandbox, "sandbox-cdek-secret"),
                "tariff_code": _int(env, "CDEK_TARIFF_CODE", 137),
                "shipment_point": secret("CDEK_SHIPMENT_POINT", cdek_sandbox, "ALA15"),
                "webhook_secret": hook_secret("CDEK_WEBHOOK_SECRET", cdek_sandbox, "cdek"),
                "timeout": _timeout(env, "CDEK_TIMEOUT"),
                "poll_attempts": _int(env, "CDEK_POLL_ATTEMPTS", 6),
                "poll_interval": _float(env, "CDEK_POLL_INTERVAL", 0.5),
            },
            "ghtk": {
                "url": ghtk_url,
                "sandbox": ghtk_sandbox,
                "token": secret("GHTK_TOKEN", ghtk_sandbox, "sandbox-ghtk-token"),
                "partner_code": secret("GHTK_PARTNER_CODE", ghtk_sandbox, "S308157"),
                "pick_address_id": env.get(PREFIX + "GHTK_PICK_ADDRESS_ID") or None,
                "transport": env.get(PREFIX + "GHTK_TRANSPORT") or "road",
                "webhook_secret": hook_secret("GHTK_WEBHOOK_SECRET", ghtk_sandbox, "ghtk"),
                "timeout": _timeout(env, "GHTK_TIMEOUT"),
            },
            "consolidation": {
                "url": wh_url,
                "sandbox": wh_sandbox,
                "api_key": secret("WAREHOUSE_API_KEY", wh_sandbox, "sandbox-warehouse-key"),
                "warehouse_code": env.get(PREFIX + "WAREHOUSE_CODE") or "YW01",
                "webhook_secret": hook_secret(
                    "WAREHOUSE_WEBHOOK_SECRET", wh_sandbox, "consolidation"
                ),
                "timeout": _timeout(env, "WAREHOUSE_TIMEOUT"),
            },
        },
        "FULFILMENT": {
            # Prefix of every idempotency key sent to a carrier: one per deployment
            # sharing a carrier account (staging and production must differ).
            "key_prefix": env.get(PREFIX + "SHIPMENT_KEY_PREFIX") or "CBC",
            # How long a worker owns a shipment while calling the service; longer
            # than the worst case of its calls, and the dispatch job's timeout.
            "lease_seconds": _int(env, "SHIPMENT_LEASE_SECONDS", 300),
            "max_attempts": _int(env, "SHIPMENT_MAX_ATTEMPTS", 8),
            "backoff_seconds": _float(env, "SHIPMENT_BACKOFF_SECONDS", 10.0),
            "backoff_max_seconds": _float(env, "SHIPMENT_BACKOFF_MAX_SECONDS", 900.0),
            "sweep_seconds": _int(env, "SHIPMENT_SWEEP_SECONDS", 30),
            # A warm dispatch job goes on with other due shipments for this long.
            "drain_seconds": _float(env, "SHIPMENT_DRAIN_SECONDS", 2.0),
            "poll_seconds": _int(env, "TRACKING_POLL_SECONDS", 900),
            "idempotency_hours": _int(env, "IDEMPOTENCY_HOURS", 24),
        },
    }


# -- channels ------------------------------------------------------------------------
# The sandbox shops the demo seller connects to (simulators/channels.py starts them).
SANDBOX_SHOPS = {
    "shopee": {"shop_id": "100001", "credentials": {"access_token": "sandbox-shopee-token"}},
    "ozon": {"shop_id": "836201", "credentials": {"api_key": "sandbox-ozon-api-key"}},
    "wildberries": {"shop_id": "4120001", "credentials": {"api_token": "sandbox-wb-token"}},
    "tiktok": {
        "shop_id": "ROW_sandbox_cipher",
        "credentials": {"access_token": "sandbox-tiktok-token"},
    },
}


def channel_settings(env: Mapping[str, str]) -> dict:
    """Push adapters' settings (sandbox defaults: the local simulators) and push timing."""
    host = env.get(PREFIX + "SANDBOX_HOST") or "127.0.0.1"
    shopee_url, shopee_sandbox = _service(env, "shopee", "SHOPEE", host)
    ozon_url, ozon_sandbox = _service(env, "ozon", "OZON", host)
    wb_url, wb_sandbox = _service(env, "wildberries", "WILDBERRIES", host)
    tiktok_url, tiktok_sandbox = _service(env, "tiktok", "TIKTOK", host)
    return {
        "CHANNELS": {
            "shopee": {
                "url": shopee_url,
                "sandbox": shopee_sandbox,
                # Our partner app at Shopee; each seller's shop grants it an access token.
                "partner_id": env.get(PREFIX + "SHOPEE_PARTNER_ID")
                or ("2001887" if shopee_sandbox else None),
                "partner_key": env.get(PREFIX + "SHOPEE_PARTNER_KEY")
                or ("sandbox-shopee-partner-key" if shopee_sandbox else None),
                "timeout": _timeout(env, "SHOPEE_TIMEOUT"),
            },
            "ozon": {
                "url": ozon_url,
                "sandbox": ozon_sandbox,
                "timeout": _timeout(env, "OZON_TIMEOUT"),
            },
            "wildberries": {
                "url": wb_url,
                # Prices live on their own host at Wildberries; the sandbox serves both.
                "prices_url": (env.get(PREFIX + "WILDBERRIES_PRICES_URL") or "").rstrip("/")
                or wb_url,
                "sandbox": wb_sandbox,
                "timeout": _timeout(env, "WILDBERRIES_TIMEOUT"),
            },
            "tiktok": {
                "url": tiktok_url,
                "sandbox": tiktok_sandbox,
                # Our app at TikTok Shop; each seller's shop grants it an access token.
                "app_key": env.get(PREFIX + "TIKTOK_APP_KEY")
                or ("6d2ab1sandbox" if tiktok_sandbox else None),
                "app_secret": env.get(PREFIX + "TIKTOK_APP_SECRET")
                or ("sandbox-tiktok-app-secret" if tiktok_sandbox else None),
                "timeout": _timeout(env, "TIKTOK_TIMEOUT"),
            },
        },
        "CHANNEL_PUSH": {
            # Offers read (and pushed) per database batch, and the time one job works.
            "batch": _int(env, "CHANNEL_PUSH_BATCH", 50),
            "budget_seconds": _float(env, "CHANNEL_PUSH_BUDGET_SECONDS", 120.0),
            # A job owns a connection this long; a killed one's work resumes after it.
            "lease_seconds": _int(env, "CHANNEL_PUSH_LEASE_SECONDS", 300),
            "max_attempts": _int(env, "CHANNEL_PUSH_MAX_ATTEMPTS", 8),
            "backoff_seconds": _float(env, "CHANNEL_PUSH_BACKOFF_SECONDS", 10.0),
            "backoff_max_seconds": _float(env, "CHANNEL_PUSH_BACKOFF_MAX_SECONDS", 900.0),
            # Pieces shown for a variant the factory makes to order (no stock count).
            "made_to_order_stock": _int(env, "CHANNEL_MADE_TO_ORDER_STOCK", 100),
        },
    }

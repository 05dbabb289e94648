"""Fixtures: the app on a fresh database, a real throwaway Redis, demo accounts.

The services are started here, so ``.venv/bin/pytest tests/<file>`` works on
its own once ``make test`` has installed them.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from redis import Redis
from werkzeug.serving import make_server

from connector import create_app
from connector.extensions import db
from tests.support.services import free_port, postgres_server, redis_server

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def redis_url():
    external = os.environ.get("CONNECTOR_TEST_REDIS_URL")
    if external:
        yield external
        return
    with redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def postgres_url():
    with postgres_server() as url:
        yield url


def _database_params():
    return [
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]


@pytest.fixture
def database_url(request, tmp_path):
    """SQLite by default; tests marked for both backends get PostgreSQL too."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(tmp_path, redis_url, database_url):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "IMAGE_DIR": str(tmp_path / "instance" / "images"),
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": redis_url,
            "TEST_REDIS_URL": redis_url,
            "SERVER_NAME": None,
        }
    )
    Redis.from_url(redis_url).flushdb()
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def demo(app):
    """The demo supplier, accounts, tokens and listing; returns what `demo load` prints."""
    from connector.demo import load_demo

    with app.app_context():
        return load_demo()


@pytest.fixture
def exporter_token(demo):
    return demo["tokens"]["exporter"]


@pytest.fixture
def ops_token(demo):
    return demo["tokens"]["ops"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on 127.0.0.1, for the browser tests."""
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=5)


def pytest_generate_tests(metafunc):
    # Tests that take `database_url` directly or mark `both_databases` run on both backends.
    if "both_databases" in metafunc.definition.keywords and "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", _database_params(), indirect=True)

"""The app factory: a test app keeps every file it makes in its own instance folder."""

from __future__ import annotations

from connector import config, create_app


def _listing(folder):
    if not folder.exists():
        return None
    return sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())


def test_test_app_writes_nothing_into_the_project_instance(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "PII_KEY", "INSTANCE_PATH"):
        monkeypatch.delenv(config.PREFIX + name, raising=False)
    monkeypatch.chdir(tmp_path)
    before = _listing(config.DEFAULT_INSTANCE)
    instance = tmp_path / "instance"

    create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.db'}",
        }
    )

    assert _listing(config.DEFAULT_INSTANCE) == before
    assert not (tmp_path / "instance" / "connector.db").exists()  # the given database
    made = {p.name for p in instance.iterdir()}
    assert {"secret_key", "pii_key", "webhook_key"} <= made


def test_given_keys_are_not_generated(tmp_path, monkeypatch):
    monkeypatch.delenv(config.PREFIX + "PII_KEY", raising=False)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "given",
            "PII_KEYS": ["given-pii"],
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.db'}",
        }
    )
    assert app.config["SECRET_KEY"] == "given"
    assert app.config["PII_KEYS"] == ["given-pii"]
    assert not (tmp_path / "secret_key").exists()
    assert not (tmp_path / "pii_key").exists()


def test_favicon_is_served(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'f.db'}",
        }
    )
    response = app.test_client().get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
    assert response.data.startswith(b"\x00\x00\x01\x00")  # an ICO file

"""Secrets made once per install: shared by every process, never a constant."""

from __future__ import annotations

import multiprocessing
import re
import secrets
import time

from connector import config

SERVICES = ("ghn", "cdek", "consolidation")


def _hook_secrets(instance, **environ) -> dict:
    settings = config.from_environ({"CONNECTOR_INSTANCE_PATH": str(instance), **environ})
    return {name: settings["SHIPPING_ADAPTERS"][name]["webhook_secret"] for name in SERVICES}


def test_sandbox_webhook_secrets_are_made_per_install(tmp_path):
    first = _hook_secrets(tmp_path / "one")
    assert _hook_secrets(tmp_path / "one") == first  # every process of the install agrees
    other = _hook_secrets(tmp_path / "two")
    for name in SERVICES:
        assert re.fullmatch(r"[0-9a-f]{64}", first[name])  # safe in a URL's query
        assert first[name] != other[name]
    assert len(set(first.values())) == 3  # one service's secret opens no other's
    assert "sandbox" not in "".join(first.values())
    assert (tmp_path / "one" / "webhook_key").stat().st_mode & 0o777 == 0o600


def test_configured_webhook_secrets_win_and_real_services_need_one(tmp_path):
    secrets = _hook_secrets(
        tmp_path,
        CONNECTOR_GHN_WEBHOOK_SECRET="set-by-ops",
        CONNECTOR_CDEK_URL="https://api.cdek.ru",
    )
    assert secrets["ghn"] == "set-by-ops"
    assert secrets["cdek"] is None  # a real CDEK without a secret: its webhooks answer 404


def test_a_process_that_loses_the_race_reads_the_winners_secret(tmp_path):
    def make_while_another_process_wins() -> str:
        (tmp_path / "webhook_key").write_text("the-winner")
        return "the-loser"

    value = config.instance_secret(tmp_path, "webhook_key", make_while_another_process_wins)
    assert value == "the-winner"
    assert config.instance_secret(tmp_path, "webhook_key", lambda: "later") == "the-winner"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["webhook_key"]


def test_session_key_and_buyer_data_key_are_made_once_the_same_way(tmp_path):
    first = config.from_environ({"CONNECTOR_INSTANCE_PATH": str(tmp_path)})
    again = config.from_environ({"CONNECTOR_INSTANCE_PATH": str(tmp_path)})
    assert first["SECRET_KEY"] == again["SECRET_KEY"] and len(first["SECRET_KEY"]) > 40
    assert first["PII_KEYS"] == again["PII_KEYS"]
    for name in ("secret_key", "pii_key"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600


def _start(instance: str, barrier, keys) -> None:
    barrier.wait()  # every process reads the instance folder at the same moment
    keys.put(config.from_environ({"CONNECTOR_INSTANCE_PATH": instance})["SECRET_KEY"])


def test_processes_starting_at_once_on_a_fresh_install_share_one_session_key(tmp_path, monkeypatch):
    racers = 8
    made = secrets.token_urlsafe

    def slowly_made(size: int) -> str:
        time.sleep(0.2)  # every racer is past its look for the file before any writes one
        return made(size)

    monkeypatch.setattr(secrets, "token_urlsafe", slowly_made)
    context = multiprocessing.get_context("fork")
    barrier, keys = context.Barrier(racers), context.Queue()
    processes = [
        context.Process(target=_start, args=(str(tmp_path), barrier, keys)) for _ in range(racers)
    ]
    for process in processes:
        process.start()
    seen = {keys.get(timeout=60) for _ in processes}
    for process in processes:
        process.join(timeout=60)

    assert seen == {(tmp_path / "secret_key").read_text().strip()}
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(".")]

"""`flask --app wsgi demo info` prints `make run`'s banner, and `make run` prints it last."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path

from connector.demo import ACCOUNTS, DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def run_stack():
    spec = importlib.util.spec_from_file_location("run_stack", ROOT / "scripts" / "run_stack.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_demo_info_prints_urls_accounts_tokens_and_what_to_try(app, runner):
    app.config["PUBLIC_URL"] = "http://127.0.0.1:8123"
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    result = runner.invoke(args=["demo", "info"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "http://127.0.0.1:8123/" in text and "http://127.0.0.1:8123/login" in text
    assert DEMO_PASSWORD in text
    for email, _name, _role, secret in ACCOUNTS:
        assert email in text and secret in text
    assert "Try:" in text and "/ops/sandbox" in text
    assert "not loaded" not in text


def test_demo_info_says_when_the_demo_is_not_loaded(runner):
    result = runner.invoke(args=["demo", "info"])
    assert result.exit_code == 0
    assert "flask --app wsgi demo load" in result.output


def test_the_banner_comes_after_the_services_start_up_lines():
    module = run_stack()
    out = io.StringIO()
    relay = module.Relay(out)
    script = "import time\nfor n in range(3):\n    print('starting', n, flush=True)\n"
    script += "    time.sleep(0.2)\n"
    children = [
        module.spawn([sys.executable, "-c", script], env=None, relay=relay) for _ in range(2)
    ]
    relay.wait_quiet(quiet=1.0, longest=30)
    relay.write("BANNER\n")
    for child in children:
        child.wait(timeout=30)
    lines = out.getvalue().splitlines()
    assert lines.count("starting 2") == 2
    assert lines[-1] == "BANNER"

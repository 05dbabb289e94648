"""`make run`: Redis, migrations, demo data, then gunicorn, an RQ worker and the sweeps.

Ctrl-C (or SIGTERM) stops every process started here. If one of them dies,
the others are stopped too, so a half-running system never hides a failure.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLASK = [str(BIN / "flask"), "--app", "wsgi"]


def log(message: str) -> None:
    RELAY.write(f"[run] {message}\n")


def listening(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def start_redis(url: str, instance: Path) -> subprocess.Popen | None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 6379
    if listening(host, port):
        log(f"Redis already listening on {host}:{port}; using it")
        return None
    if host not in ("127.0.0.1", "localhost"):
        sys.exit(f"Redis at {url} is not reachable, and it is not local to start it")
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is missing: `make run` installs it; run it through make")
    log(f"starting Redis on 127.0.0.1:{port}")
    process = spawn(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(instance),
            "--dbfilename",
            "redis.rdb",
            "--loglevel",
            "warning",
        ],
    )
    deadline = time.monotonic() + 15
    while not listening("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            sys.exit("Redis did not start")
        time.sleep(0.1)
    return process


class Relay:
    """The children's output, passed on line by line through ours.

    Going through us lets the banner wait until the services have finished
    logging their start-up, so it is the last thing a newcomer reads.
    """

    def __init__(self, out: IO[str] | None = None) -> None:
        self.out = out or sys.stdout
        self.last_line = time.monotonic()
        self._lock = threading.Lock()

    def attach(self, stream: IO[bytes]) -> None:
        def pump() -> None:
            for raw in iter(stream.readline, b""):
                with self._lock:
                    self.out.write(raw.decode(errors="replace"))
                    self.out.flush()
                    self.last_line = time.monotonic()

        threading.Thread(target=pump, daemon=True).start()

    def wait_quiet(self, quiet: float, longest: float) -> None:
        """Return once no child wrote for ``quiet`` seconds (or after ``longest``)."""
        deadline = time.monotonic() + longest
        while time.monotonic() < deadline:
            with self._lock:
                silent = time.monotonic() - self.last_line
            if silent >= quiet:
                return
            time.sleep(min(0.1, quiet - silent))

    def write(self, text: str) -> None:
        with self._lock:
            self.out.write(text)
            self.out.flush()


RELAY = Relay()


def spawn(args: list[str], env: dict | None = None, relay: Relay | None = None) -> subprocess.Popen:
    """A child in its own session: Ctrl-C reaches only us, and we stop the children in
    order (web, worker, sweeps, then Redis), so none of them sees Redis vanish first.
    Its output (stdout and stderr) goes through ``relay``."""
    relay = relay or RELAY
    process = subprocess.Popen(
        args, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    relay.attach(process.stdout)
    return process


def wait_listening(ports: list[int], processes: list[subprocess.Popen], longest: float) -> None:
    """Until every port answers on 127.0.0.1, a child dies, or ``longest`` passes."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        if all(listening("127.0.0.1", port) for port in ports):
            return
        time.sleep(0.2)


def sandbox_ports(env: dict) -> list[int]:
    """The local ports of the simulators the sandbox starts (services with no URL set)."""
    from connector.config import SANDBOX_PORTS

    # Each service's settings prefix is its name, but the warehouse's.
    names = {"consolidation": "WAREHOUSE"}
    return [
        port
        for name, port in SANDBOX_PORTS.items()
        if not env.get(f"CONNECTOR_{names.get(name, name.upper())}_URL")
    ]


def stop(processes: list[subprocess.Popen]) -> None:
    """Stop the newest first and wait for each, so Redis goes last, after its clients."""
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main() -> int:
    os.chdir(ROOT)
    env = dict(os.environ)
    port = env.get("PORT", "8000")
    instance = Path(env.get("CONNECTOR_INSTANCE_PATH") or ROOT / "instance")
    instance.mkdir(parents=True, exist_ok=True)
    redis_url = env.get("REDIS_URL") or env.get("CONNECTOR_REDIS_URL") or "redis://127.0.0.1:6379/0"
    env["REDIS_URL"] = redis_url
    env.setdefault("CONNECTOR_PUBLIC_URL", f"http://127.0.0.1:{port}")
    # The children write through pipes to us: unbuffered, so their lines come as they happen.
    env["PYTHONUNBUFFERED"] = "1"

    processes: list[subprocess.Popen] = []
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    try:
        redis = start_redis(redis_url, instance)
        if redis is not None:
            processes.append(redis)
        log("applying database migrations")
        subprocess.run([*FLASK, "db", "upgrade"], env=env, check=True)
        log("loading demo data")
        subprocess.run([*FLASK, "demo", "load"], env=env, check=True, stdout=subprocess.DEVNULL)
        # The demo seller's shops on the sandbox marketplaces.
        subprocess.run([*FLASK, "demo", "shops"], env=env, check=True, stdout=subprocess.DEVNULL)
        log("loading FX rates and pricing the demo offers")
        subprocess.run([*FLASK, "fx", "refresh"], env=env, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([*FLASK, "offers", "refresh"], env=env, check=True)
        log("starting the sandbox carriers and warehouse (simulators on 127.0.0.1)")
        processes.append(spawn([sys.executable, "-m", "simulators.sandbox"], env=env))
        processes.append(
            spawn(
                [
                    str(BIN / "gunicorn"),
                    # Workers, threads and timeouts: the same file bench/feed.py uses.
                    "--config",
                    str(ROOT / "gunicorn.conf.py"),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--access-logfile",
                    "-",
                    "wsgi:app",
                ],
                env=env,
            )
        )
        processes.append(spawn([*FLASK, "worker"], env=env))
        processes.append(spawn([*FLASK, "cron"], env=env))
        # The banner is the last thing printed: after the web app and the simulators
        # listen, and the services have said all they say when starting.
        wait_listening([int(port), *sandbox_ports(env)], processes, longest=60)
        RELAY.wait_quiet(quiet=2.0, longest=30)
        banner = subprocess.run(
            [*FLASK, "demo", "info"], env=env, check=True, capture_output=True, text=True
        ).stdout
        RELAY.write("\n" + banner)
        while not stopping:
            for process in processes:
                if process.poll() is not None:
                    log(
                        f"{' '.join(map(str, process.args[:3]))} exited "
                        f"({process.returncode}); stopping"
                    )
                    return 1
            time.sleep(0.5)
        return 0
    except subprocess.CalledProcessError as exc:
        log(f"setup step failed: {exc}")
        return 1
    finally:
        log("stopping")
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())

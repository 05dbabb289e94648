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
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
FLASK = [str(BIN / "flask"), "--app", "wsgi"]


def log(message: str) -> None:
    print(f"[run] {message}", flush=True)


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


def spawn(args: list[str], env: dict | None = None) -> subprocess.Popen:
    """A child in its own session: Ctrl-C reaches only us, and we stop the children in
    order (web, worker, sweeps, then Redis), so none of them sees Redis vanish first."""
    return subprocess.Popen(args, env=env, start_new_session=True)


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
        demo = subprocess.run(
            [*FLASK, "demo", "load"], env=env, check=True, capture_output=True, text=True
        ).stdout
        # The demo seller, connected to the sandbox marketplace shops.
        demo += subprocess.run(
            [*FLASK, "demo", "shops"], env=env, check=True, capture_output=True, text=True
        ).stdout
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
        time.sleep(1.5)
        print(
            "\n"
            f"  Connector running at http://127.0.0.1:{port}/\n"
            f"  API: http://127.0.0.1:{port}/api/v1/openapi.json   "
            f"health: http://127.0.0.1:{port}/healthz\n"
            + "".join(f"  {line}\n" for line in demo.strip().splitlines())
            + "  Ctrl-C stops everything.\n",
            flush=True,
        )
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

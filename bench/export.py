"""Export benchmark: a whole market streamed as gzip NDJSON in one request, under gunicorn.

Builds the catalog as bench/feed.py does, starts the app under gunicorn with
`make run`'s settings but one worker (so the worker that streams is the one
measured), downloads `/api/v1/markets/VN/offers/export` once, checks that every
offer and the closing sync token arrived, and reads the worker's peak resident
memory (VmHWM). Run it at two sizes: the peak must not grow with the offers.

    .venv/bin/python bench/export.py [--offers 100000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import orjson  # noqa: E402
from feed import build, gunicorn, wait_http  # noqa: E402

from connector import create_app  # noqa: E402
from tests.support.services import free_port, redis_server  # noqa: E402

READ = 1 << 16


def worker_of(master: int) -> int:
    """The one worker process of a gunicorn master."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for task in Path(f"/proc/{master}/task").iterdir():
            children = (task / "children").read_text().split()
            if children:
                return int(children[0])
        time.sleep(0.2)
    raise RuntimeError("gunicorn started no worker")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def download(url: str, key: str) -> tuple[int, int, int, dict]:
    """(offers, NDJSON bytes, gzip bytes, last line) of one export."""
    request = urllib.request.Request(
        url, headers={"Authorization": f"Bearer {key}", "Accept-Encoding": "gzip"}
    )
    unpack = zlib.decompressobj(16 + zlib.MAX_WBITS)
    lines = plain = packed = 0
    tail = b""
    with urllib.request.urlopen(request, timeout=600) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        while chunk := response.read(READ):
            packed += len(chunk)
            data = unpack.decompress(chunk)
            plain += len(data)
            lines += data.count(b"\n")
            tail = (tail + data)[-4096:]
    last = orjson.loads(tail.rstrip(b"\n").rsplit(b"\n", 1)[-1])
    return lines - 1, plain, packed, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-export-"))
    process = None
    try:
        with redis_server() as redis_url:
            env = {
                **os.environ,
                "CONNECTOR_INSTANCE_PATH": str(tmp),
                "CONNECTOR_SECRET_KEY": "bench-secret",
                "DATABASE_URL": f"sqlite:///{tmp}/export.db",
                "REDIS_URL": redis_url,
                "CONNECTOR_MARKETS": "VN",
                "WEB_CONCURRENCY": "1",
            }
            os.environ.update(
                {
                    k: v
                    for k, v in env.items()
                    if k.startswith(("CONNECTOR_", "DATABASE_URL", "REDIS_URL"))
                }
            )
            key, seqs = build(create_app(), args.offers)
            port = free_port()
            process = gunicorn("wsgi:app", port, env, ROOT)
            wait_http(f"http://127.0.0.1:{port}/api/v1/openapi.json")
            worker = worker_of(process.pid)
            started = time.perf_counter()
            offers, plain, packed, last = download(
                f"http://127.0.0.1:{port}/api/v1/markets/VN/offers/export", key
            )
            seconds = time.perf_counter() - started
            peak = peak_rss_mb(worker)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)
    if offers != len(seqs) or last.get("count") != offers or not last.get("sync_token"):
        sys.exit(f"export incomplete: {offers} offers of {len(seqs)}, last line {last}")
    print(
        f"export offers={offers} seconds={seconds:.2f} "
        f"mb_per_s={plain / seconds / 1e6:.1f} peak_rss_mb={peak:.0f} "
        f"gzip_mb={packed / 1e6:.1f}"
    )


if __name__ == "__main__":
    main()

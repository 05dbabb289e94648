"""Run every benchmark one after another and end with each one's last line.

Each benchmark prints its figures as its last line; this runs them in turn (so
they do not compete for the cores), shows their output as it comes, and ends with
those last lines, each beside the load average read when it finished: on a shared
machine a figure means little without it.

    .venv/bin/python bench/run_all.py [--offers 100000] [--small-offers 10000]

``--offers`` sizes the feed, reprice and export runs; the export runs a second
time at ``--small-offers``, so its peak memory can be compared across sizes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def runs(offers: int, small: int) -> list[list[str]]:
    return [
        ["feed.py", "--offers", str(offers)],
        ["reprice.py", "--offers", str(offers)],
        ["export.py", "--offers", str(small)],
        ["export.py", "--offers", str(offers)],
        ["dispatch.py"],
    ]


def last_line(args: list[str]) -> str:
    """Run one benchmark, echoing its output; its last non-empty line (or its failure)."""
    process = subprocess.Popen(
        [sys.executable, str(BENCH / args[0]), *args[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    last = ""
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if line.strip():
            last = line.strip()
    if process.wait() != 0:
        return f"{args[0]} failed (exit {process.returncode}): {last}"
    return last


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=100_000)
    parser.add_argument("--small-offers", type=int, default=10_000)
    args = parser.parse_args()
    results = []
    for bench in runs(args.offers, args.small_offers):
        line = last_line(bench)
        results.append(f"{line}  (load {load_average()})")
    print("\n".join(["", "== last lines ==", *results]))


if __name__ == "__main__":
    main()

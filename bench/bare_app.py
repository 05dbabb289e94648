"""The baseline for bench/feed.py: a bare Flask endpoint serving the same bytes from memory."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response

PAGE = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
MEDIA = "application/json"

app = Flask(__name__)


@app.get("/page")
def page() -> Response:
    return Response(PAGE, mimetype=MEDIA)

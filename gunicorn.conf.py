"""gunicorn settings shared by `make run` (scripts/run_stack.py) and bench/feed.py.

Each passes ``-c`` with this file and adds only what differs: the address, the logs.
"""

import os

# Gunicorn's own default reads WEB_CONCURRENCY too; said here so both callers agree.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads overlap the waits on SQLite and Redis.
worker_class = "gthread"
threads = 4
graceful_timeout = 5

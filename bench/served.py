"""The service as the benchmark serves it: `wsgi:app`, plus database query timing.

    gunicorn -c deploy/gunicorn.conf.py bench.served:app

Every SQL statement's wall time (cursor execute to result, as the app sees it)
is kept in the worker process. SIGUSR2 makes a worker write the times it has
collected since the last signal to `$BENCH_DB_TIMES_DIR/db-<pid>-<n>.json` and
start afresh; the runner signals every worker before and after a phase, so that
it gets the database's latency distribution for exactly that phase. The cost
is two `perf_counter()` calls per query.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

from wsgi import app

_times: list[float] = []
_dumps = 0


@event.listens_for(Engine, "before_cursor_execute")
def _started(conn, cursor, statement, parameters, context, executemany):
    conn.info.setdefault("bench_started", []).append(time.perf_counter())


@event.listens_for(Engine, "after_cursor_execute")
def _finished(conn, cursor, statement, parameters, context, executemany):
    stack = conn.info.get("bench_started")
    if stack:
        _times.append(time.perf_counter() - stack.pop())


def _dump(signum, frame):
    global _times, _dumps
    collected, _times = _times, []
    _dumps += 1
    directory = Path(os.environ.get("BENCH_DB_TIMES_DIR", "bench/results/db"))
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"db-{os.getpid()}-{_dumps}.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(collected))
    tmp.rename(target)


# gunicorn resets the signal handlers in the worker before it loads the app,
# so this one (installed at import, in the worker) stays.
signal.signal(signal.SIGUSR2, _dump)

__all__ = ["app"]

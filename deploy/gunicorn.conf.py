"""gunicorn settings for Gatehouse (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Every value can be overridden from the environment (GUNICORN_* / WEB_CONCURRENCY).

Metrics: prometheus-client's multiprocess mode needs PROMETHEUS_MULTIPROC_DIR
set before a worker imports the app; it is set here, in the master, so every
worker inherits it. The directory is emptied when the master starts (stale
files from an earlier run would add old counts) and a dead worker's live
gauges are dropped when it exits. Counters of dead workers stay: a counter
must never go down.

Logs: every line is JSON (app.observability.JSONFormatter), gunicorn's own
included. The app writes one JSON line per request (method, route template,
status, duration, trace id, user id): that is the access log, so gunicorn's
access log stays off (GUNICORN_ACCESSLOG=- turns it on, as JSON lines whose
message is `access_log_format`: it has the raw path and no trace id, which is
why it is not the default).

The app is not preloaded: each worker builds it after the fork, so database
pools, Redis clients and the tracing exporter's thread belong to the worker.
"""

import os
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from gunicorn import glogging

# `gunicorn -c deploy/gunicorn.conf.py` from the repository root or elsewhere:
# the formatter below is imported from the app package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_multiproc_dir = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"gatehouse-metrics-{os.getpid()}"))

# Without JWT_SECRET_KEY (refused in production) each worker would make up its
# own random key and refuse the tokens the other workers signed: one key for
# this master, inherited by every worker (config.py reads it).
if not os.environ.get("JWT_SECRET_KEY", "").strip():
    os.environ.setdefault("GATEHOUSE_MASTER_JWT_SECRET", secrets.token_urlsafe(48))

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Chosen by measurement (bench/, wrk on a 2-core machine; bench/README.md):
# gthread, cores + 1 workers, 64 threads each. A login waits a quarter of a
# second for its bcrypt hash (in app.security.passwords' niced hashing threads, holding
# no database connection), and at most PASSWORD_HASH_QUEUE_LIMIT (32) such
# requests wait per worker, so half the threads stay free for every other
# route. With 4 threads, 64 connections logging in took every thread and
# GET /users/me waited behind them (p99 5.9 s); with 32 threads and no cap, a
# worker that happened to accept most of the 64 still starved (p99 9.2 s);
# with 64 threads and the cap of 32, /me p99 was 20 ms during the same flood,
# and /me's own throughput does not change (idle threads cost nothing). Each
# worker has its own database pool (DATABASE_POOL_SIZE + MAX_OVERFLOW): only
# requests that query hold a connection, for milliseconds.
_cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
workers = int(os.environ.get("WEB_CONCURRENCY", _cores + 1))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "64"))
# A request never legitimately takes long (statement_timeout is 10 s): a worker
# silent for 30 s is stuck and is replaced. nginx waits 35 s for an answer.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# Above nginx's upstream keepalive_timeout (4 s), so that nginx closes first.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Bounded request line and headers: a large Authorization header fits, a flood does not.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 16384
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Which peers gunicorn believes about the scheme and the script name
# (X-Forwarded-Proto, X-Forwarded-SSL, X-Script-Name, ...): only the proxies named in
# FORWARDED_ALLOW_IPS (comma-separated addresses or networks; gunicorn's own
# variable), loopback by default, never "*": a client reaching gunicorn directly
# could otherwise set SCRIPT_NAME or the scheme. The client address
# (X-Forwarded-For) is the app's business: TRUSTED_PROXY_COUNT (ProxyFix).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn's runtime control socket (gunicornc) is off unless a path is given:
# its default path is per user, so two instances on one host would collide.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
# The worker heartbeat files go to memory, not to a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (gunicorn docs advise it)


class Logger(glogging.Logger):
    """gunicorn's logger, building an access line only when one is asked for.

    With a logconfig_dict gunicorn formats every request's access atoms and
    hands them to a logger whose level then drops them: 3 % of a worker's time
    under load (bench/README.md). The app writes the access log."""

    @property
    def access_log_enabled(self):
        return bool(self.cfg.accesslog)


logger_class = Logger
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "app.observability.JSONFormatter"}},
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"},
        "access": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"},
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": loglevel.upper(), "propagate": False},
        # With a logconfig_dict gunicorn logs access lines whatever `accesslog`
        # says: the level is what keeps them off unless asked for.
        "gunicorn.access": {"handlers": ["access"], "level": "INFO" if accesslog else "WARNING", "propagate": False},
    },
    "root": {"handlers": ["error"], "level": loglevel.upper()},
}


def on_starting(server):
    """Start with an empty metrics directory (only its *.db files are removed:
    the directory may be one an operator chose)."""
    os.makedirs(_multiproc_dir, exist_ok=True)
    for stale in Path(_multiproc_dir).glob("*.db"):
        stale.unlink(missing_ok=True)


def child_exit(server, worker):
    """Drop a dead worker's live gauges (its counters stay in the totals)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, _multiproc_dir)


def on_exit(server):
    if _multiproc_dir.startswith(os.path.join(tempfile.gettempdir(), "gatehouse-metrics-")):
        shutil.rmtree(_multiproc_dir, ignore_errors=True)


def post_worker_init(worker):
    """Move everything the app allocated while loading out of the collector's reach.

    The loaded app is some hundreds of thousands of long-lived objects (modules,
    SQLAlchemy mappers, schemas, routes); each full collection walked them all,
    a pause of tens of milliseconds for every thread of the worker at once, and
    the tail of GET /users/me at 64 connections was those pauses: p99 258-323 ms
    before, 74-107 ms after (bench/README.md). gc.freeze() moves them to the
    permanent generation; what requests allocate is collected as before.
    """
    import gc

    gc.freeze()

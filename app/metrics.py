"""Prometheus metrics (README, Operations), correct across gunicorn workers.

Under gunicorn, `deploy/gunicorn.conf.py` sets `PROMETHEUS_MULTIPROC_DIR`
before any worker imports this module, so every worker writes its samples to
its own memory-mapped file there and a scrape of any worker merges all of
them (prometheus-client's multiprocess mode). Without that variable (tests,
`flask run`) the metrics live in this process only.

Labels never carry a raw path or an id: `endpoint` is the route template
(`/api/v1/users/<string:user_id>`) or `<unmatched>`, and a method nobody routes
is `OTHER`, so a client cannot grow the number of series.

Queue depths and job outcomes are read from Redis, the outbox backlog and the
dead-letter queues (outbox rows marked dead) from the database, when scraped:
they belong to the RQ workers, which may run in other containers. A scrape
still answers when Redis or the database is down, with `redis_up 0` /
`database_up 0` and without the series that need it.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import re
import time

# In multiprocess mode every metric writes to a file in this directory from
# the moment it is defined: make sure it exists (a worker sharing gunicorn's
# environment would otherwise fail at import).
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import cache, errors
from app.errors import AppError

log = logging.getLogger("gatehouse.metrics")

# `*_created` series cannot be merged across processes; leave them out everywhere.
disable_created_metrics()

REQUESTS = Counter("api_requests_total", "Total API requests", ["method", "endpoint", "status"])
REQUEST_DURATION = Histogram("api_request_duration_seconds", "API request duration", ["method", "endpoint"])
IN_PROGRESS = Gauge("api_requests_in_progress", "Requests being served now", multiprocess_mode="livesum")
DB_QUERY_DURATION = Histogram(
    "db_query_duration_seconds",
    "Database statement duration",
    ["operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
DB_OPERATIONS = frozenset({"SELECT", "INSERT", "UPDATE", "DELETE"})
UNMATCHED = "<unmatched>"
_FIRST_WORD = re.compile(r"^\s*(\w+)")


def multiprocess_dir() -> str | None:
    """The directory shared by the worker processes, when running under gunicorn."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    return path if path and os.path.isdir(path) else None


def endpoint_label() -> str:
    """The route template of the current request, never its raw path."""
    return request.url_rule.rule if request.url_rule is not None else UNMATCHED


def _method_label() -> str:
    return request.method if request.method in METHODS else "OTHER"


def sql_operation(statement: str) -> str:
    """SELECT / INSERT / UPDATE / DELETE, or OTHER (DDL, TRUNCATE, ...)."""
    match = _FIRST_WORD.match(statement or "")
    word = match.group(1).upper() if match else ""
    return word if word in DB_OPERATIONS else "OTHER"


# ----------------------------------------------------------- collection


def init_metrics(app: Flask) -> None:
    """Count and time every request of `app` (after routing, so the template is known)."""

    @app.before_request
    def _enter():
        IN_PROGRESS.inc()
        g.metrics_in_progress = True

    @app.after_request
    def _observe(response):
        method, endpoint = _method_label(), endpoint_label()
        REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
        started = g.get("request_started")
        if started is not None:
            REQUEST_DURATION.labels(method, endpoint).observe(time.perf_counter() - started)
        return response

    @app.teardown_request
    def _leave(_exc):
        # Teardown runs whatever happened, so the gauge cannot drift upwards.
        if g.pop("metrics_in_progress", False):
            IN_PROGRESS.dec()

    _listen_to_engines()


_listening = False


def _listen_to_engines() -> None:
    # Listening on the Engine class covers every engine (one per app) once.
    global _listening
    if _listening:
        return
    _listening = True

    @event.listens_for(Engine, "before_cursor_execute")
    def _query_started(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("gatehouse_query_started", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def _query_finished(conn, cursor, statement, parameters, context, executemany):
        stack = conn.info.get("gatehouse_query_started")
        if stack:
            DB_QUERY_DURATION.labels(sql_operation(statement)).observe(time.perf_counter() - stack.pop())

    @event.listens_for(Engine, "handle_error")
    def _query_failed(exception_context):
        conn = exception_context.connection
        stack = conn.info.get("gatehouse_query_started") if conn is not None else None
        if stack:
            DB_QUERY_DURATION.labels(sql_operation(exception_context.statement or "")).observe(time.perf_counter() - stack.pop())


# ------------------------------------------------------------- scraping


def _redis_families() -> list:
    """RQ queue depths and job outcomes read from Redis now; `redis_up` says
    whether that worked."""
    from rq import Queue

    from app.observability import JOB_KINDS, job_outcomes_key

    config = current_app.config
    queues = [config["EMAIL_QUEUE"], config["NOTIFICATION_QUEUE"]]

    def _read(client):
        pipe = client.pipeline(transaction=False)
        for name in queues:
            pipe.llen(Queue(name, connection=client).key)
        for kind in JOB_KINDS:
            pipe.hgetall(job_outcomes_key(kind))
        return pipe.execute()

    results = cache.safe(_read)
    up = GaugeMetricFamily("redis_up", "Whether Redis answered this scrape (queue and job series need it)")
    up.add_metric([], 0 if results is None else 1)
    if results is None:
        return [up]
    depth = GaugeMetricFamily("rq_queue_depth", "Jobs waiting in each RQ queue", labels=["queue"])
    for name, length in zip(queues, results, strict=False):
        depth.add_metric([name], length)
    jobs = CounterMetricFamily("jobs", "Background job outcomes by kind (email, webhook)", labels=["kind", "outcome"])
    for kind, counts in zip(JOB_KINDS, results[len(queues) :], strict=True):
        for outcome, count in sorted(counts.items()):
            jobs.add_metric([kind, outcome.decode() if isinstance(outcome, bytes) else outcome], int(count))
    return [up, depth, jobs]


def _outbox_families() -> list:
    """The outbox backlog and the dead-letter queues (outbox rows marked dead),
    counted in the database now; `database_up` says whether that worked."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from app.extensions import db
    from app.models import OutboxMessage as Outbox

    config = current_app.config
    dead_letter_queues = {Outbox.KIND_EMAIL: config["EMAIL_DLQ"], Outbox.KIND_WEBHOOK: config["NOTIFICATION_DLQ"]}
    statuses = (Outbox.STATUS_PENDING, Outbox.STATUS_SENDING, Outbox.STATUS_DEAD)
    up = GaugeMetricFamily("database_up", "Whether the database answered this scrape (outbox series need it)")
    try:
        rows = db.session.execute(
            select(Outbox.kind, Outbox.status, func.count()).where(Outbox.status.in_(statuses)).group_by(Outbox.kind, Outbox.status)
        ).all()
        db.session.rollback()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("metrics: database unavailable: %s", type(exc).__name__)
        up.add_metric([], 0)
        return [up]
    up.add_metric([], 1)
    counts = {(kind, status): count for kind, status, count in rows}
    outbox = GaugeMetricFamily("outbox_messages", "Outbox messages not yet sent, by kind and status", labels=["kind", "status"])
    dead = GaugeMetricFamily("dead_letter_queue_depth", "Messages in each dead-letter queue", labels=["queue"])
    for kind, queue in dead_letter_queues.items():
        for status in statuses:
            outbox.add_metric([kind, status], counts.get((kind, status), 0))
        dead.add_metric([queue], counts.get((kind, Outbox.STATUS_DEAD), 0))
    return [up, outbox, dead]


class _Families:
    def __init__(self, families):
        self.families = families

    def collect(self):
        return self.families


# Who may scrape when neither METRICS_TOKEN nor METRICS_ALLOW is set (docs/security.md §14):
# loopback and private networks (RFC 1918, IPv6 unique local), never the internet.
DEFAULT_METRICS_ALLOW = tuple(
    ipaddress.ip_network(n) for n in ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)


def check_access() -> None:
    """Refuse the scrape unless its TCP peer is in METRICS_ALLOW (when set)
    and it carries METRICS_TOKEN as a Bearer token (when set). With neither
    set, only loopback and private-network peers (DEFAULT_METRICS_ALLOW)."""
    allowed = current_app.config["METRICS_ALLOW"]
    if not allowed and not current_app.config["METRICS_TOKEN"]:
        allowed = DEFAULT_METRICS_ALLOW
    if allowed:
        # The TCP peer, never an X-Forwarded-For value: whoever can reach
        # gunicorn directly could otherwise claim an allowed address.
        peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR") or request.remote_addr
        try:
            address = ipaddress.ip_address(peer or "")
        except ValueError:
            address = None
        if address is not None and address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if address is None or not any(address in network for network in allowed):
            raise AppError(errors.METRICS_FORBIDDEN)
    token = current_app.config["METRICS_TOKEN"]
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise AppError(errors.METRICS_TOKEN_INVALID, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})


def scrape() -> Response:
    """The Prometheus text exposition of every worker's metrics plus the
    queue and job series read from Redis now."""
    check_access()
    registry = CollectorRegistry(auto_describe=False)
    path = multiprocess_dir()
    if path:
        multiprocess.MultiProcessCollector(registry, path=path)
    else:
        registry.register(REGISTRY)
    registry.register(_Families(_redis_families() + _outbox_families()))
    # The classic text format (0.0.4) that every Prometheus version reads.
    response = Response(generate_latest(registry), content_type=CONTENT_TYPE_PLAIN_0_0_4)
    response.headers["Cache-Control"] = "no-store"
    return response

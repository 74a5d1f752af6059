"""Request ids, JSON logs (README, Operations), the one-line-per-request access log,
and the job-outcome counter that RQ jobs report to.

Metrics live in `app.metrics`, tracing in `app.tracing`; this module imports
neither at load time, so gunicorn's master can use `JSONFormatter` for its
own logs without loading prometheus-client or OpenTelemetry.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
import uuid

import orjson
from flask import Flask, g, has_request_context, request

# An incoming X-Request-ID is echoed only if it is short and plain, so that a
# client cannot inject log lines or headers through it.
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
# W3C traceparent: version-traceid-parentid-flags.
_TRACEPARENT_RE = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")

request_log = logging.getLogger("gatehouse.request")


def request_id_from_headers(headers, fallback=None) -> str:
    """The trace id for this request: the trace-id of a W3C traceparent, else
    X-Request-ID, else `fallback()` (the active span's trace id when tracing
    is on), else a new one.

    traceparent wins over X-Request-ID so that logs, error bodies and spans of
    a traced call share one id.
    """
    match = _TRACEPARENT_RE.match(headers.get("traceparent", "").strip().lower())
    if match and match.group(1) != "0" * 32:
        return match.group(1)
    incoming = headers.get("X-Request-ID", "").strip()
    if incoming and _REQUEST_ID_RE.match(incoming):
        return incoming
    return (fallback() if fallback else None) or uuid.uuid4().hex


def current_request_id() -> str | None:
    if not has_request_context():
        return None
    if "request_id" not in g:
        from app.tracing import current_trace_id

        g.request_id = request_id_from_headers(request.headers, current_trace_id)
    return g.request_id


def current_user_id() -> str | None:
    if not has_request_context():
        return None
    user_id = g.get("user_id")
    return str(user_id) if user_id else None


class JSONFormatter(logging.Formatter):
    """One JSON object per line with the fields the README lists (Operations: Logs)."""

    RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        data = {
            "timestamp": _timestamp(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "trace_id": getattr(record, "trace_id", None) or current_request_id(),
            "user_id": getattr(record, "user_id", None) or current_user_id(),
        }
        # Structured extras passed with `extra={...}`.
        for key, value in record.__dict__.items():
            if key not in self.RESERVED and key not in data and not key.startswith("_"):
                data[key] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        # orjson: a third of json.dumps's time on the access line of every request;
        # `default=str` for anything else an extra may carry (UUIDs are native).
        return orjson.dumps(data, default=str).decode()


def _timestamp(created: float) -> str:
    # 2026-12-03T06:07:20.123Z (UTC, milliseconds)
    seconds = int(created)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{int((created - seconds) * 1000):03d}Z"


_base_record_factory = logging.getLogRecordFactory()


def _record_factory(*args, **kwargs):
    # Stamp the request's ids when the record is made, so that they travel
    # with it to whatever handler formats it later.
    record = _base_record_factory(*args, **kwargs)
    record.trace_id = current_request_id()
    record.user_id = current_user_id()
    return record


class LineHandler(logging.StreamHandler):
    """A StreamHandler writing each line with one `os.write()` on the stream's
    file descriptor, without the handler's lock.

    With 64 threads a worker logging one line per request queued them on
    that lock: one thread held it across the write() system call while the
    others blocked and woke one by one, and the access line cost /users/me
    10-18 % of its throughput (bench/README.md). A single write of a line
    shorter than PIPE_BUF (4 KiB) to a pipe, or of any line to a file opened
    for appending, is not interleaved with another (POSIX), which is all the
    lock gave; longer lines (tracebacks) may interleave with others, as lines
    of separate worker processes always could. A stream without a file
    descriptor (pytest's capture, a StringIO) gets StreamHandler's own path.
    """

    def __init__(self, stream=None):
        super().__init__(stream)
        try:
            self._fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            self._fd = None

    def handle(self, record):
        if self._fd is None:
            return super().handle(record)
        if not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record):
        if self._fd is None:
            return super().emit(record)
        try:
            data = (self.format(record) + self.terminator).encode("utf-8", "backslashreplace")
            while data:
                data = data[os.write(self._fd, data) :]
        except RecursionError:
            raise
        except Exception:
            self.handleError(record)


def configure_logging(level: str = "INFO", stream=None) -> None:
    """Send every logger (ours, gunicorn's, RQ's, werkzeug's) through one JSON handler."""
    logging.setLogRecordFactory(_record_factory)
    # What the JSON lines never show is not collected (the logging HOWTO's
    # "Optimization"): the caller's file and line (a stack walk per record),
    # thread, process and multiprocessing names.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = LineHandler(stream or sys.stderr)
    handler.setFormatter(JSONFormatter())
    handler._gatehouse = True
    root = logging.getLogger()
    # Replace only our own handler (or Python's default one), so that calling
    # this twice, or under pytest's log capture, does not pile up handlers.
    for existing in list(root.handlers):
        if getattr(existing, "_gatehouse", False) or type(existing) is logging.StreamHandler:
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("gunicorn.error", "gunicorn.access", "rq.worker", "werkzeug", "flask-limiter"):
        logger = logging.getLogger(name)
        logger.handlers = []
        logger.propagate = True
    # werkzeug's own access log would duplicate ours; alembic announces its
    # plugins at INFO in every process that imports it.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def init_request_tracking(app: Flask) -> None:
    """Give every request an id (echoed as X-Request-ID) and log one line for it."""

    def _start_request():
        # The id itself is made on first use (current_request_id), once the
        # tracing span, if any, has started.
        g.request_started = time.perf_counter()

    # First of all hooks, so that a request refused by a later one (the rate
    # limiter, maintenance mode) is still timed.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)

    @app.after_request
    def _finish_request(response):
        response.headers["X-Request-ID"] = current_request_id()
        started = g.get("request_started")
        duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
        rule = request.url_rule.rule if request.url_rule else None
        request_log.info(
            "%s %s %s",
            request.method,
            rule or "<unmatched>",
            response.status_code,
            extra={
                "method": request.method,
                "route": rule,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "ip": request.remote_addr,
            },
        )
        return response


# ------------------------------------------------------------ job outcomes

JOB_KINDS = ("email", "webhook")
_OUTCOME_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_job_log = logging.getLogger("gatehouse.metrics")


def job_outcomes_key(kind: str) -> str:
    """The Redis hash of `kind`'s job outcomes (outcome -> count)."""
    from app import cache

    return cache.key("metrics", "jobs", kind, "outcomes")


def record_job_outcome(kind: str, outcome: str) -> None:
    """Count one finished job attempt for /metrics (`jobs_total{kind,outcome}`).

    `kind` is one of JOB_KINDS; `outcome` a short lower-case word, e.g.
    `sent`, `retried`, `dead_lettered`, `duplicate`. The count is kept in Redis
    (the jobs run in RQ's forked work-horses, possibly in another container, so
    an in-process counter would be lost); call it inside the app context the
    job runs in. A Redis failure never reaches the job: the count is lost,
    not the job. A kind or outcome outside that shape is a programming error
    (ValueError), as labels must stay few.
    """
    if kind not in JOB_KINDS or not _OUTCOME_RE.match(outcome or ""):
        raise ValueError(f"record_job_outcome: bad kind/outcome {kind!r}/{outcome!r}")
    from flask import has_app_context

    if not has_app_context():
        _job_log.warning("record_job_outcome outside an app context: %s/%s not counted", kind, outcome)
        return
    from app import cache

    cache.safe(lambda r: r.hincrby(job_outcomes_key(kind), outcome, 1))

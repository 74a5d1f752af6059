"""OpenTelemetry tracing: off unless OTEL_* configuration asks for an exporter.

`OTEL_TRACES_EXPORTER=otlp` (or just `OTEL_EXPORTER_OTLP_ENDPOINT`) exports
over OTLP/HTTP, `console` prints spans; the SDK reads the other OTEL_*
variables itself (sampler, headers, resource attributes). Instrumented: Flask,
SQLAlchemy, Redis and requests, with the span names of docs/architecture.md §4 and the README (Operations):

    HTTP POST /api/v1/auth/login            (the route template, never the raw path)
      ├─ DB SELECT users
      └─ CACHE SET auth:session:*:state     (the key with its identifier hidden)
    EXT hooks.example.com POST              (outgoing calls made with requests)

An incoming W3C `traceparent` makes the request's span a child of the caller's,
so its trace id is the one in our logs and error bodies (see
`app.observability.request_id_from_headers`). Statements and commands are
recorded without their parameters (the instrumentations' own sanitising).

Set up per process after the fork (gunicorn imports the app in each worker),
so the exporter's background thread belongs to the worker that uses it.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger("gatehouse.tracing")

# Probes and metrics scrapes would be most of the spans and tell nothing.
EXCLUDED_URLS = r"/health$,/ready$,/metrics$,/api/docs"
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN|TABLE)\s+\"?([A-Za-z_][A-Za-z0-9_]*)\"?", re.IGNORECASE)

_provider = None


def tracing_enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("TRACING_ENABLED"))


def current_trace_id() -> str | None:
    """The active span's trace id as 32 hex digits, or None (tracing off, no span)."""
    if not tracing_enabled():
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


def db_span_name(statement: str) -> str:
    """`DB {operation} {table}` for a SQL statement (`DB SELECT users`)."""
    from app.metrics import sql_operation

    operation = sql_operation(statement)
    if operation == "OTHER":
        words = (statement or "").split()
        operation = words[0].upper() if words else "SQL"
    match = _TABLE.search(statement or "")
    return f"DB {operation} {match.group(1).lower()}" if match else f"DB {operation}"


def cache_span_name(args) -> str:
    """`CACHE {COMMAND} {service}:{resource}:*:{attribute}` for a Redis command."""
    command = str(args[0]).upper() if args else "COMMAND"
    key = args[1] if len(args) > 1 else None
    if isinstance(key, bytes):
        key = key.decode("utf-8", "replace")
    parts = key.split(":") if isinstance(key, str) else []
    if len(parts) == 5:
        # {env}:{service}:{resource}:{identifier}:{attribute}; the identifier
        # is an id (a span name must stay low in cardinality).
        return f"CACHE {command} {parts[1]}:{parts[2]}:*:{parts[4]}"
    return f"CACHE {command}"


def _name_http_span(span, _environ) -> None:
    from flask import request

    from app.metrics import endpoint_label

    if span.is_recording():
        span.update_name(f"HTTP {request.method} {endpoint_label()}")


def _name_cache_span(span, _instance, args, _kwargs) -> None:
    if span.is_recording():
        span.update_name(cache_span_name(args))


def _name_pipeline_span(span, _instance, _response) -> None:
    # Pipelines get no request hook; their commands are in db.statement.
    if span.is_recording() and not span.name.startswith("CACHE "):
        span.update_name("CACHE PIPELINE")


def _name_external_span(span, prepared_request) -> None:
    from urllib.parse import urlsplit

    if span.is_recording():
        host = urlsplit(prepared_request.url or "").hostname or "unknown"
        span.update_name(f"EXT {host} {prepared_request.method}")


def _rename_db_span(context, statement) -> None:
    # The SQLAlchemy instrumentation names spans "SELECT <database>" and has
    # no naming hook; it keeps the open span on the execution context.
    span = getattr(context, "_otel_span", None)
    if span is not None and span.is_recording():
        span.update_name(db_span_name(statement))


_listening = False


def _listen_for_db_spans() -> None:
    global _listening
    if _listening:
        return
    _listening = True

    # Class-level listeners run before the engine's own ones, so the span is
    # still open here (the instrumentation ends it in its own listener).
    @event.listens_for(Engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        _rename_db_span(context, statement)

    @event.listens_for(Engine, "handle_error")
    def _failed(exception_context):
        if exception_context.execution_context is not None:
            _rename_db_span(exception_context.execution_context, exception_context.statement or "")


def _tracer_provider(app: Flask):
    global _provider
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

    exporter = app.config.get("TRACING_SPAN_EXPORTER")  # tests hand in an in-memory exporter
    if exporter is None and _provider is not None:
        return _provider
    provider = TracerProvider(resource=Resource.create({"service.name": app.config["OTEL_SERVICE_NAME"]}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        return provider
    if app.config["TRACING_EXPORTER"] == "console":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter()))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _provider = provider
    return provider


def configure_tracing(app: Flask) -> None:
    """Instrument `app` (and this process's SQLAlchemy engines, Redis and
    requests clients) when TRACING_ENABLED; otherwise do nothing at all.

    Call it before the extensions are set up: the engine must be created after
    SQLAlchemy is instrumented, and the Flask span must start before the other
    request hooks so that their log lines carry its trace id.
    """
    if not app.config["TRACING_ENABLED"]:
        return
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    provider = _tracer_provider(app)
    FlaskInstrumentor().instrument_app(app, tracer_provider=provider, request_hook=_name_http_span, excluded_urls=EXCLUDED_URLS)
    for instrumentor, options in (
        # Its declared range stops below SQLAlchemy 2.1, whose engine events
        # it uses are unchanged; tests/test_tracing.py pins the DB spans.
        (SQLAlchemyInstrumentor(), {"skip_dep_check": True}),
        (RedisInstrumentor(), {"request_hook": _name_cache_span, "response_hook": _name_pipeline_span}),
        (RequestsInstrumentor(), {"request_hook": _name_external_span}),
    ):
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider, **options)
    _listen_for_db_spans()
    log.info("tracing on: exporter %s, service %s", app.config["TRACING_EXPORTER"], app.config["OTEL_SERVICE_NAME"])


def stop_tracing(app: Flask) -> None:
    """Undo `configure_tracing` (tests use it to leave the process untraced)."""
    from opentelemetry.instrumentation.flask import FlaskInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor
    from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor

    FlaskInstrumentor().uninstrument_app(app)
    for instrumentor in (SQLAlchemyInstrumentor(), RedisInstrumentor(), RequestsInstrumentor()):
        if instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.uninstrument()

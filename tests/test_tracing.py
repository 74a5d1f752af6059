"""OpenTelemetry: off by default; when on, spans named as the README says (Operations: Tracing) and the
trace id of an incoming traceparent is the trace_id of logs and errors."""

import logging

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from app.tracing import cache_span_name, db_span_name
from config import ConfigError, load_config
from tests.helpers import test_config as settings_for_tests

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


def test_tracing_is_off_unless_configured():
    assert load_config({})["TRACING_ENABLED"] is False
    assert load_config({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"})["TRACING_EXPORTER"] == "otlp"
    assert load_config({"OTEL_TRACES_EXPORTER": "console"})["TRACING_ENABLED"] is True
    assert load_config({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"})["TRACING_ENABLED"] is False


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({"OTEL_TRACES_EXPORTER": "zipkin"}, "OTEL_TRACES_EXPORTER"),
        ({"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, "OTEL_EXPORTER_OTLP_PROTOCOL"),
    ],
)
def test_bad_tracing_configuration_names_the_variable(environ, variable):
    with pytest.raises(ConfigError, match=variable):
        load_config(environ)


@pytest.mark.parametrize(
    "statement, name",
    [
        ("SELECT users.id, users.email FROM users WHERE users.id = %(id)s", "DB SELECT users"),
        ('INSERT INTO "sessions" (id) VALUES (%(id)s)', "DB INSERT sessions"),
        ("UPDATE refresh_tokens SET used_at=now()", "DB UPDATE refresh_tokens"),
        ("DELETE FROM audit_events", "DB DELETE audit_events"),
        ("SELECT 1", "DB SELECT"),
        ("TRUNCATE users CASCADE", "DB TRUNCATE"),
    ],
)
def test_db_span_names(statement, name):
    assert db_span_name(statement) == name


@pytest.mark.parametrize(
    "args, name",
    [
        (("SET", "prod:auth:session:1b2c:state", "x"), "CACHE SET auth:session:*:state"),
        (("GET", b"test:flags:flag:enable_new_ui:enabled"), "CACHE GET flags:flag:*:enabled"),
        (("LLEN", "rq:queue:email_queue"), "CACHE LLEN"),
        (("PING",), "CACHE PING"),
    ],
)
def test_cache_span_names(args, name):
    assert cache_span_name(args) == name


@pytest.fixture
def traced(app):
    """A second app on the same database with tracing on and spans kept in memory."""
    from app import create_app
    from app.extensions import db
    from app.tracing import stop_tracing

    exporter = InMemorySpanExporter()
    traced_app = create_app(settings_for_tests(TRACING_ENABLED=True, TRACING_EXPORTER="memory", TRACING_SPAN_EXPORTER=exporter))
    yield traced_app, exporter
    stop_tracing(traced_app)
    with traced_app.app_context():
        db.engine.dispose()


def test_request_span_with_db_and_cache_children(traced, make_user, sign_in):
    traced_app, exporter = traced
    headers = sign_in(make_user())
    exporter.clear()
    response = traced_app.test_client().get("/api/v1/flags", headers={**headers, "traceparent": TRACEPARENT})
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    names = [s.name for s in spans]
    assert "HTTP GET /api/v1/flags" in names
    assert "CACHE MGET auth:session:*:state" in names  # the live-session check (with the account snapshot)...
    assert "DB SELECT sessions" in names  # ...misses the cache and reads the database
    assert "CACHE PIPELINE" in names  # the flags, read in one round trip
    assert all(n.split()[0] in ("HTTP", "DB", "CACHE", "connect") for n in names), names
    http = next(s for s in spans if s.name == "HTTP GET /api/v1/flags")
    assert format(http.context.trace_id, "032x") == TRACE_ID
    # Children share the caller's trace.
    assert all(format(s.context.trace_id, "032x") == TRACE_ID for s in spans)


def test_db_spans_are_named_by_operation_and_table(traced, make_user):
    traced_app, exporter = traced
    user = make_user()
    from app.extensions import db
    from app.models import User

    exporter.clear()
    with traced_app.app_context():
        db.session.get(User, user.id)
    assert "DB SELECT users" in [s.name for s in exporter.get_finished_spans()]


def test_incoming_traceparent_is_the_trace_id_of_logs_and_errors(traced, caplog):
    traced_app, _ = traced
    with caplog.at_level(logging.INFO, logger="gatehouse.request"):
        response = traced_app.test_client().get("/api/v1/flags", headers={"traceparent": TRACEPARENT})
    assert response.status_code == 401
    assert response.get_json()["error"]["trace_id"] == TRACE_ID == response.headers["X-Request-ID"]
    assert [r.trace_id for r in caplog.records if r.name == "gatehouse.request"] == [TRACE_ID]


def test_without_traceparent_logs_carry_the_span_trace_id(traced, caplog):
    traced_app, exporter = traced
    exporter.clear()
    with caplog.at_level(logging.INFO, logger="gatehouse.request"):
        response = traced_app.test_client().get("/api/v1/flags")
    http = next(s for s in exporter.get_finished_spans() if s.name.startswith("HTTP "))
    assert response.headers["X-Request-ID"] == format(http.context.trace_id, "032x")


def test_traceparent_wins_over_x_request_id(client):
    response = client.get("/health", headers={"traceparent": TRACEPARENT, "X-Request-ID": "client-id"})
    assert response.headers["X-Request-ID"] == TRACE_ID


def test_outgoing_requests_are_ext_spans(traced):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    import requests

    _, exporter = traced

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.handle_request, daemon=True).start()
    exporter.clear()
    requests.post(f"http://127.0.0.1:{server.server_port}/hook", json={}, timeout=5)
    server.server_close()
    assert [s.name for s in exporter.get_finished_spans()] == ["EXT 127.0.0.1 POST"]


def test_tracing_off_instruments_nothing(app, client):
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)
    response = client.get("/health")
    assert len(response.headers["X-Request-ID"]) == 32  # a generated id, no span behind it

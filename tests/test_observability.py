"""Request ids in and out, and JSON logs with one line per request."""

import json
import logging

from app.observability import JSONFormatter


def test_incoming_request_id_is_echoed(client):
    response = client.get("/health", headers={"X-Request-ID": "client-id-42"})
    assert response.headers["X-Request-ID"] == "client-id-42"


def test_traceparent_trace_id_becomes_request_id(client):
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = client.get("/nope", headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"})
    assert response.headers["X-Request-ID"] == trace_id
    assert response.get_json()["error"]["trace_id"] == trace_id


def test_request_id_is_generated_when_absent(client):
    first = client.get("/health").headers["X-Request-ID"]
    second = client.get("/health").headers["X-Request-ID"]
    assert first and second and first != second


def test_hostile_request_id_is_replaced(client):
    hostile = 'x"\n{"level": "CRITICAL"}'
    response = client.get("/health", headers={"X-Request-ID": hostile.replace("\n", " ")})
    assert response.headers["X-Request-ID"] != hostile.replace("\n", " ")
    assert len(response.headers["X-Request-ID"]) == 32


def test_one_json_log_line_per_request_with_route_and_trace_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="gatehouse.request"):
        response = client.get("/nope", headers={"X-Request-ID": "log-me-1"})
    records = [r for r in caplog.records if r.name == "gatehouse.request"]
    assert len(records) == 1
    line = json.loads(JSONFormatter().format(records[0]))
    assert {"timestamp", "level", "logger", "message", "trace_id", "user_id"} <= set(line)
    assert line["trace_id"] == "log-me-1" == response.headers["X-Request-ID"]
    assert line["method"] == "GET" and line["status"] == 404
    assert isinstance(line["duration_ms"], float)


def test_log_line_uses_route_template_not_raw_path(client, caplog):
    with caplog.at_level(logging.INFO, logger="gatehouse.request"):
        client.get("/api/docs/assets/swagger-ui.css")
    record = [r for r in caplog.records if r.name == "gatehouse.request"][0]
    assert record.route == "/api/docs/assets/<path:filename>"


def test_threads_logging_at_once_through_a_pipe_leave_every_line_whole():
    # LineHandler writes without the handler lock: one os.write() per line.
    import logging
    import os
    import threading

    from app.observability import LineHandler

    read_end, write_end = os.pipe()
    handler = LineHandler(os.fdopen(write_end, "w"))
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("tests.line_handler")
    logger.propagate, logger.handlers = False, [handler]
    chunks = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(lambda: os.read(read_end, 65536), b"")))
    reader.start()

    def log_many(n):
        for i in range(200):
            logger.warning("thread %s line %s %s", n, i, "x" * 1500)

    threads = [threading.Thread(target=log_many, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    handler.stream.close()
    reader.join()
    lines = b"".join(chunks).decode().splitlines()
    assert len(lines) == 16 * 200
    messages = {json.loads(line)["message"].rsplit(" ", 1)[0] for line in lines}
    assert messages == {f"thread {n} line {i}" for n in range(16) for i in range(200)}


def test_a_stream_without_a_file_descriptor_is_written_as_before():
    import io
    import logging

    from app.observability import LineHandler

    stream = io.StringIO()
    handler = LineHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("tests.line_handler_stringio")
    logger.propagate, logger.handlers = False, [handler]
    logger.warning("hello %s", "there")
    assert json.loads(stream.getvalue())["message"] == "hello there"

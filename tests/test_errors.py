"""Every error, whatever raised it, is rendered in the envelope of docs/api.md §1."""

import json
import logging

import pytest

ENVELOPE_KEYS = {"code", "message", "field", "details", "timestamp", "trace_id"}


def assert_envelope(response, status, code):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "error"
    assert set(body["error"]) == ENVELOPE_KEYS
    assert body["error"]["code"] == code
    assert body["error"]["trace_id"] == response.headers["X-Request-ID"]
    assert body["error"]["timestamp"].endswith("Z")
    return body["error"]


def test_unknown_route_is_404_in_envelope(client):
    assert_envelope(client.get("/api/v1/no-such-thing"), 404, "REQUEST_NOT_FOUND_006")


def test_wrong_method_is_405_with_allow_header(client):
    response = client.delete("/health")
    assert_envelope(response, 405, "REQUEST_METHOD_NOT_ALLOWED_007")
    assert "GET" in response.headers["Allow"]


def test_oversized_body_is_413(client, app):
    body = json.dumps({"name": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1), "age": 1})
    response = client.post("/api/v1/_probe/echo", data=body, content_type="application/json")
    assert_envelope(response, 413, "REQUEST_TOO_LARGE_008")


@pytest.mark.parametrize("padding", [0, 100_000], ids=["valid-json-prefix", "invalid-json-prefix"])
def test_oversized_chunked_body_is_413(client, app, padding):
    """Without Content-Length (chunked, as gunicorn passes it on) Werkzeug cuts
    the body at MAX_CONTENT_LENGTH without a word: a 400 for broken JSON, or
    worse, the accepted first 64 KiB. It is refused whole, as with a length."""
    import io

    limit = app.config["MAX_CONTENT_LENGTH"]
    body = (b'{"name": "ab", "age": 1}' + b" " * limit) if not padding else json.dumps({"name": "x" * padding, "age": 1}).encode()
    response = client.post(
        "/api/v1/_probe/echo",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_envelope(response, 413, "REQUEST_TOO_LARGE_008")


def test_chunked_body_up_to_the_limit_is_read_whole(client, app):
    import io

    body = json.dumps({"name": "x" * (app.config["MAX_CONTENT_LENGTH"] - 30), "age": 1}).encode()
    body += b" " * (app.config["MAX_CONTENT_LENGTH"] - len(body))  # exactly the limit
    response = client.post(
        "/api/v1/_probe/echo",
        input_stream=io.BytesIO(body),
        headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 200
    assert response.get_json()["data"]["age"] == 1


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
def test_non_json_body_is_415(client, content_type):
    response = client.post("/api/v1/_probe/echo", data="name=ab&age=3", content_type=content_type)
    assert_envelope(response, 415, "REQUEST_UNSUPPORTED_MEDIA_TYPE_009")


@pytest.mark.parametrize("raw", ['{"name": "ab",', "not json", '{"name": "\\ud800"', b"\xff\xfe"])
def test_malformed_json_is_400(client, raw):
    response = client.post("/api/v1/_probe/echo", data=raw, content_type="application/json")
    assert_envelope(response, 400, "REQUEST_MALFORMED_JSON_005")


def test_validation_failure_is_400_with_first_field_and_all_details(client):
    response = client.post("/api/v1/_probe/echo", json={"name": "a", "age": "old", "extra": 1})
    error = assert_envelope(response, 400, "REQUEST_VALIDATION_FAILED_004")
    fields_in_error = {d["field"] for d in error["details"]}
    assert fields_in_error == {"name", "age", "extra"}
    assert error["field"] == error["details"][0]["field"]
    assert all(d["message"] for d in error["details"])


def test_nested_validation_error_names_the_dotted_field(client):
    response = client.post("/api/v1/_probe/echo", json={"name": "ab", "age": 3, "nested": {"inner": "x"}})
    error = assert_envelope(response, 400, "REQUEST_VALIDATION_FAILED_004")
    assert error["field"] == "nested.inner"


def test_json_array_instead_of_object_is_400(client):
    response = client.post("/api/v1/_probe/echo", json=[1, 2])
    assert_envelope(response, 400, "REQUEST_VALIDATION_FAILED_004")


def test_valid_body_passes(client):
    response = client.post("/api/v1/_probe/echo", json={"name": "ab", "age": 3})
    assert response.status_code == 200
    assert response.get_json()["data"] == {"name": "ab", "age": 3}


def test_unhandled_exception_is_500_that_leaks_nothing(client, caplog):
    with caplog.at_level(logging.ERROR):
        response = client.get("/api/v1/_probe/boom")
    assert_envelope(response, 500, "SERVER_INTERNAL_ERROR_011")
    text = response.get_data(as_text=True)
    for leak in ("hunter2", "SELECT", "Traceback", "RuntimeError"):
        assert leak not in text
    # ...but the operator gets the stack trace, tied to the same trace id.
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and r.exc_info]
    assert logged
    from app.observability import JSONFormatter

    line = json.loads(JSONFormatter().format(logged[0]))
    assert "RuntimeError" in line["exception"]


def test_error_catalogue_numbers_are_unique():
    from app.errors import CATALOGUE

    numbers = [code.rsplit("_", 1)[1] for code in CATALOGUE]
    assert len(numbers) == len(set(numbers))
    assert {"AUTH_INVALID_CREDENTIALS_001", "USER_NOT_FOUND_002", "AUTH_EMAIL_EXISTS_003"} <= set(CATALOGUE)


# JSON that Python's json module reads but that is no JSON value any client
# means: an integer literal too long to convert (ValueError), NaN/Infinity
# and numbers that overflow to infinity (PostgreSQL jsonb refuses them), and
# strings holding a lone UTF-16 surrogate (cannot be encoded as UTF-8, so any
# hash, insert or log of them fails).
HOSTILE_JSON = [
    pytest.param('{"name": "ab", "age": ' + "9" * 5000 + "}", id="integer-of-5000-digits"),
    pytest.param('{"name": "ab", "age": 1, "nested": {"inner": NaN}}', id="NaN"),
    pytest.param('{"name": "ab", "age": -Infinity}', id="Infinity"),
    pytest.param('{"name": "ab", "age": 1e999}', id="overflowing-float"),
    pytest.param('{"name": "a\\ud800b", "age": 1}', id="lone-surrogate-in-value"),
    pytest.param('{"name": "ab", "age": 1, "\\udfff": 1}', id="lone-surrogate-in-key"),
]


@pytest.mark.parametrize("raw", HOSTILE_JSON)
def test_json_no_client_means_is_400_malformed_not_500(client, raw):
    response = client.post("/api/v1/_probe/echo", data=raw, content_type="application/json")
    assert_envelope(response, 400, "REQUEST_MALFORMED_JSON_005")


def test_a_valid_surrogate_pair_is_an_ordinary_character(client):
    response = client.post("/api/v1/_probe/echo", data='{"name": "\\ud83d\\ude00!", "age": 1}', content_type="application/json")
    assert response.status_code == 200
    assert response.get_json()["data"]["name"] == "\U0001f600!"


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        pytest.param(
            "/api/v1/auth/register",
            '{"email": "s@example.com", "password": "Abcdefg1\\ud800", "full_name": "Jo", "terms_accepted": true}',
            id="register-password",
        ),
        pytest.param("/api/v1/auth/verify-email", '{"token": "abc\\ud800"}', id="verify-email-token"),
        pytest.param("/api/v1/auth/refresh", '{"refresh_token": "abc\\ud800"}', id="refresh-token"),
        pytest.param("/api/v1/auth/login", '{"email": "s@example.com", "password": "x", "x": ' + "1" * 4301 + "}", id="login-long-integer"),
    ],
)
def test_hostile_json_on_real_routes_is_400_not_500(client, path, raw):
    response = client.post(path, data=raw, content_type="application/json")
    assert_envelope(response, 400, "REQUEST_MALFORMED_JSON_005")


@pytest.mark.parametrize(
    "raw",
    ['{"preferences": {"a": NaN}}', '{"preferences": {"a": 1e400}}', '{"bio": "\\udc00"}'],
    ids=["NaN", "overflowing-float", "lone-surrogate"],
)
def test_profile_refuses_json_that_jsonb_and_utf8_cannot_hold(client, make_user, sign_in, raw):
    headers = sign_in(make_user())
    response = client.put("/api/v1/users/me/profile", data=raw, content_type="application/json", headers=headers)
    assert_envelope(response, 400, "REQUEST_MALFORMED_JSON_005")

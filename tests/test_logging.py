"""Logs under a real gunicorn: every line (gunicorn's master and workers, the
app) is one JSON object with the fields the README lists, trace_id and user_id are
filled when known, and no password, token, Authorization value or secret
ever appears, even at DEBUG. (The RQ worker's JSON lines are pinned in
test_email_worker.py.)

Starts gunicorn (one sync worker): marked slow."""

import json
import uuid

import pytest
import requests

from tests.auth_client import verification_token
from tests.helpers import TEST_ENCRYPTION_KEY, TEST_SECRET, unique_email
from tests.live_server import LiveServer

pytestmark = pytest.mark.slow
SEED_FIELDS = {"timestamp", "level", "logger", "message", "trace_id", "user_id"}
METRICS_TOKEN = "metrics-token-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(
        tmp_path_factory.mktemp("logging"), workers=1, LOG_LEVEL="DEBUG", RATELIMIT_ENABLED="false", METRICS_TOKEN=METRICS_TOKEN
    ) as live:
        yield live


def call(server, method, path, **kwargs):
    return requests.request(method, server.url + path, timeout=10, **kwargs)


def log_lines(server) -> list[str]:
    return [line for line in server.log_path.read_text().splitlines() if line.strip()]


def test_secrets_never_reach_the_log(app, server):
    email, password, wrong = unique_email("hygiene"), "Hygiene-Pass-" + uuid.uuid4().hex[:8] + "9", "Wrong-Pass-7x" + uuid.uuid4().hex[:6]
    auth = "/api/v1/auth"
    assert (
        call(
            server,
            "POST",
            auth + "/register",
            json={"email": email, "password": password, "full_name": "Log Hygiene", "terms_accepted": True},
        ).status_code
        == 201
    )
    verify = verification_token(app, email)
    assert call(server, "POST", auth + "/verify-email", json={"token": verify}).status_code == 200
    assert call(server, "POST", auth + "/login", json={"email": email, "password": wrong}).status_code == 401
    login = call(server, "POST", auth + "/login", json={"email": email, "password": password}).json()["data"]
    access, refresh = login["access_token"], login["refresh_token"]
    assert call(server, "GET", "/api/v1/users/me", headers={"Authorization": f"Bearer {access}"}).status_code == 200
    forged = access[:-6] + "AAAAAA"
    assert call(server, "GET", "/api/v1/users/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    renewed = call(server, "POST", auth + "/refresh", json={"refresh_token": refresh}).json()["data"]
    assert call(server, "POST", auth + "/logout", headers={"Authorization": f"Bearer {renewed['access_token']}"}).status_code == 204
    # Reuse of a spent refresh token: refused (and logged as such).
    assert call(server, "POST", auth + "/refresh", json={"refresh_token": refresh}).status_code == 401
    assert call(server, "GET", "/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).status_code == 200
    assert call(server, "GET", "/metrics", headers={"Authorization": "Bearer not-the-token"}).status_code == 401

    text = server.log_path.read_text()
    secrets = {
        "password": password,
        "wrong password": wrong,
        "verification token": verify,
        "access token": access,
        "refresh token": refresh,
        "forged token": forged,
        "renewed access token": renewed["access_token"],
        "renewed refresh token": renewed["refresh_token"],
        "JWT secret": TEST_SECRET,
        "encryption key": TEST_ENCRYPTION_KEY,
        "metrics token": METRICS_TOKEN,
        "a token's signature": access.rsplit(".", 1)[1],
    }
    leaked = [name for name, value in secrets.items() if value in text]
    assert not leaked, f"found in the log: {leaked}"
    assert "Bearer " not in text and "not-the-token" not in text


def test_every_line_is_json_with_the_seed_fields(app, server):
    trace = "log-trace-" + uuid.uuid4().hex[:8]
    call(server, "GET", "/nope", headers={"X-Request-ID": trace})
    lines = log_lines(server)
    records = [json.loads(line) for line in lines]  # raises on any non-JSON line
    assert all(set(r) >= SEED_FIELDS for r in records)
    loggers = {r["logger"] for r in records}
    assert "gunicorn.error" in loggers  # the master's own lines ("Booting worker ...")
    assert "gatehouse.request" in loggers
    assert "gunicorn.access" not in loggers  # the app's request line is the access log
    line = next(r for r in records if r["logger"] == "gatehouse.request" and r["trace_id"] == trace)
    assert line["route"] is None and line["status"] == 404 and line["method"] == "GET"


def test_request_lines_carry_the_signed_in_user(app, server, make_user, sign_in):
    user = make_user()
    trace = "user-trace-" + uuid.uuid4().hex[:8]
    assert call(server, "GET", "/api/v1/users/me", headers={**sign_in(user), "X-Request-ID": trace}).status_code == 200
    records = [json.loads(line) for line in log_lines(server)]
    line = next(r for r in records if r["logger"] == "gatehouse.request" and r["trace_id"] == trace)
    assert line["user_id"] == str(user.id)
    assert line["route"] == "/api/v1/users/me" and isinstance(line["duration_ms"], float)

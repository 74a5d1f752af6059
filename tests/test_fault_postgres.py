"""Fault: PostgreSQL becomes unreachable, then returns.

A private PostgreSQL cluster (initdb in a temporary directory) and a gunicorn
serving the app on it; the machine's PostgreSQL is never touched.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid

import psycopg
import pytest
import requests

from tests.helpers import TEST_REDIS_URL
from tests.private_services import Gunicorn, PrivatePostgres, migrate, service_env

pytestmark = pytest.mark.slow

CONNECT_TIMEOUT = 2  # DATABASE_CONNECT_TIMEOUT given to the server


@pytest.fixture(scope="module")
def postgres():
    cluster = PrivatePostgres().start()
    migrate(service_env(cluster.url, TEST_REDIS_URL))
    yield cluster
    cluster.destroy()


@pytest.fixture
def served(postgres, redis_conn):
    redis_conn.flushdb()
    server = Gunicorn(service_env(postgres.url, TEST_REDIS_URL, DATABASE_CONNECT_TIMEOUT=CONNECT_TIMEOUT)).start()
    yield server
    server.stop()


def _signed_in_user(app, postgres) -> tuple[str, dict]:
    """A user and a session made straight in the private database, and its access token."""
    from app.security.access_tokens import issue_access_token
    from app.security.passwords import hash_password

    email = f"pg-{uuid.uuid4().hex[:8]}@example.com"
    with psycopg.connect(host="127.0.0.1", port=postgres.port, user="postgres", dbname="postgres", autocommit=True) as conn:
        user_id = conn.execute(
            "INSERT INTO users (email, password_hash, full_name, is_verified) VALUES (%s, %s, 'Pg User', true) RETURNING id",
            (email, hash_password("SecurePass123", rounds=4)),
        ).fetchone()[0]
        session_id = conn.execute(
            "INSERT INTO sessions (user_id, expires_at) VALUES (%s, now() + interval '1 day') RETURNING id", (user_id,)
        ).fetchone()[0]
    with app.app_context():
        token, _ = issue_access_token(user_id, session_id)
    return email, {"Authorization": f"Bearer {token}"}


def _timed(method, url, **kwargs):
    started = time.monotonic()
    response = requests.request(method, url, timeout=30, **kwargs)
    return response, time.monotonic() - started


def test_postgres_down_is_503_in_the_envelope_quickly_and_recovers_without_restart(app, postgres, served):
    email, headers = _signed_in_user(app, postgres)
    me = served.url + "/api/v1/users/me"
    assert requests.get(me, headers=headers, timeout=10).json()["data"]["email"] == email

    postgres.stop()
    rename = ("PATCH", "/api/v1/users/me", {"full_name": "Renamed User"})
    for method, path, body in (rename, ("GET", "/ready", None), ("GET", "/api/v1/users/me/profile", None), rename):
        response, took = _timed(method, served.url + path, headers=headers, json=body)
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["status"] == "error"
        assert body["error"]["code"] in ("SERVER_UNAVAILABLE_012", "SERVER_NOT_READY_013")
        assert body["error"]["trace_id"] == response.headers["X-Request-ID"]
        assert response.headers.get("Retry-After")
        # Never a hang: refused connections answer at once, at worst after the connect timeout.
        assert took < CONNECT_TIMEOUT + 1.5, f"{path} took {took:.1f}s"
    assert requests.get(served.url + "/health", timeout=5).status_code == 200  # liveness needs no database
    # The signed-in user's own account is still served, from the snapshot cached with the session.
    assert requests.get(me, headers=headers, timeout=10).json()["data"]["email"] == email

    postgres.start()
    returned = time.monotonic()
    while True:
        response = requests.patch(me, headers=headers, json={"full_name": "Renamed User"}, timeout=10)
        if response.status_code == 200:
            break
        assert response.status_code == 503, response.text
        assert time.monotonic() - returned < 5, "not recovered within 5 s of PostgreSQL returning"
        time.sleep(0.2)
    assert requests.get(me, headers=headers, timeout=10).json()["data"]["full_name"] == "Renamed User"
    assert requests.get(served.url + "/ready", timeout=10).status_code == 200


def _cluster_processes(postgres) -> list[int]:
    postmaster = int((postgres.data / "postmaster.pid").read_text().split()[0])
    children = subprocess.run(["pgrep", "-P", str(postmaster)], capture_output=True, text=True).stdout.split()
    return [postmaster, *map(int, children)]


def test_a_frozen_postgres_is_503_after_the_client_side_bound_not_a_hang(app, postgres, redis_conn):
    """A server that stops answering without closing anything (SIGSTOP: its
    kernel still keeps the TCP connections) must not hold requests forever:
    the database watchdog cuts a pooled connection silent for longer than
    statement_timeout + its grace, and the request is a 503."""
    from app.db_watchdog import GRACE_SECONDS

    redis_conn.flushdb()
    statement_timeout_s = 1
    server = Gunicorn(
        service_env(
            postgres.url, TEST_REDIS_URL, DATABASE_CONNECT_TIMEOUT=CONNECT_TIMEOUT, DATABASE_STATEMENT_TIMEOUT_MS=statement_timeout_s * 1000
        )
    ).start()
    frozen = []
    try:
        _, headers = _signed_in_user(app, postgres)
        me = server.url + "/api/v1/users/me"
        rename = {"full_name": "Before Freeze"}
        assert requests.patch(me, headers=headers, json=rename, timeout=10).status_code == 200  # a warm pool

        frozen = _cluster_processes(postgres)
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        response, took = _timed("PATCH", me, headers=headers, json={"full_name": "During Freeze"})
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "SERVER_UNAVAILABLE_012"
        # The cut pooled connection, then at worst one new connection's connect timeout.
        assert took < statement_timeout_s + GRACE_SECONDS + CONNECT_TIMEOUT + 2, f"took {took:.1f}s"
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    try:
        thawed = time.monotonic()
        while requests.patch(me, headers=headers, json={"full_name": "After Freeze"}, timeout=10).status_code != 200:
            assert time.monotonic() - thawed < 10, "not recovered after the freeze"
            time.sleep(0.2)
    finally:
        server.stop()

"""Fault: Redis is killed (SIGKILL) while requests flow, then comes back.

A private redis-server and a gunicorn serving the app on it (and on the tests'
PostgreSQL database); the machine's Redis is never touched.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.helpers import DEFAULT_PASSWORD, TEST_DATABASE_URL, unique_email
from tests.mailbox import SMTPServer
from tests.private_services import Gunicorn, PrivateRedis, service_env
from tests.test_email_worker import start_worker  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_server():
    server = PrivateRedis().start()
    yield server
    server.kill()


@pytest.fixture
def served(app, redis_server):
    server = Gunicorn(service_env(TEST_DATABASE_URL, redis_server.url)).start()
    yield server
    server.stop()


def _timed_get(url, **kwargs):
    started = time.monotonic()
    response = requests.get(url, timeout=10, **kwargs)
    return response, time.monotonic() - started


def test_redis_killed_authenticated_reads_continue_ready_is_503_then_recovers(served, redis_server, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    me = served.url + "/api/v1/users/me"
    assert requests.get(me, headers=headers, timeout=10).status_code == 200  # cached in Redis now
    assert requests.get(served.url + "/ready", timeout=10).status_code == 200

    redis_server.kill()
    # Requests keep flowing: every authenticated read answers, from the database, promptly.
    for _ in range(20):
        response, took = _timed_get(me, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["email"] == user.email
        assert took < 2.0
    ready, took = _timed_get(served.url + "/ready")
    assert ready.status_code == 503
    body = ready.json()
    assert body["status"] == "error" and body["error"]["code"] == "SERVER_NOT_READY_013"
    assert body["checks"]["redis"].startswith("unhealthy") and body["checks"]["database"] == "healthy"
    assert took < 2.0
    # A bad token is still refused while Redis is down (the database decides).
    assert requests.get(me, headers={"Authorization": "Bearer nope"}, timeout=10).status_code == 401

    redis_server.start()
    deadline = time.monotonic() + 5
    while requests.get(served.url + "/ready", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "not ready within 5 s of Redis returning"
        time.sleep(0.2)
    assert requests.get(me, headers=headers, timeout=10).status_code == 200


def test_redis_killed_logins_continue_and_email_queued_meanwhile_arrives_after_it_returns(
    served,
    redis_server,
    make_user,
    start_worker,  # noqa: F811
):
    smtp = SMTPServer().start()
    try:
        start_worker(smtp.port, REDIS_URL=redis_server.url, OUTBOX_SWEEP_GRACE_SECONDS="1")
        user = make_user()
        redis_server.kill()

        login = requests.post(served.url + "/api/v1/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}, timeout=10)
        assert login.status_code == 200, login.text
        token = login.json()["data"]["access_token"]
        me = requests.get(served.url + "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert me.status_code == 200 and me.json()["data"]["email"] == user.email

        newcomer = unique_email("outage")
        registered = requests.post(
            served.url + "/api/v1/auth/register",
            timeout=10,
            json={"email": newcomer, "password": DEFAULT_PASSWORD, "full_name": "Outage Newcomer", "terms_accepted": True},
        )
        assert registered.status_code == 201, registered.text
        time.sleep(1)
        assert smtp.mailbox.messages == []  # nothing can be queued while Redis is down...

        redis_server.start()
        arrived = smtp.mailbox.wait_for(1, timeout=40)  # ...and nothing is lost
        assert [m.envelope_to for m in arrived] == [[newcomer]]
    finally:
        smtp.stop()

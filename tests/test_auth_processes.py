"""Auth against gunicorn (deploy/gunicorn.conf.py): per-IP limits behind one trusted
proxy shared by two workers, and sign-in with Redis unreachable.

A separate process, because TRUSTED_PROXY_COUNT is applied at app creation
(ProxyFix) and the limiter is a global extension: re-creating the app inside
the pytest process would re-bind them under the other tests' feet.
"""

from __future__ import annotations

import pytest
import requests

from tests.helpers import DEFAULT_PASSWORD, TEST_DATABASE_URL, TEST_REDIS_URL, unique_email
from tests.private_services import Gunicorn, PrivateRedis, service_env

pytestmark = pytest.mark.slow

AUTH = "/api/v1/auth"


def _register(base, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    body = {"email": unique_email(), "password": DEFAULT_PASSWORD, "full_name": "Ada Lovelace", "terms_accepted": True}
    # A new connection per request, so that both workers take turns.
    return requests.post(base + AUTH + "/register", json=body, headers={**headers, "Connection": "close"}, timeout=10)


@pytest.fixture
def behind_proxy(app):
    server = Gunicorn(service_env(TEST_DATABASE_URL, TEST_REDIS_URL, TRUSTED_PROXY_COUNT=1, WEB_CONCURRENCY=2)).start()
    yield server.url
    server.stop()


def test_limits_follow_one_trusted_hop_and_are_shared_by_all_workers(behind_proxy, make_user):
    base = behind_proxy
    # The client forges extra hops in front; the proxy appends the address it saw (203.0.113.7).
    for i in range(5):
        assert _register(base, f"10.9.9.{i}, 203.0.113.7").status_code == 201
    limited = _register(base, "10.9.9.99, 203.0.113.7")
    assert limited.status_code == 429
    body = limited.json()
    assert body["status"] == "error" and body["error"]["code"] == "REQUEST_RATE_LIMITED_010"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    # Another client behind the same proxy is not affected.
    assert _register(base, "203.0.113.8").status_code == 201

    # The session records the address of that one trusted hop, not the forged one.
    user = make_user()
    login = requests.post(
        base + AUTH + "/login",
        json={"email": user.email, "password": DEFAULT_PASSWORD},
        headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"},
        timeout=10,
    )
    assert login.status_code == 200, login.text
    token = login.json()["data"]["access_token"]
    sessions = requests.get(base + AUTH + "/sessions", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert [s["ip"] for s in sessions.json()["data"]] == ["203.0.113.9"]


@pytest.fixture
def on_private_redis(app):
    redis_server = PrivateRedis().start()
    server = Gunicorn(service_env(TEST_DATABASE_URL, redis_server.url)).start()
    yield server.url, redis_server
    server.stop()
    redis_server.kill()


def test_sign_up_sign_in_and_sessions_work_while_redis_is_unreachable(on_private_redis, make_user):
    base, redis_server = on_private_redis
    user = make_user()
    redis_server.kill()

    assert _register(base).status_code == 201  # the email waits in the outbox
    wrong = requests.post(base + AUTH + "/login", json={"email": user.email, "password": "WrongPass123"}, timeout=10)
    assert wrong.status_code == 401
    unknown = requests.post(base + AUTH + "/login", json={"email": unique_email(), "password": "WrongPass123"}, timeout=10)
    assert unknown.status_code == 401 and unknown.json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS_001"
    login = requests.post(base + AUTH + "/login", json={"email": user.email, "password": DEFAULT_PASSWORD}, timeout=10)
    assert login.status_code == 200, login.text
    data = login.json()["data"]
    headers = {"Authorization": f"Bearer {data['access_token']}"}
    assert requests.get(base + AUTH + "/sessions", headers=headers, timeout=10).status_code == 200
    assert requests.get(base + "/api/v1/users/me", headers=headers, timeout=10).status_code == 200
    refreshed = requests.post(base + AUTH + "/refresh", json={"refresh_token": data["refresh_token"]}, timeout=10)
    assert refreshed.status_code == 200
    headers = {"Authorization": f"Bearer {refreshed.json()['data']['access_token']}"}

    # Logging out still ends the session at once: the database is asked.
    assert requests.post(base + AUTH + "/logout", headers=headers, timeout=10).status_code == 204
    refused = requests.get(base + AUTH + "/sessions", headers=headers, timeout=10)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"

    # The per-IP limit still holds, in the worker's memory, until Redis is back.
    statuses = [_register(base).status_code for _ in range(5)]
    assert 429 in statuses


def test_without_a_jwt_secret_in_development_every_worker_accepts_the_others_tokens(app, make_user, tmp_path):
    """Development without JWT_SECRET_KEY: one random key per gunicorn master,
    shared by its workers (with one key per worker, a token signed by one
    worker was refused by the others, at random)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.live_server import LiveServer

    user = make_user()
    with LiveServer(tmp_path, workers=2, APP_ENV="development", JWT_SECRET_KEY="") as server:
        login = requests.post(server.url + AUTH + "/login", json={"email": user.email, "password": DEFAULT_PASSWORD}, timeout=10)
        assert login.status_code == 200, login.text
        headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}", "Connection": "close"}

        def me(_):
            return requests.get(server.url + "/api/v1/users/me", headers=headers, timeout=10).status_code

        # Concurrent requests on new connections reach both (single-threaded) workers.
        with ThreadPoolExecutor(6) as pool:
            statuses = list(pool.map(me, range(24)))
        log = server.log_path.read_text()
    assert statuses == [200] * 24
    assert "JWT_SECRET_KEY is not set" in log  # still said, by each worker

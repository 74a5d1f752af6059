"""Fault: Redis answers but refuses writes (a READONLY replica of a dead
primary, or out of memory) while sessions are revoked. A revocation must never
fail open (docs/security.md §2): the revoking request either takes effect on the very next
request or fails with 503 and changes nothing. Gatehouse does the latter.

Its own redis-server on a free port, and a gunicorn of two workers (two
processes, each with its own caches) serving the app on it.
"""

from __future__ import annotations

import pytest
import redis
import requests
from sqlalchemy import select

from tests.conftest import DEFAULT_PASSWORD, TEST_DATABASE_URL, free_port
from tests.private_services import Gunicorn, PrivateRedis, service_env

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_server():
    server = PrivateRedis().start()
    yield server
    server.kill()


@pytest.fixture
def served(app, redis_server):
    server = Gunicorn(service_env(TEST_DATABASE_URL, redis_server.url, WEB_CONCURRENCY="2")).start()
    yield server
    server.stop()


def _refuse_writes(client: redis.Redis, how: str) -> None:
    if how == "readonly":
        client.replicaof("127.0.0.1", free_port())  # a primary that does not exist: stale reads, no writes
    else:
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", "1")  # every write that needs memory: OOM


def _accept_writes(client: redis.Redis, how: str) -> None:
    if how == "readonly":
        client.replicaof("NO", "ONE")
    else:
        client.config_set("maxmemory", "0")


def _revoked_at(app, session_id):
    from app.extensions import db
    from app.models import Session

    with app.app_context():
        return db.session.scalar(select(Session.revoked_at).where(Session.id == session_id))


def _session_of(app, user_id):
    from app.extensions import db
    from app.models import Session

    with app.app_context():
        return db.session.scalar(select(Session.id).where(Session.user_id == user_id))


def _never_fails_open(app, revoking, token, session_id, base):
    """The revoking answer is either 503 with nothing changed, or a success
    after which the token is refused by every worker."""
    me = [requests.get(base + "/api/v1/users/me", headers=token, timeout=10) for _ in range(6)]
    if revoking.status_code == 503:
        assert revoking.json()["error"]["code"] == "SERVER_UNAVAILABLE_012"
        assert "Retry-After" in revoking.headers
        assert _revoked_at(app, session_id) is None, "a 503 must change nothing"
        assert all(r.status_code == 200 for r in me)
    else:
        assert revoking.status_code in (200, 204), revoking.text
        assert [r.status_code for r in me] == [401] * 6, "the revoked token still works: revocation failed open"


@pytest.mark.parametrize("how", ["readonly", "oom"])
def test_revocation_never_fails_open_when_redis_refuses_writes(app, served, redis_server, make_user, how):
    base = served.url
    user, victim = make_user(), make_user()
    admin = make_user(is_admin=True)

    def sign_in(account):
        response = requests.post(base + "/api/v1/auth/login", json={"email": account.email, "password": DEFAULT_PASSWORD}, timeout=10)
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}

    mine, theirs, boss = sign_in(user), sign_in(victim), sign_in(admin)
    for headers in (mine, theirs, boss):  # each session cached as live in Redis, on both workers
        for _ in range(4):
            assert requests.get(base + "/api/v1/users/me", headers=headers, timeout=10).status_code == 200
    mine_sid, theirs_sid = _session_of(app, user.id), _session_of(app, victim.id)

    control = redis.Redis.from_url(redis_server.url)
    _refuse_writes(control, how)
    with pytest.raises(redis.exceptions.ResponseError):
        control.set("probe", "x")

    logout = requests.post(base + "/api/v1/auth/logout", headers=mine, timeout=10)
    _never_fails_open(app, logout, mine, mine_sid, base)
    disable = requests.patch(f"{base}/api/v1/users/{victim.id}", json={"is_active": False}, headers=boss, timeout=10)
    _never_fails_open(app, disable, theirs, theirs_sid, base)
    profile = requests.put(base + "/api/v1/users/me/profile", json={"bio": "still me"}, headers=theirs, timeout=10)
    assert profile.status_code in (200, 401, 503)
    # Gatehouse's choice: the revoking requests fail and change nothing.
    assert (logout.status_code, disable.status_code) == (503, 503)

    # Redis writable again: the same requests now end the sessions everywhere at once.
    _accept_writes(control, how)
    logout = requests.post(base + "/api/v1/auth/logout", headers=mine, timeout=10)
    assert logout.status_code == 204, logout.text
    _never_fails_open(app, logout, mine, mine_sid, base)
    disable = requests.patch(f"{base}/api/v1/users/{victim.id}", json={"is_active": False}, headers=boss, timeout=10)
    assert disable.status_code == 200, disable.text
    _never_fails_open(app, disable, theirs, theirs_sid, base)
    assert requests.put(base + "/api/v1/users/me/profile", json={"bio": "x"}, headers=theirs, timeout=10).status_code == 401
    assert _revoked_at(app, mine_sid) is not None and _revoked_at(app, theirs_sid) is not None

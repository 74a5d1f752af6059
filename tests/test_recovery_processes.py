"""Recovery against gunicorn with its Redis killed: forgot, reset and change
password still work (limits, session checks and job enqueueing all fall back),
and the emails wait in the outbox."""

from __future__ import annotations

import pytest
import requests

from tests.auth_client import emailed_messages, token_from_link
from tests.helpers import DEFAULT_PASSWORD, TEST_DATABASE_URL
from tests.private_services import Gunicorn, PrivateRedis, service_env

pytestmark = pytest.mark.slow

AUTH = "/api/v1/auth"


@pytest.fixture
def on_dead_redis(app):
    redis_server = PrivateRedis().start()
    server = Gunicorn(service_env(TEST_DATABASE_URL, redis_server.url)).start()
    redis_server.kill()
    yield server.url
    server.stop()


def _post(base, path, body, headers=None):
    return requests.post(base + AUTH + path, json=body, headers=headers, timeout=10)


def test_forgot_reset_and_change_password_work_while_redis_is_down(app, on_dead_redis, make_user):
    base = on_dead_redis
    user = make_user()
    other = _post(base, "/login", {"email": user.email, "password": DEFAULT_PASSWORD}).json()["data"]

    assert _post(base, "/forgot-password", {"email": user.email}).status_code == 202
    assert _post(base, "/forgot-password", {"email": "nobody@example.com"}).status_code == 202
    [message] = emailed_messages(app, template="reset_password")
    reset = _post(base, "/reset-password", {"token": token_from_link(message["context"]["link"]), "new_password": "NewSecret456"})
    assert reset.status_code == 200, reset.text
    # The session check falls back to the database: the old session is refused at once.
    refused = requests.get(base + "/api/v1/users/me", headers={"Authorization": f"Bearer {other['access_token']}"}, timeout=10)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"

    login = _post(base, "/login", {"email": user.email, "password": "NewSecret456"})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
    wrong = _post(base, "/change-password", {"current_password": "WrongPass123", "new_password": "Third789Secret"}, headers=headers)
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "AUTH_PASSWORD_INCORRECT_025"
    changed = _post(base, "/change-password", {"current_password": "NewSecret456", "new_password": "Third789Secret"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert requests.get(base + "/api/v1/users/me", headers=headers, timeout=10).status_code == 200
    # Both notices are committed and wait in the outbox for Redis to return.
    assert len(emailed_messages(app, template="password_changed")) == 2

"""Maintenance mode agrees across processes within 1 s, in both directions,
always (docs/scaling.md, issue 14): what used to hold an old value in one process
(the Redis circuit breaker, an old read stored after a newer one), and two
gunicorn masters on one Redis toggled through the API."""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
import requests

from app import cache
from tests.conftest import DEFAULT_PASSWORD, TEST_DATABASE_URL, TEST_REDIS_URL

MAINTENANCE_KEY = "test:flags:flag:maintenance_mode:enabled"
FLAG = "/api/v1/admin/flags/maintenance_mode"


@pytest.fixture
def admin_headers(make_user, sign_in):
    return sign_in(make_user(is_admin=True))


@pytest.fixture
def user_headers(make_user, sign_in):
    return sign_in(make_user())


def _active(app) -> bool:
    from app import flags

    with app.test_request_context():
        return flags.maintenance_active()


def test_maintenance_follows_redis_while_the_circuit_breaker_is_open(app, redis_conn):
    # One slow Redis reply to any query opens the process's breaker for 2 s;
    # maintenance mode must not freeze with it.
    assert _active(app) is False
    redis_conn.set(MAINTENANCE_KEY, "true")
    cache._down_until = time.monotonic() + 60
    try:
        time.sleep(app.config["MAINTENANCE_CHECK_SECONDS"] + 0.05)
        assert _active(app) is True
        redis_conn.set(MAINTENANCE_KEY, "false")
        time.sleep(app.config["MAINTENANCE_CHECK_SECONDS"] + 0.05)
        assert _active(app) is False
    finally:
        cache.reset_circuit()


class _SlowReads:
    """The app's Redis client, except that the maintenance key read by
    `slow_thread` returns only once `release` is set."""

    def __init__(self, real):
        self.real, self.release, self.slow_thread, self.read_done = real, threading.Event(), None, threading.Event()

    def get(self, key):
        value = self.real.get(key)
        if key == MAINTENANCE_KEY and threading.current_thread() is self.slow_thread:
            self.read_done.set()
            self.release.wait(10)
        return value

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.parametrize("direction", [True, False])
def test_a_read_begun_before_a_change_never_replaces_the_newer_value(app, client, admin_headers, redis_conn, direction):
    # A request thread reads the old value, is held up, and stores it after
    # this process wrote the new one through the API: the old value must not win.
    redis_conn.set(MAINTENANCE_KEY, "false" if direction else "true")
    store = app.extensions["gatehouse-redis"]
    slow = _SlowReads(store.client)
    store.client = slow
    seen = []
    try:
        slow.slow_thread = threading.Thread(target=lambda: seen.append(_active(app)))
        slow.slow_thread.start()
        assert slow.read_done.wait(5)
        response = client.put(FLAG, json={"enabled": direction}, headers=admin_headers)
        assert response.status_code == 200, response.get_json()
        assert _active(app) is direction
        slow.release.set()
        slow.slow_thread.join(5)
        assert seen == [not direction] or seen == [direction]
        assert _active(app) is direction
        for _ in range(20):
            assert _active(app) is direction
            time.sleep(0.02)
    finally:
        slow.release.set()
        store.client = slow.real


def test_maintenance_read_failure_keeps_the_last_value_and_retries(app, redis_conn):
    import redis as redis_lib

    from app.extensions import redis_options
    from tests.conftest import free_port

    redis_conn.set(MAINTENANCE_KEY, "true")
    assert _active(app) is True
    store = app.extensions["gatehouse-redis"]
    real = store.client
    store.client = redis_lib.Redis(host="127.0.0.1", port=free_port(), **redis_options(0.2))
    try:
        time.sleep(app.config["MAINTENANCE_CHECK_SECONDS"] + 0.05)
        assert _active(app) is True
    finally:
        store.client = real
    redis_conn.set(MAINTENANCE_KEY, "false")
    time.sleep(app.config["MAINTENANCE_CHECK_SECONDS"] + 0.05)
    assert _active(app) is False


# ------------------------------------------------ two gunicorn masters, one Redis


def _stable_within(url: str, headers: dict, expected: int, since: float, limit: float = 1.0) -> float:
    """Seconds from `since` until 4 answers in a row from `url` (new connections,
    so spread over the master's workers) are `expected`; fails past `limit`."""
    streak = 0
    while streak < 4:
        sent = time.monotonic()
        status = requests.get(url + "/api/v1/users/me", headers={**headers, "Connection": "close"}, timeout=10).status_code
        if status == expected:
            streak += 1
        else:
            assert status in (200, 503), status
            streak = 0
            assert sent - since < limit, f"a request sent {sent - since:.2f} s after the change still got {status}"
    return time.monotonic() - since


@pytest.mark.slow
def test_maintenance_toggled_through_one_instance_reaches_the_other_within_a_second(app, make_user):
    from tests.private_services import Gunicorn, service_env

    admin, user = make_user(is_admin=True), make_user()
    # gunicorn's own worker class (gthread), two workers each, a few threads.
    env = service_env(TEST_DATABASE_URL, TEST_REDIS_URL, WEB_CONCURRENCY=2, GUNICORN_THREADS=8)
    first, second = Gunicorn(env).start(), Gunicorn(env).start()
    stop = threading.Event()
    try:

        def token(base, who):
            login = requests.post(base + "/api/v1/auth/login", json={"email": who.email, "password": DEFAULT_PASSWORD}, timeout=10)
            assert login.status_code == 200, login.text
            return {"Authorization": "Bearer " + login.json()["data"]["access_token"]}

        admin_headers, user_headers = token(first.url, admin), token(second.url, user)

        def background():  # other clients keep both instances' threads busy
            with requests.Session() as session:
                while not stop.is_set():
                    for server in (first, second):
                        with contextlib.suppress(requests.RequestException):
                            session.get(server.url + "/api/v1/users/me", headers=user_headers, timeout=10)

        load = [threading.Thread(target=background, daemon=True) for _ in range(1)]
        for thread in load:
            thread.start()
        delays = {True: [], False: []}
        for trial in range(20):
            for on in (True, False):
                writer, reader = (first, second) if trial % 2 == 0 else (second, first)
                put = requests.put(writer.url + FLAG, json={"enabled": on}, headers=admin_headers, timeout=10)
                # The change reached Redis before this answer: the 1 s runs from here
                # at the latest (on a loaded machine the PUT itself may wait).
                changed = time.monotonic()
                assert put.status_code == 200 and put.json()["data"]["enabled"] is on, put.text
                delays[on].append(_stable_within(reader.url, user_headers, 503 if on else 200, changed))
                if trial % 5 == 4:  # now and then, the writer's own workers as well
                    _stable_within(writer.url, user_headers, 503 if on else 200, changed)
        assert len(delays[True]) == len(delays[False]) == 20
        print("maintenance on/off: worst", max(delays[True]), max(delays[False]), "s (with 4 confirming requests)")
    finally:
        stop.set()
        first.stop()
        second.stop()

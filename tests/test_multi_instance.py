"""Two gunicorn masters (two workers each), two `python worker.py` and nginx in
front of both, on one PostgreSQL and one Redis, behave as one service
(docs/scaling.md, issue 14): sessions, revocation, refresh reuse, password change, admin
disable, per-IP limits, lockout, flag overrides, exactly-once email, the
maintenance toggle, and a master SIGKILLed under traffic through nginx.

Slow: one cluster for the module (about 10 s to start)."""

from __future__ import annotations

import collections
import threading
import time

import pytest
import requests

from tests.cluster import NGINX, Cluster, bearer, fresh_ip
from tests.conftest import DEFAULT_PASSWORD, unique_email
from tests.private_services import PrivateRedis

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not __import__("os").path.exists(NGINX), reason="needs Debian's nginx-light")]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    redis_server = PrivateRedis().start()
    try:
        running = Cluster(tmp_path_factory.mktemp("cluster"), redis_url=redis_server.url).start()
        yield running
        running.stop()
    finally:
        redis_server.kill()


def me(base: str, headers: dict) -> requests.Response:
    return requests.get(base + "/api/v1/users/me", headers=headers, timeout=15)


def test_sessions_and_revocations_made_on_one_instance_hold_on_the_other(cluster):
    a, b = (m.url for m in cluster.masters)
    email = cluster.new_user(a)

    # A session started on A serves on B; ended on B, it is refused on A at the next request.
    first = cluster.login(a, email)
    assert me(b, bearer(first["access_token"])).status_code == 200
    assert cluster.post(b, "/auth/logout", headers=bearer(first["access_token"])).status_code == 204
    refused = me(a, bearer(first["access_token"]))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"

    # Refresh on A, replay the spent refresh token on B: the whole session ends everywhere.
    second = cluster.login(b, email)
    renewed = cluster.post(a, "/auth/refresh", {"refresh_token": second["refresh_token"]})
    assert renewed.status_code == 200, renewed.text
    replayed = cluster.post(b, "/auth/refresh", {"refresh_token": second["refresh_token"]})
    assert replayed.status_code == 401 and replayed.json()["error"]["code"] == "AUTH_REFRESH_TOKEN_REUSED_020"
    for base in (a, b):
        assert me(base, bearer(renewed.json()["data"]["access_token"])).status_code == 401

    # A password changed on B ends the other sessions, on A too.
    kept, other = cluster.login(b, email), cluster.login(a, email)
    changed = cluster.post(
        b,
        "/auth/change-password",
        {"current_password": DEFAULT_PASSWORD, "new_password": "AnotherPass456"},
        headers=bearer(kept["access_token"]),
    )
    assert changed.status_code == 200, changed.text
    assert me(a, bearer(other["access_token"])).status_code == 401
    assert me(b, bearer(other["access_token"])).status_code == 401

    # An admin disabling the account on A shuts the user out on B at once.
    current = cluster.login(a, email, "AnotherPass456")
    assert me(b, bearer(current["access_token"])).status_code == 200
    disabled = requests.patch(a + f"/api/v1/users/{current['user']['id']}", json={"is_active": False}, headers=cluster.admin, timeout=15)
    assert disabled.status_code == 200, disabled.text
    assert me(b, bearer(current["access_token"])).status_code in (401, 403)
    relogin = cluster.post(b, "/auth/login", {"email": email, "password": "AnotherPass456"})
    assert relogin.status_code == 403 and relogin.json()["error"]["code"] == "AUTH_ACCOUNT_DISABLED_021"


def test_per_ip_limits_and_lockout_count_across_instances(cluster):
    a, b = (m.url for m in cluster.masters)
    # Register: 5 a minute per address, whichever instance answers.
    ip = fresh_ip()
    statuses = [cluster.register(a if i % 2 else b, ip=ip).status_code for i in range(6)]
    assert statuses == [201] * 5 + [429]
    assert cluster.register(a, ip=fresh_ip()).status_code == 201  # another address is not affected

    # Lockout: 10 failures spread over both instances (and many addresses) lock the account on both.
    email = cluster.new_user(b)
    for i in range(10):
        wrong = cluster.post(a if i % 2 else b, "/auth/login", {"email": email, "password": "WrongPass999"})
        assert wrong.status_code == 401, wrong.text
    for base in (a, b):
        locked = cluster.post(base, "/auth/login", {"email": email, "password": DEFAULT_PASSWORD})
        assert locked.status_code == 429 and locked.json()["error"]["code"] == "AUTH_ACCOUNT_LOCKED_022"


def test_a_flag_override_set_on_one_instance_applies_on_the_other(cluster):
    a, b = (m.url for m in cluster.masters)
    email = cluster.new_user(a)
    session = cluster.login(b, email)
    put = requests.put(
        a + "/api/v1/admin/flags/enable_new_ui", json={"enabled": True, "user_id": session["user"]["id"]}, headers=cluster.admin, timeout=15
    )
    assert put.status_code == 200, put.text
    for base in (a, b, cluster.url):
        flags = requests.get(base + "/api/v1/flags", headers=bearer(session["access_token"]), timeout=15)
        assert flags.json()["data"]["flags"]["enable_new_ui"] is True
    dropped = requests.delete(
        b + "/api/v1/admin/flags/enable_new_ui", params={"user_id": session["user"]["id"]}, headers=cluster.admin, timeout=15
    )
    assert dropped.status_code == 200, dropped.text
    flags = requests.get(a + "/api/v1/flags", headers=bearer(session["access_token"]), timeout=15)
    assert flags.json()["data"]["flags"]["enable_new_ui"] is False


def test_every_email_is_sent_exactly_once_by_two_worker_processes(cluster):
    a, b = (m.url for m in cluster.masters)
    before = len(cluster.smtp.mailbox.messages)
    addresses = [unique_email("once") for _ in range(40)]
    for i, address in enumerate(addresses):
        assert cluster.register(a if i % 2 else b, address).status_code == 201
    cluster.smtp.mailbox.wait_for(before + 40, timeout=60)
    time.sleep(2)  # time for a duplicate to arrive, if any were coming
    received = collections.Counter(to for m in cluster.smtp.mailbox.messages[before:] for to in m.envelope_to)
    assert received == collections.Counter(addresses)


def test_maintenance_switched_on_one_instance_is_seen_through_nginx_within_a_second(cluster):
    a = cluster.masters[0].url
    email = cluster.new_user(a)
    headers = bearer(cluster.login(a, email)["access_token"])
    for on in (True, False, True, False):
        put = requests.put(a + "/api/v1/admin/flags/maintenance_mode", json={"enabled": on}, headers=cluster.admin, timeout=15)
        changed = time.monotonic()  # the change reached Redis before this answer
        assert put.status_code == 200, put.text
        expected, streak = (503 if on else 200), 0
        while streak < 6:  # through nginx: both masters, all their workers
            asked = time.monotonic()
            status = requests.get(cluster.url + "/api/v1/users/me", headers={**headers, "Connection": "close"}, timeout=15).status_code
            streak = streak + 1 if status == expected else 0
            assert status == expected or asked - changed < 1.0, f"{status} {asked - changed:.2f} s after the change"


def test_a_master_killed_mid_traffic_fails_no_idempotent_request_through_nginx(cluster):
    # Last in the module: it leaves one master.
    a = cluster.masters[0].url
    email = cluster.new_user(a)
    headers = bearer(cluster.login(a, email)["access_token"])
    outcomes, stop = collections.Counter(), threading.Event()

    def traffic():
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    outcomes[session.get(cluster.url + "/api/v1/users/me", headers=headers, timeout=15).status_code] += 1
                except requests.RequestException as exc:
                    outcomes[type(exc).__name__] += 1

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    served_before = sum(outcomes.values())
    cluster.kill_master(cluster.masters[1])
    served_by_the_other = sum(outcomes.values())
    time.sleep(1.0)
    stop.set()
    for thread in threads:
        thread.join(20)
    assert 0 < served_before < served_by_the_other < sum(outcomes.values())
    assert set(outcomes) == {200}, outcomes

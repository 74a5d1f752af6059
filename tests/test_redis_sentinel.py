"""Redis behind Sentinel (docs/scaling.md, issue 14): REDIS_SENTINELS and
REDIS_SENTINEL_MASTER for the app, the limiter and the RQ workers, and a
failover under traffic with real processes (a primary, a replica, three
sentinels): sign-ins and reads go on (or answer 503 during the failover
window, never 500), no session is lost, no email is sent twice, nothing is
left queued."""

from __future__ import annotations

import collections
import shutil
import threading
import time

import pytest
import redis
import requests

from config import ConfigError, load_config
from tests.conftest import DEFAULT_PASSWORD, unique_email

SENTINEL_ENV = {
    "APP_ENV": "production",
    "DATABASE_URL": "postgresql+psycopg://u:p@db/gatehouse",
    "JWT_SECRET_KEY": "x" * 48,
    "ENCRYPTION_KEYS": "dGVzdC1lbmNyeXB0aW9uLWtleS0wMTIzNDU2Nzg5YWI=",
}


def test_sentinels_replace_redis_url_and_keep_its_password_and_database():
    settings = load_config(
        {
            **SENTINEL_ENV,
            "REDIS_SENTINELS": "10.0.0.1:26379, sentinel-b:26380",
            "REDIS_SENTINEL_MASTER": "gatehouse",
            "REDIS_URL": "redis://:s3cret@ignored:6379/3",
        }
    )
    assert settings["REDIS_SENTINELS"] == [("10.0.0.1", 26379), ("sentinel-b", 26380)]
    assert settings["REDIS_SENTINEL_MASTER"] == "gatehouse"
    assert (settings["REDIS_DB"], settings["REDIS_PASSWORD"]) == (3, "s3cret")
    assert settings["RATELIMIT_STORAGE_URI"] == "redis+sentinel://10.0.0.1:26379,sentinel-b:26380/gatehouse"
    assert settings["JOBS_INLINE"] is False
    # REDIS_URL may be left out: database 0, no password.
    bare = load_config({**SENTINEL_ENV, "REDIS_SENTINELS": "s:26379", "REDIS_SENTINEL_MASTER": "m"})
    assert (bare["REDIS_DB"], bare["REDIS_PASSWORD"], bare["JOBS_INLINE"]) == (0, None, False)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"REDIS_SENTINELS": "s:26379"}, "REDIS_SENTINEL_MASTER is required"),
        ({"REDIS_SENTINEL_MASTER": "m", "REDIS_URL": "redis://r:6379/0"}, "needs REDIS_SENTINELS"),
        ({"REDIS_SENTINELS": "s", "REDIS_SENTINEL_MASTER": "m"}, "host:port"),
        ({"REDIS_SENTINELS": "s:0", "REDIS_SENTINEL_MASTER": "m"}, "host:port"),
        ({"REDIS_SENTINELS": "s:99999", "REDIS_SENTINEL_MASTER": "m"}, "host:port"),
        ({"REDIS_SENTINELS": ":26379", "REDIS_SENTINEL_MASTER": "m"}, "host:port"),
        ({"REDIS_SENTINELS": "s:26379", "REDIS_SENTINEL_MASTER": "m", "REDIS_URL": "redis://x/zero"}, "database number"),
    ],
)
def test_bad_sentinel_settings_are_refused_at_start(env, message):
    with pytest.raises(ConfigError, match=message):
        load_config({**SENTINEL_ENV, **env})


needs_sentinel = pytest.mark.skipif(not shutil.which("redis-sentinel"), reason="needs Debian's redis-sentinel")


@pytest.fixture
def sentinel_cluster(tmp_path):
    from tests.cluster import Cluster
    from tests.redis_sentinel import MASTER_NAME, SentinelRedis

    sentinel = SentinelRedis().start()
    cluster = Cluster(tmp_path, masters=1, workers=1, REDIS_SENTINELS=sentinel.sentinels, REDIS_SENTINEL_MASTER=MASTER_NAME)
    del cluster.env["REDIS_URL"]
    try:
        cluster.start()
        yield cluster, sentinel
    finally:
        cluster.stop()
        sentinel.stop()


@needs_sentinel
@pytest.mark.slow
def test_a_redis_failover_under_traffic_loses_no_session_and_sends_no_email_twice(sentinel_cluster):
    cluster, sentinel = sentinel_cluster
    base = cluster.masters[0].url
    # Everything goes through the sentinels' primary: the app's cache, the limiter's counters, RQ.
    primary = redis.Redis(port=sentinel.primary())
    emails = [cluster.new_user(base) for _ in range(3)]
    sessions = [cluster.login(base, email) for email in emails]
    assert primary.keys("*rate_limit*") and primary.keys("rq:*")

    outcomes: list[tuple[float, str, int | str]] = []
    stop = threading.Event()

    def traffic(kind: str, index: int):
        email, token = emails[index], sessions[index]["access_token"]
        while not stop.is_set():
            sent = time.monotonic()
            try:
                if kind == "login":
                    status = cluster.post(base, "/auth/login", {"email": email, "password": DEFAULT_PASSWORD}).status_code
                else:
                    status = requests.get(base + "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=15).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            outcomes.append((sent, kind, status))
            time.sleep(0.02)

    threads = [threading.Thread(target=traffic, args=(kind, i)) for i, kind in enumerate(("login", "me", "me"))]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    killed_at = time.monotonic()
    old = sentinel.kill_primary()
    # Sign-ups while Redis fails over: their emails wait in the outbox.
    during = [unique_email("failover") for _ in range(4)]
    for address in during:
        assert cluster.register(base, address).status_code == 201
    window = sentinel.wait_for_failover(old, since=killed_at)
    time.sleep(3.0)
    stop.set()
    for thread in threads:
        thread.join(30)
    settled = killed_at + window + 2.0  # the clients' next connection finds the new primary

    statuses = collections.Counter(status for _, _, status in outcomes)
    assert set(statuses) <= {200, 503}, statuses  # never a 500, never a dropped connection
    late_503 = [round(sent - killed_at, 2) for sent, _, status in outcomes if status == 503 and sent > settled]
    assert not late_503, (late_503, window)
    after = [status for sent, _, status in outcomes if sent > settled]
    assert after and set(after) == {200}
    # No session lost: every token issued before the failover still works.
    for session in sessions:
        assert (
            requests.get(base + "/api/v1/users/me", headers={"Authorization": f"Bearer {session['access_token']}"}, timeout=15).status_code
            == 200
        )
    # Every email once, nothing left queued.
    for address in during:
        deadline = time.monotonic() + 60
        while not cluster.smtp.mailbox.to(address):
            assert time.monotonic() < deadline, f"no email to {address}"
            time.sleep(0.1)
    time.sleep(2.0)
    received = collections.Counter(to for m in cluster.smtp.mailbox.messages for to in m.envelope_to)
    assert all(received[address] == 1 for address in [*emails, *during]), received
    new_primary = redis.Redis(port=sentinel.primary())
    assert new_primary.llen("rq:queue:email_queue") == 0
    print(f"failover window {window:.2f} s; outcomes {dict(statuses)}")

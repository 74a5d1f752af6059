"""/api/v1/users/me/profile over HTTP: defaults, replacement, validation, and
the Redis cache (key, TTL, invalidation across processes, the write/read race,
Redis down)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import redis
import requests
from sqlalchemy import func, select

from app import cache
from app.extensions import db, redis_options
from app.models import UserProfile
from tests.helpers import ROOT, TEST_DATABASE_URL, TEST_ENCRYPTION_KEY, TEST_REDIS_URL, TEST_SECRET, free_port

PROFILE = "/api/v1/users/me/profile"
DEFAULTS = {"avatar_url": None, "bio": None, "preferences": {}, "created_at": None, "updated_at": None}


def entry_key(user_id):
    return f"test:user:cache:user:{user_id}:profile"


def code(response):
    return response.get_json()["error"]["code"]


def profile_rows(app, user_id):
    with app.app_context():
        return db.session.scalar(select(func.count()).where(UserProfile.user_id == user_id))


# ------------------------------------------------------------ read & write


def test_profile_reads_as_defaults_until_first_written(app, client, make_user, sign_in):
    user = make_user()
    response = client.get(PROFILE, headers=sign_in(user))
    assert response.status_code == 200
    assert response.get_json()["data"] == DEFAULTS
    assert profile_rows(app, user.id) == 0  # reading creates nothing


def test_put_creates_then_replaces_the_profile(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    body = {"avatar_url": "https://cdn.example.com/a.png", "bio": "Hello", "preferences": {"theme": "dark", "n": [1, 2]}}
    response = client.put(PROFILE, json=body, headers=headers)
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert {k: data[k] for k in body} == body
    assert data["created_at"] and data["updated_at"]
    assert client.get(PROFILE, headers=headers).get_json()["data"] == data

    # PUT replaces: what is left out returns to its default.
    response = client.put(PROFILE, json={"bio": "Only a bio"}, headers=headers)
    data = response.get_json()["data"]
    assert (data["avatar_url"], data["bio"], data["preferences"]) == (None, "Only a bio", {})
    assert client.get(PROFILE, headers=headers).get_json()["data"] == data
    assert profile_rows(app, user.id) == 1


def test_put_without_a_body_is_400_and_keeps_the_profile(client, make_user, sign_in):
    headers = sign_in(make_user())
    client.put(PROFILE, json={"bio": "kept"}, headers=headers)
    response = client.put(PROFILE, headers=headers)
    assert response.status_code == 400
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "kept"


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a.png",
        "HTTP://Example.COM:8443/a%20b.png?size=64#top",
        "http://localhost/me.png",
        "https://127.0.0.1/a",
        "https://bücher.example/ä.png",
    ],
)
def test_absolute_http_urls_are_accepted(client, make_user, sign_in, url):
    response = client.put(PROFILE, json={"avatar_url": url}, headers=sign_in(make_user()))
    assert response.status_code == 200
    assert response.get_json()["data"]["avatar_url"] == url


def test_an_empty_avatar_url_means_none(client, make_user, sign_in):
    headers = sign_in(make_user())
    client.put(PROFILE, json={"avatar_url": "https://example.com/a.png"}, headers=headers)
    response = client.put(PROFILE, json={"avatar_url": ""}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["data"]["avatar_url"] is None


def test_profiles_are_per_user(client, make_user, sign_in):
    alice, bob = make_user(), make_user()
    client.put(PROFILE, json={"bio": "Alice's"}, headers=sign_in(alice))
    assert client.get(PROFILE, headers=sign_in(bob)).get_json()["data"]["bio"] is None


def test_profile_needs_a_token(client):
    assert client.get(PROFILE).status_code == 401
    assert client.put(PROFILE, json={"bio": "x"}).status_code == 401


@pytest.mark.parametrize(
    "body, field",
    [
        ({"avatar_url": "javascript:alert(1)"}, "avatar_url"),
        ({"avatar_url": "JavaScript://example.com/%0Aalert(1)"}, "avatar_url"),
        ({"avatar_url": "data:image/png;base64,iVBORw0KGgo="}, "avatar_url"),
        ({"avatar_url": "ftp://example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "file:///etc/passwd"}, "avatar_url"),
        ({"avatar_url": "/relative/a.png"}, "avatar_url"),
        ({"avatar_url": "//example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "https://"}, "avatar_url"),
        ({"avatar_url": "https://exa mple.com/a.png"}, "avatar_url"),
        ({"avatar_url": "https://example.com/" + "a" * 2040}, "avatar_url"),
        ({"avatar_url": 12}, "avatar_url"),
        ({"avatar_url": "https://good.example@evil.example/a.png"}, "avatar_url"),
        ({"avatar_url": "https://example.com/a.png\n"}, "avatar_url"),
        ({"avatar_url": "https://example.com/\ta.png"}, "avatar_url"),
        ({"avatar_url": "https:/example.com/a.png"}, "avatar_url"),
        ({"avatar_url": "https://example.com/a\x00.png"}, "avatar_url"),
        ({"bio": "b" * 2001}, "bio"),
        ({"bio": 5}, "bio"),
        ({"bio": "nul \x00 byte"}, "bio"),
        ({"preferences": []}, "preferences"),
        ({"preferences": "dark"}, "preferences"),
        ({"preferences": 1}, "preferences"),
        ({"preferences": None}, "preferences"),
        ({"preferences": {"k": "v" * (16 * 1024)}}, "preferences"),
        ({"preferences": {"k": "é" * 8200}}, "preferences"),  # 16,400 bytes in UTF-8, fewer characters
        ({"preferences": {"k\x00": 1}}, "preferences"),
        ({"preferences": {"k": ["\x00"]}}, "preferences"),
        ({"unknown": 1}, "unknown"),
        ({"user_id": "someone-else"}, "user_id"),
    ],
)
def test_put_profile_rejects_bad_values(app, client, make_user, sign_in, body, field):
    user = make_user()
    response = client.put(PROFILE, json=body, headers=sign_in(user))
    assert response.status_code == 400
    assert code(response) == "REQUEST_VALIDATION_FAILED_004"
    assert response.get_json()["error"]["field"] == field
    assert profile_rows(app, user.id) == 0


def nested(depth):
    value = {}
    for _ in range(depth - 1):
        value = {"d": value}
    return value


def test_preferences_nesting_is_bounded(client, make_user, sign_in):
    headers = sign_in(make_user())
    assert client.put(PROFILE, json={"preferences": nested(32)}, headers=headers).status_code == 200
    response = client.put(PROFILE, json={"preferences": nested(33)}, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "preferences"


@pytest.mark.parametrize("body", ['{"preferences":' + '{"a":' * 5000 + "1" + "}" * 5001, "[" * 30000 + "]" * 30000])
def test_json_nested_beyond_the_parser_is_400_not_500(client, make_user, sign_in, body):
    headers = {**sign_in(make_user()), "Content-Type": "application/json"}
    response = client.put(PROFILE, data=body, headers=headers)
    assert response.status_code == 400
    assert code(response) == "REQUEST_MALFORMED_JSON_005"


def test_limits_are_inclusive(client, make_user, sign_in):
    headers = sign_in(make_user())
    overhead = len(json.dumps({"k": ""}, separators=(",", ":")))
    preferences = {"k": "v" * (16 * 1024 - overhead)}
    body = {"avatar_url": "http://localhost:8080/me.png", "bio": "b" * 2000, "preferences": preferences}
    response = client.put(PROFILE, json=body, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["data"]["preferences"] == preferences
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "b" * 2000


def test_preferences_keep_any_json_values(client, make_user, sign_in):
    headers = sign_in(make_user())
    preferences = {"null": None, "bool": False, "float": 1.5, "list": [1, "two", {"three": 3}], "ünï": "ç☃"}
    client.put(PROFILE, json={"preferences": preferences}, headers=headers)
    assert client.get(PROFILE, headers=headers).get_json()["data"]["preferences"] == preferences


# ------------------------------------------------------------------- cache


def test_read_fills_the_cache_under_the_seed_key_with_the_configured_ttl(app, client, make_user, sign_in, redis_conn):
    user = make_user()
    headers = sign_in(user)
    client.put(PROFILE, json={"bio": "cached"}, headers=headers)
    assert redis_conn.get(entry_key(user.id)) is None  # a write leaves no entry behind
    client.get(PROFILE, headers=headers)
    assert json.loads(redis_conn.get(entry_key(user.id)))["profile"]["bio"] == "cached"
    ttl = redis_conn.ttl(entry_key(user.id))
    assert app.config["PROFILE_CACHE_TTL_SECONDS"] - 5 <= ttl <= app.config["PROFILE_CACHE_TTL_SECONDS"]


@pytest.mark.parametrize("value, ok", [("299", False), ("300", True), ("3600", True), ("3601", False), ("ten", False)])
def test_profile_ttl_must_be_5_to_60_minutes(value, ok):
    from config import ConfigError, load_config

    environ = {"APP_ENV": "testing", "PROFILE_CACHE_TTL_SECONDS": value}
    if ok:
        assert load_config(environ)["PROFILE_CACHE_TTL_SECONDS"] == int(value)
    else:
        with pytest.raises(ConfigError, match="PROFILE_CACHE_TTL_SECONDS"):
            load_config(environ)


def test_the_cache_ttl_follows_the_configuration(app, client, make_user, sign_in, redis_conn):
    user = make_user()
    headers = sign_in(user)
    configured = app.config["PROFILE_CACHE_TTL_SECONDS"]
    app.config["PROFILE_CACHE_TTL_SECONDS"] = 300
    try:
        client.get(PROFILE, headers=headers)
    finally:
        app.config["PROFILE_CACHE_TTL_SECONDS"] = configured
    assert 295 <= redis_conn.ttl(entry_key(user.id)) <= 300


def test_cached_profile_is_served_without_the_database(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    client.put(PROFILE, json={"bio": "from the cache"}, headers=headers)
    client.get(PROFILE, headers=headers)
    with app.app_context():  # changed behind the service's back: the cache still answers
        db.session.execute(UserProfile.__table__.update().values(bio="changed in the database"))
        db.session.commit()
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "from the cache"


def test_every_write_invalidates_the_cached_profile(client, make_user, sign_in, redis_conn):
    user = make_user()
    headers = sign_in(user)
    for bio in ("first", "second", "third"):
        client.get(PROFILE, headers=headers)  # fill the cache with the previous value
        assert redis_conn.exists(entry_key(user.id))
        client.put(PROFILE, json={"bio": bio}, headers=headers)
        assert not redis_conn.exists(entry_key(user.id))
        assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == bio


def test_a_reader_that_stores_a_stale_profile_after_a_write_is_ignored(client, make_user, sign_in, redis_conn):
    # The race: a reader loads the old row, a write commits and invalidates,
    # then the reader stores what it loaded. The version tag makes that entry a miss.
    user = make_user()
    headers = sign_in(user)
    client.put(PROFILE, json={"bio": "old"}, headers=headers)
    client.get(PROFILE, headers=headers)
    stale = redis_conn.get(entry_key(user.id))
    client.put(PROFILE, json={"bio": "new"}, headers=headers)
    redis_conn.set(entry_key(user.id), stale, ex=600)  # the slow reader's late write
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "new"


def test_corrupt_cache_entry_is_a_miss(client, make_user, sign_in, redis_conn):
    user = make_user()
    headers = sign_in(user)
    client.put(PROFILE, json={"bio": "real"}, headers=headers)
    redis_conn.set(entry_key(user.id), b"\xff not json", ex=600)
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "real"


def test_deleting_the_account_drops_its_cached_profile(client, make_user, sign_in, redis_conn):
    user = make_user()
    headers = sign_in(user)
    client.put(PROFILE, json={"bio": "bye"}, headers=headers)
    client.get(PROFILE, headers=headers)
    assert redis_conn.exists(entry_key(user.id))
    client.delete("/api/v1/users/me", headers=headers)
    assert not redis_conn.exists(entry_key(user.id))


class RedisDown:
    """Point the app's Redis client at a port nothing listens on."""

    def __init__(self, app):
        self.store = app.extensions["gatehouse-redis"]

    def __enter__(self):
        self.real = self.store.client
        self.store.client = redis.Redis(host="127.0.0.1", port=free_port(), **redis_options(0.2))

    def __exit__(self, *exc):
        self.store.client = self.real
        cache.reset_circuit()


def test_profile_reads_and_writes_work_while_redis_is_down(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200  # session cached as live
    with RedisDown(app):
        assert client.get(PROFILE, headers=headers).get_json()["data"] == DEFAULTS
        response = client.put(PROFILE, json={"bio": "written without redis"}, headers=headers)
        assert response.status_code == 200
        assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "written without redis"


def test_invalidation_missed_during_an_outage_is_repaired_when_redis_returns(app, client, make_user, sign_in, redis_conn):
    user = make_user()
    headers = sign_in(user)
    client.put(PROFILE, json={"bio": "before the outage"}, headers=headers)
    client.get(PROFILE, headers=headers)  # cached
    with RedisDown(app):
        client.put(PROFILE, json={"bio": "during the outage"}, headers=headers)  # cannot invalidate
    assert redis_conn.exists(entry_key(user.id))  # the stale entry survived in Redis
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "during the outage"


# ------------------------------------------------- a second server process


@pytest.fixture
def second_worker(tmp_path):
    """A real gunicorn serving the app in another process, on the tests' database and Redis DB."""
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": TEST_REDIS_URL,
        "JWT_SECRET_KEY": TEST_SECRET,
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
        "BCRYPT_ROUNDS": "4",
        "LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(f"gunicorn did not start: {log.read()[-2000:]}")
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.mark.slow
def test_a_write_through_one_worker_is_read_through_another(client, make_user, sign_in, second_worker):
    user = make_user()
    headers = sign_in(user)
    url = f"{second_worker}{PROFILE}"
    client.put(PROFILE, json={"bio": "v1"}, headers=headers)
    # Both processes now hold nothing locally; fill the shared cache from the other one.
    assert requests.get(url, headers=headers, timeout=5).json()["data"]["bio"] == "v1"
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "v1"

    client.put(PROFILE, json={"bio": "v2"}, headers=headers)  # written here ...
    assert requests.get(url, headers=headers, timeout=5).json()["data"]["bio"] == "v2"  # ... read there

    assert requests.put(url, json={"bio": "v3"}, headers=headers, timeout=5).status_code == 200  # written there ...
    assert client.get(PROFILE, headers=headers).get_json()["data"]["bio"] == "v3"  # ... read here

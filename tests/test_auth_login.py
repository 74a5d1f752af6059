"""Sign-in: the response and its JWT, refusals that reveal nothing, timing parity, lockout."""

import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app import audit
from tests.auth_client import audit_events, bearer, fresh_ip, get_user, login, post, set_user, signed_in
from tests.helpers import DEFAULT_PASSWORD, TEST_SECRET, unique_email


def test_login_answers_tokens_and_the_user(app, client, make_user):
    user = make_user(email=unique_email(), full_name="Grace Hopper")
    response = login(client, user.email)
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "success"
    data = body["data"]
    assert set(data) == {"access_token", "token_type", "expires_in", "refresh_token", "user"}
    assert data["token_type"] == "Bearer"
    assert data["expires_in"] == int(app.config["JWT_EXPIRATION_HOURS"] * 3600)
    assert set(data["user"]) == {"id", "email", "full_name", "is_verified", "is_active", "is_admin", "created_at", "updated_at"}
    assert data["user"]["id"] == str(user.id) and data["user"]["full_name"] == "Grace Hopper"
    assert client.get("/api/v1/auth/sessions", headers=bearer(data["access_token"])).status_code == 200
    assert get_user(app, user.id).last_login_at is not None
    assert [e.user_id for e in audit_events(app, audit.LOGIN_SUCCEEDED)] == [user.id]


def test_access_token_is_hs256_with_the_required_claims(client, make_user):
    user = make_user()
    data = signed_in(client, user.email)
    header = jwt.get_unverified_header(data["access_token"])
    assert header["alg"] == "HS256"
    claims = jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])
    assert {"sub", "sid", "iat", "exp", "jti"} <= set(claims)
    assert claims["sub"] == str(user.id) and uuid.UUID(claims["sid"])
    assert claims["exp"] - claims["iat"] == data["expires_in"]
    assert signed_in(client, user.email)["access_token"] != data["access_token"]


def test_login_email_is_trimmed_and_case_insensitive(client, make_user):
    user = make_user(email=unique_email())
    assert login(client, f"  {user.email.upper()} ").status_code == 200


def test_unknown_email_wrong_password_and_deleted_account_get_the_same_401(app, client, make_user):
    from app.models import utcnow

    user = make_user()
    deleted = make_user()
    set_user(app, deleted.id, deleted_at=utcnow())
    answers = [
        login(client, unique_email("nobody")),
        login(client, user.email, "WrongPass123"),
        login(client, deleted.email),
    ]
    errors = []
    for response in answers:
        assert response.status_code == 401
        error = response.get_json()["error"]
        errors.append((error["code"], error["message"], error["field"], error["details"]))
    assert errors[0] == errors[1] == errors[2]
    assert errors[0][0] == "AUTH_INVALID_CREDENTIALS_001"


def test_disabled_account_is_403_only_with_the_right_password(client, make_user):
    user = make_user(is_active=False)
    wrong = login(client, user.email, "WrongPass123")
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS_001"
    right = login(client, user.email)
    assert right.status_code == 403 and right.get_json()["error"]["code"] == "AUTH_ACCOUNT_DISABLED_021"


def test_unverified_account_can_sign_in_and_is_shown_unverified(client, make_user):
    user = make_user(is_verified=False)
    assert signed_in(client, user.email)["user"]["is_verified"] is False


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "x@example.com"},
        {"password": "SecurePass123"},
        {"email": "nope", "password": "x"},
        {"email": "x@example.com", "password": ""},
        {"email": "x@example.com", "password": "x", "remember": True},
        {"email": "x@example.com", "password": 123},
    ],
)
def test_malformed_login_is_400(client, body):
    response = post(client, "/login", body, ip=fresh_ip())
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "REQUEST_VALIDATION_FAILED_004"


def test_unknown_email_takes_as_long_as_a_wrong_password(app, client, make_user, monkeypatch):
    """Median of several interleaved tries at a cost where bcrypt dominates. The
    ratio is tolerant (other processes share the CPU), yet skipping bcrypt
    would put it near 0.25 at this cost."""
    monkeypatch.setitem(app.config, "BCRYPT_ROUNDS", 10)
    user = make_user()
    locked = make_user()
    set_user(app, locked.id, locked_until=datetime.now(UTC) + timedelta(minutes=10))
    login(client, unique_email("warm-up"))  # builds the dummy hash once

    def timed(email, password):
        started = time.perf_counter()
        response = login(client, email, password)
        assert response.status_code in (401, 429)
        return time.perf_counter() - started

    unknown, wrong, when_locked = [], [], []
    for _ in range(9):
        unknown.append(timed(unique_email("nobody"), "WrongPass123"))
        wrong.append(timed(user.email, "WrongPass123"))
        when_locked.append(timed(locked.email, DEFAULT_PASSWORD))
    baseline = statistics.median(wrong)
    assert 0.6 < statistics.median(unknown) / baseline < 1.67, (unknown, wrong)
    assert 0.6 < statistics.median(when_locked) / baseline < 1.67, (when_locked, wrong)


# ------------------------------------------------------------------ lockout


def _fail(client, email, times):
    for _ in range(times):
        response = login(client, email, "WrongPass123")  # a new IP each time: the lock is per account
        assert response.status_code == 401, response.get_json()


def test_ten_failures_lock_the_account_even_for_the_right_password(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 10)
    response = login(client, user.email)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "AUTH_ACCOUNT_LOCKED_022"
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= app.config["LOCKOUT_SECONDS"]
    assert audit_events(app, audit.LOGIN_LOCKED)


def test_nine_failures_do_not_lock_and_a_success_resets_the_count(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 9)
    assert login(client, user.email).status_code == 200
    assert get_user(app, user.id).failed_login_count == 0
    _fail(client, user.email, 9)
    assert login(client, user.email).status_code == 200


def test_failures_outside_the_window_do_not_count(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 9)
    window = app.config["LOCKOUT_WINDOW_SECONDS"]
    set_user(app, user.id, failed_login_window_start=datetime.now(UTC) - timedelta(seconds=window + 1))
    _fail(client, user.email, 9)
    assert login(client, user.email).status_code == 200


def test_attempts_during_a_lock_do_not_extend_it_and_it_lifts_by_itself(app, client, make_user):
    user = make_user()
    _fail(client, user.email, 10)
    locked_until = get_user(app, user.id).locked_until
    for _ in range(5):
        assert login(client, user.email, "WrongPass123").status_code == 429
    assert get_user(app, user.id).locked_until == locked_until
    # Time passes: the lock has lifted, the count starts again from zero.
    lifted = datetime.now(UTC) - timedelta(seconds=1)
    set_user(app, user.id, locked_until=lifted, failed_login_window_start=lifted - timedelta(seconds=60))
    _fail(client, user.email, 1)
    assert get_user(app, user.id).failed_login_count == 1
    assert login(client, user.email).status_code == 200


def test_unknown_email_is_locked_the_same_way_so_the_lock_reveals_nothing(client, make_user):
    user = make_user()
    stranger = unique_email("nobody")
    for email in (user.email, stranger):
        _fail(client, email, 10)
    real, unknown = login(client, user.email), login(client, stranger)
    assert real.status_code == unknown.status_code == 429
    assert real.get_json()["error"]["code"] == unknown.get_json()["error"]["code"] == "AUTH_ACCOUNT_LOCKED_022"
    assert int(unknown.headers["Retry-After"]) > 0


def test_concurrent_wrong_passwords_are_all_counted(app, make_user):
    import threading

    user = make_user()
    barrier = threading.Barrier(10)

    def attempt(i):
        worker = app.test_client()
        barrier.wait()
        login(worker, user.email, "WrongPass123", ip=f"203.0.113.{i + 1}")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert get_user(app, user.id).failed_login_count == 10
    assert login(app.test_client(), user.email).status_code == 429


def test_a_stranger_cannot_lock_the_owner_out_of_a_known_client(app, client, make_user):
    user = make_user()
    home = "198.51.100.50"
    assert login(client, user.email, ip=home).status_code == 200  # the owner signed in from here before
    _fail(client, user.email, 10)  # a stranger, from addresses of their own
    assert login(client, user.email).status_code == 429  # the right password from elsewhere: still locked
    owner = login(client, user.email, ip=home)
    assert owner.status_code == 200
    assert get_user(app, user.id).locked_until is not None  # the lock still holds for everyone else
    assert login(client, user.email).status_code == 429


def test_guessing_from_a_known_client_during_a_lock_closes_it_too(client, make_user):
    user = make_user()
    shared = "198.51.100.60"  # e.g. a shared office address
    assert login(client, user.email, ip=shared).status_code == 200
    _fail(client, user.email, 10)
    for _ in range(10):
        assert login(client, user.email, "WrongPass123", ip=shared).status_code == 429
    assert login(client, user.email, ip=shared).status_code == 429


def test_without_redis_nobody_passes_a_lock(app, client, make_user):
    import redis

    from app import cache
    from app.extensions import redis_options
    from tests.helpers import free_port

    user = make_user()
    home = "198.51.100.70"
    assert login(client, user.email, ip=home).status_code == 200
    _fail(client, user.email, 10)
    store = app.extensions["gatehouse-redis"]
    real = store.client
    store.client = redis.Redis(port=free_port(), **redis_options(0.2))
    try:
        assert login(client, user.email, ip=home).status_code == 429
        assert login(client, unique_email("nobody"), ip=home).status_code == 401  # still answers, from the database
    finally:
        store.client = real
        cache.reset_circuit()

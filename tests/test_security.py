"""Password hashing and access-token checks, attacked directly."""

import base64
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.security.passwords import hash_password, verify_password
from tests.helpers import TEST_SECRET


@pytest.mark.parametrize(
    "password",
    ["SecurePass123", "A1" + "x" * 126, "Pässwörd1Ünïcødé", "Ключ-Пароль-9Z", "密码密码密码Aa1", "A1🔐🔑🗝️" * 10],
)
def test_any_password_up_to_128_characters_round_trips(app, password):
    with app.app_context():
        hashed = hash_password(password)
        assert verify_password(password, hashed)
        assert not verify_password(password + "x", hashed)


def test_passwords_sharing_first_72_bytes_do_not_both_verify(app):
    prefix = "A1" + "b" * 70
    with app.app_context():
        hashed = hash_password(prefix + "first")
        assert verify_password(prefix + "first", hashed)
        assert not verify_password(prefix + "second", hashed)


def test_bcrypt_uses_the_configured_cost(app):
    with app.app_context():
        assert hash_password("SecurePass123").startswith("$2b$04$")
        assert hash_password("SecurePass123", rounds=12).startswith("$2b$12$")


def test_verify_against_garbage_hash_is_false_not_error(app):
    with app.app_context():
        assert not verify_password("SecurePass123", "not-a-hash")
        assert not verify_password("SecurePass123", "")


def claims_for(user_id, session_id, **changes):
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": now,
        "exp": now + timedelta(minutes=5),
        "jti": uuid.uuid4().hex,
        "type": "access",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def whoami(client, token):
    return client.get("/api/v1/_probe/whoami", headers={"Authorization": f"Bearer {token}"})


def test_valid_token_of_live_session_is_accepted(client, make_user, sign_in):
    user = make_user()
    response = client.get("/api/v1/_probe/whoami", headers=sign_in(user))
    assert response.status_code == 200
    assert response.get_json()["data"]["user_id"] == str(user.id)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc"])
def test_missing_or_non_bearer_authorization_is_401(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/_probe/whoami", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_TOKEN_MISSING_015"


def test_tampered_signature_is_401_invalid(client, make_user, sign_in):
    sign_in(make_user())
    token = sign_in.last["access_token"]
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert whoami(client, tampered).get_json()["error"]["code"] == "AUTH_TOKEN_SIGNATURE_INVALID_032"


def test_altered_claims_with_the_original_signature_are_refused(client, make_user, sign_in):
    victim, attacker = make_user(), make_user()
    sign_in(attacker)
    token = sign_in.last["access_token"]
    assert whoami(client, token).status_code == 200  # verified once: the exact string is now cached
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(victim.id)
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    response = whoami(client, f"{header}.{forged_payload}.{signature}")
    assert response.get_json()["error"]["code"] == "AUTH_TOKEN_SIGNATURE_INVALID_032"


def test_malformed_token_is_401_invalid(client):
    for garbage in ("not.a.jwt", "abc", "a.b.c.d", "é.ü.ß"):
        assert whoami(client, garbage).get_json()["error"]["code"] == "AUTH_TOKEN_INVALID_016", garbage


def test_token_signed_with_another_key_is_401(client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    forged = jwt.encode(claims_for(user.id, sign_in.last["session_id"]), "another-key" * 4, algorithm="HS256")
    response = whoami(client, forged)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_TOKEN_SIGNATURE_INVALID_032"


def test_alg_none_is_refused(client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    unsigned = jwt.encode(claims_for(user.id, sign_in.last["session_id"]), None, algorithm="none")
    assert whoami(client, unsigned).get_json()["error"]["code"] == "AUTH_TOKEN_ALGORITHM_INVALID_031"


@pytest.mark.parametrize("algorithm", ["HS384", "HS512"])
def test_other_hmac_algorithms_are_refused_even_with_the_right_key(client, make_user, sign_in, algorithm):
    user = make_user()
    sign_in(user)
    token = jwt.encode(claims_for(user.id, sign_in.last["session_id"]), TEST_SECRET, algorithm=algorithm)
    assert whoami(client, token).get_json()["error"]["code"] == "AUTH_TOKEN_ALGORITHM_INVALID_031"


def test_expired_token_has_its_own_code(client, make_user, sign_in):
    user = make_user()
    sign_in(user)
    past = datetime.now(UTC) - timedelta(hours=2)
    token = jwt.encode(
        claims_for(user.id, sign_in.last["session_id"], iat=past, exp=past + timedelta(hours=1)), TEST_SECRET, algorithm="HS256"
    )
    assert whoami(client, token).get_json()["error"]["code"] == "AUTH_TOKEN_EXPIRED_017"


def test_a_token_accepted_before_stops_working_the_moment_it_expires(client, make_user, sign_in, monkeypatch):
    """Verified tokens are cached per worker: the cache must not outlive `exp`."""
    from app.security import access_tokens

    user = make_user()
    sign_in(user)
    now = datetime.now(UTC)
    token = jwt.encode(
        claims_for(user.id, sign_in.last["session_id"], iat=now, exp=now + timedelta(minutes=1)), TEST_SECRET, algorithm="HS256"
    )
    assert whoami(client, token).status_code == 200
    monkeypatch.setattr(access_tokens, "_clock", lambda: now.timestamp() + 61)
    assert whoami(client, token).get_json()["error"]["code"] == "AUTH_TOKEN_EXPIRED_017"


def test_a_cached_token_is_still_refused_once_its_session_ends(client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    assert whoami(client, headers["Authorization"].split()[1]).status_code == 200
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert client.get("/api/v1/_probe/whoami", headers=headers).get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"


@pytest.mark.parametrize("kind", ["missing", "garbage", "expired", "other-users-session"])
def test_every_401_of_a_bearer_route_carries_www_authenticate(client, make_user, sign_in, kind):
    """RFC 6750 §3: a client (or Swagger UI) learns from the header that the
    scheme is Bearer and, for a bad token, that it should get a new one."""
    user = make_user()
    sign_in(user)
    past = datetime.now(UTC) - timedelta(hours=2)
    tokens = {
        "missing": None,
        "garbage": "not.a.jwt",
        "expired": jwt.encode(
            claims_for(user.id, sign_in.last["session_id"], iat=past, exp=past + timedelta(hours=1)), TEST_SECRET, algorithm="HS256"
        ),
        "other-users-session": jwt.encode(claims_for(make_user().id, sign_in.last["session_id"]), TEST_SECRET, algorithm="HS256"),
    }
    headers = {"Authorization": f"Bearer {tokens[kind]}"} if tokens[kind] else {}
    response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 401
    challenge = response.headers.get("WWW-Authenticate", "")
    assert challenge.startswith("Bearer")
    if kind != "missing":
        assert 'error="invalid_token"' in challenge


@pytest.mark.parametrize("missing", ["sub", "sid", "jti", "exp", "iat"])
def test_token_missing_a_required_claim_is_refused(client, make_user, sign_in, missing):
    user = make_user()
    sign_in(user)
    token = jwt.encode(claims_for(user.id, sign_in.last["session_id"], **{missing: None}), TEST_SECRET, algorithm="HS256")
    assert whoami(client, token).status_code == 401


def test_token_naming_another_users_session_is_refused(client, make_user, sign_in):
    victim, attacker = make_user(), make_user()
    sign_in(victim)
    victim_session = sign_in.last["session_id"]
    token = jwt.encode(claims_for(attacker.id, victim_session), TEST_SECRET, algorithm="HS256")
    assert whoami(client, token).get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"


def test_revoked_session_is_refused_on_the_very_next_request(app, client, make_user, sign_in):
    from app.auth.sessions import end_user_sessions
    from app.extensions import db

    user = make_user()
    headers = sign_in(user)
    assert client.get("/api/v1/_probe/whoami", headers=headers).status_code == 200  # now cached as live
    with app.app_context():
        end_user_sessions(user.id, reason="test")
        db.session.commit()
    response = client.get("/api/v1/_probe/whoami", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"


def test_session_check_falls_back_to_database_when_redis_is_down(app, client, make_user, sign_in):
    import redis

    from app import cache
    from app.extensions import redis_options
    from tests.helpers import free_port

    user = make_user()
    headers = sign_in(user)
    store = app.extensions["gatehouse-redis"]
    real = store.client
    store.client = redis.Redis(port=free_port(), **redis_options(0.2))
    try:
        started = time.perf_counter()
        for _ in range(5):
            assert client.get("/api/v1/_probe/whoami", headers=headers).status_code == 200
        # The cool-down means only the first request pays the connect timeout.
        assert time.perf_counter() - started < 2
    finally:
        store.client = real
        cache.reset_circuit()


def test_a_cached_token_is_refused_once_the_signing_key_changes(app, client, make_user, sign_in, monkeypatch):
    """The cache of verified tokens is keyed by the key as well: a rotated
    JWT_SECRET_KEY refuses every token signed with the old one, cached or not."""
    headers = sign_in(make_user())
    token = headers["Authorization"].split()[1]
    assert whoami(client, token).status_code == 200  # verified and cached under the old key
    monkeypatch.setitem(app.config, "JWT_SECRET_KEY", "a-rotated-secret-key-that-is-long-enough-98765")
    assert whoami(client, token).get_json()["error"]["code"] == "AUTH_TOKEN_SIGNATURE_INVALID_032"

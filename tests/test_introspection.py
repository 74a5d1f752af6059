"""POST /api/v1/auth/introspect (RFC 7662, docs/signing-keys.md) and GET /.well-known/jwks.json:
active only for a live access token of a live session of an active user; every
dead token is `{"active": false}`; the caller must hold INTROSPECTION_TOKEN."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app.context import RequestContext
from tests.auth_client import bearer, signed_in
from tests.helpers import TEST_SECRET

INTROSPECTION_TOKEN = "introspection-token-for-the-tests-0123456789"
URL = "/api/v1/auth/introspect"


@pytest.fixture
def introspection_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "INTROSPECTION_TOKEN", INTROSPECTION_TOKEN)


@pytest.fixture
def eddsa(app, monkeypatch):
    monkeypatch.setitem(app.config, "JWT_ALGORITHM", "EdDSA")
    app.extensions.pop("gatehouse-signing-keys", None)
    yield
    app.extensions.pop("gatehouse-signing-keys", None)


def introspect(client, token, *, as_json=False, auth=INTROSPECTION_TOKEN, **extra):
    headers = {"Authorization": f"Bearer {auth}"} if auth is not None else {}
    body = {"token": token, **extra}
    if as_json:
        return client.post(URL, json=body, headers=headers)
    return client.post(URL, data=body, headers=headers)


def answer(client, token, **kwargs) -> dict:
    response = introspect(client, token, **kwargs)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


# --- a live token


@pytest.mark.parametrize("as_json", [False, True])
def test_live_access_token_is_active_with_its_claims(app, client, make_user, introspection_on, as_json):
    user = make_user()
    data = signed_in(client, user.email)
    claims = jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])
    result = answer(client, data["access_token"], as_json=as_json)
    assert result == {
        "active": True,
        "sub": str(user.id),
        "sid": claims["sid"],
        "exp": claims["exp"],
        "iat": claims["iat"],
        "aal": 1,
        "token_type": "Bearer",
    }


def test_hint_and_other_rfc_parameters_are_ignored(client, make_user, introspection_on):
    token = signed_in(client, make_user().email)["access_token"]
    assert answer(client, token, token_type_hint="refresh_token", client_id="api")["active"] is True


@pytest.mark.parametrize("algorithm", ["EdDSA", "ES256"])
def test_asymmetric_tokens_introspect_too(app, client, make_user, introspection_on, monkeypatch, algorithm):
    monkeypatch.setitem(app.config, "JWT_ALGORITHM", algorithm)
    app.extensions.pop("gatehouse-signing-keys", None)
    try:
        token = signed_in(client, make_user().email)["access_token"]
        assert jwt.get_unverified_header(token)["alg"] == algorithm
        assert answer(client, token)["active"] is True
        hs = jwt.encode(jwt.decode(token, options={"verify_signature": False}), TEST_SECRET, algorithm="HS256")
        assert answer(client, hs) == {"active": False}
    finally:
        app.extensions.pop("gatehouse-signing-keys", None)


# --- every kind of dead token


def _expired_token(app, data) -> str:

    claims = jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])
    past = datetime.now(UTC) - timedelta(hours=2)
    claims.update(iat=past, exp=past + timedelta(hours=1))
    return jwt.encode(claims, TEST_SECRET, algorithm="HS256")


def test_expired_token_is_inactive(app, client, make_user, introspection_on):
    data = signed_in(client, make_user().email)
    assert answer(client, _expired_token(app, data)) == {"active": False}


def test_token_expiring_while_cached_is_inactive(app, client, make_user, introspection_on, monkeypatch):
    from app.security import access_tokens

    token = signed_in(client, make_user().email)["access_token"]
    assert answer(client, token)["active"] is True  # verified and cached
    monkeypatch.setattr(access_tokens, "_clock", lambda: datetime.now(UTC).timestamp() + 2 * 3600)
    assert answer(client, token) == {"active": False}


def test_token_of_a_logged_out_session_is_inactive(client, make_user, introspection_on):
    data = signed_in(client, make_user().email)
    assert answer(client, data["access_token"])["active"] is True
    assert client.post("/api/v1/auth/logout", headers=bearer(data["access_token"])).status_code == 204
    assert answer(client, data["access_token"]) == {"active": False}


def test_tokens_after_logout_all_are_inactive(client, make_user, introspection_on):
    user = make_user()
    first, second = signed_in(client, user.email), signed_in(client, user.email)
    assert client.post("/api/v1/auth/logout-all", headers=bearer(second["access_token"])).status_code == 204
    assert answer(client, first["access_token"]) == {"active": False}
    assert answer(client, second["access_token"]) == {"active": False}


def test_token_of_a_disabled_user_is_inactive(app, client, make_user, introspection_on):
    from app.users.service import update_user

    admin, user = make_user(is_admin=True), make_user()
    token = signed_in(client, user.email)["access_token"]
    assert answer(client, token)["active"] is True
    with app.app_context():
        update_user(admin.id, user.id, {"is_active": False}, RequestContext())
    assert answer(client, token) == {"active": False}


def test_token_of_a_deleted_user_is_inactive(app, client, make_user, introspection_on):
    from app.users.service import delete_user

    admin, user = make_user(is_admin=True), make_user()
    token = signed_in(client, user.email)["access_token"]
    with app.app_context():
        delete_user(admin.id, user.id, RequestContext())
    assert answer(client, token) == {"active": False}


def test_refresh_token_is_inactive(client, make_user, introspection_on):
    data = signed_in(client, make_user().email)
    assert answer(client, data["refresh_token"]) == {"active": False}
    assert answer(client, data["refresh_token"], token_type_hint="refresh_token") == {"active": False}


def test_token_of_another_type_is_inactive(client, make_user, introspection_on):
    data = signed_in(client, make_user().email)
    claims = jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])
    for kind in ("refresh", "mfa", None):
        claims["type"] = kind
        assert answer(client, jwt.encode(claims, TEST_SECRET, algorithm="HS256")) == {"active": False}


def test_badly_signed_and_tampered_tokens_are_inactive(client, make_user, introspection_on):
    data = signed_in(client, make_user().email)
    claims = jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])
    assert answer(client, jwt.encode(claims, "another-secret-that-is-long-enough-000000", algorithm="HS256")) == {"active": False}
    head, payload, signature = data["access_token"].split(".")
    assert answer(client, f"{head}.{payload}.{signature[::-1]}") == {"active": False}
    assert answer(client, f"{head}.{payload}.") == {"active": False}
    assert answer(client, jwt.encode(claims, None, algorithm="none")) == {"active": False}


@pytest.mark.parametrize("garbage", ["", " ", "x", "a.b.c", "Bearer abc", "x" * 9000, "ñ" * 10])
def test_garbage_is_inactive(client, introspection_on, garbage):
    assert answer(client, garbage) == {"active": False}


def test_token_of_a_retired_key_is_inactive(app, client, make_user, introspection_on, eddsa):
    from app.keys import service

    old = signed_in(client, make_user().email)["access_token"]
    with app.app_context():
        service.rotate_key(RequestContext())
        service.retire_key(jwt.get_unverified_header(old)["kid"], RequestContext())
    assert answer(client, old) == {"active": False}
    assert answer(client, signed_in(client, make_user().email)["access_token"])["active"] is True


# --- who may ask


def test_route_is_off_without_introspection_token(client, make_user):
    token = signed_in(client, make_user().email)["access_token"]
    response = introspect(client, token)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "REQUEST_NOT_FOUND_006"


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        f"Basic {INTROSPECTION_TOKEN}",
        f"Bearer {INTROSPECTION_TOKEN[:-1]}",
        f"Bearer {INTROSPECTION_TOKEN}x",
        f"Bearer {INTROSPECTION_TOKEN.upper()}",
        "Bearer x",
    ],
)
def test_caller_without_the_introspection_token_is_refused(client, make_user, introspection_on, authorization):
    token = signed_in(client, make_user().email)["access_token"]
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.post(URL, data={"token": token}, headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_INTROSPECTION_TOKEN_INVALID_053"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="introspection"'


def test_a_users_own_access_token_does_not_open_introspection(client, make_user, introspection_on):
    token = signed_in(client, make_user().email)["access_token"]
    response = introspect(client, token, auth=token)
    assert response.status_code == 401


def test_missing_token_parameter_is_a_validation_error(client, introspection_on):
    response = client.post(URL, data={"token_type_hint": "access_token"}, headers={"Authorization": f"Bearer {INTROSPECTION_TOKEN}"})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "token"


def test_other_body_types_are_refused(client, introspection_on):
    response = client.post(URL, data="token=abc", content_type="text/plain", headers={"Authorization": f"Bearer {INTROSPECTION_TOKEN}"})
    assert response.status_code == 415


def test_token_comparison_is_constant_time(monkeypatch, app, client, introspection_on):
    """The guard compares with hmac.compare_digest (not ==), whatever the given value."""
    import hmac

    from app.introspection import routes

    seen = []
    real = hmac.compare_digest
    monkeypatch.setattr(routes.hmac, "compare_digest", lambda a, b: seen.append((a, b)) or real(a, b))
    client.post(URL, data={"token": "x"}, headers={"Authorization": "Bearer guess"})
    assert seen == [(b"guess", INTROSPECTION_TOKEN.encode())]


# --- the JWK Set


def test_jwks_is_empty_under_hs256_and_cacheable(client):
    response = client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response.get_json() == {"keys": []}
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.mimetype == "application/json"


def test_jwks_lists_the_keys_in_use_without_private_parts(app, client, make_user, eddsa):
    from app.keys import service

    old = signed_in(client, make_user().email)["access_token"]
    old_kid = jwt.get_unverified_header(old)["kid"]
    with app.app_context():
        new = service.rotate_key(RequestContext())
    keys = client.get("/.well-known/jwks.json").get_json()["keys"]
    assert [k["kid"] for k in keys] == [new.kid, old_kid]
    for key in keys:
        assert set(key) == {"kty", "crv", "x", "kid", "use", "alg"}
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    # Each published key verifies the tokens that name it.
    by_kid = {k["kid"]: jwt.PyJWK(k) for k in keys}
    assert jwt.decode(old, by_kid[old_kid].key, algorithms=["EdDSA"])["type"] == "access"
    with app.app_context():
        service.retire_key(old_kid, RequestContext())
    assert [k["kid"] for k in client.get("/.well-known/jwks.json").get_json()["keys"]] == [new.kid]


def test_jwks_of_es256_keys(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "JWT_ALGORITHM", "ES256")
    app.extensions.pop("gatehouse-signing-keys", None)
    try:
        token = signed_in(client, make_user().email)["access_token"]
        [key] = client.get("/.well-known/jwks.json").get_json()["keys"]
        assert set(key) == {"kty", "crv", "x", "y", "kid", "use", "alg"}
        assert (key["kty"], key["crv"], key["alg"]) == ("EC", "P-256", "ES256")
        assert jwt.decode(token, jwt.PyJWK(key).key, algorithms=["ES256"])["type"] == "access"
    finally:
        app.extensions.pop("gatehouse-signing-keys", None)


def test_jwks_is_served_during_maintenance(app, client, make_user):
    from app import flags

    with app.app_context():
        flags.set_flag("maintenance_mode", True, None, RequestContext())
    try:
        assert client.get("/api/v1/users/me").status_code == 503
        assert client.get("/.well-known/jwks.json").status_code == 200
    finally:
        with app.app_context():
            flags.set_flag("maintenance_mode", False, None, RequestContext())

"""Security hardening of docs/security.md (issue 12, points 2-12): per-IP limits by
IPv6 /64, no-store on API answers, the known-client rule of the lockout, the
per-account limit before the existence check, and the production settings."""

from __future__ import annotations

import pytest

from tests.auth_client import bearer, fresh_ip, login, post
from tests.conftest import unique_email

API = "/api/v1"


# ------------------------------------------------ per-IP limits: IPv6 by /64


def test_thirteen_addresses_of_one_ipv6_64_share_one_login_limit(client):
    """The issue's attack: 13 failed logins from 13 addresses of one /64 (the
    login limit is 10 a minute) meet a 429; another /64 is not affected."""
    statuses = [login(client, unique_email("nobody"), "WrongPass123", ip=f"2001:db8:aa:bb::{n:x}").status_code for n in range(1, 14)]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429] * 3
    refused = login(client, unique_email("nobody"), "WrongPass123", ip="2001:db8:aa:bb:ffff:1:2:3")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert login(client, unique_email("nobody"), "WrongPass123", ip="2001:db8:aa:bc::1").status_code == 401


@pytest.mark.parametrize(
    "ip, key",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2::9", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("not-an-address", "not-an-address"),
    ],
)
def test_rate_limit_key_counts_ipv4_by_address_and_ipv6_by_64(app, ip, key):
    from app.extensions import rate_limit_key

    with app.test_request_context("/", environ_base={"REMOTE_ADDR": ip}):
        assert rate_limit_key() == key


# ------------------------------------------------------- Cache-Control


def test_api_answers_carry_cache_control_no_store(client, make_user):
    user = make_user()
    response = login(client, user.email)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token = response.get_json()["data"]["access_token"]
    me = client.get(f"{API}/users/me", headers=bearer(token))
    assert me.status_code == 200 and me.headers["Cache-Control"] == "no-store"
    # Errors too (a 401 and an unknown route), and the OpenAPI document.
    assert client.get(f"{API}/users/me").headers["Cache-Control"] == "no-store"
    assert client.get(f"{API}/nowhere").headers["Cache-Control"] == "no-store"
    assert client.get("/api/openapi.json").headers["Cache-Control"] == "no-store"
    # Outside /api/ nothing is added.
    assert "no-store" not in client.get("/health").headers.get("Cache-Control", "")


# ------------------------------------------------------- lockout: known clients


def test_a_revoked_session_does_not_make_its_address_a_known_client(app, client, make_user):
    """An attacker signed in from their address once (a stolen password); the
    owner ended that session. Their address does not pass the lock."""
    user = make_user()
    attacker_ip, home = "198.51.100.80", "198.51.100.81"
    stolen = login(client, user.email, ip=attacker_ip).get_json()["data"]
    assert login(client, user.email, ip=home).status_code == 200
    assert post(client, "/logout", ip=attacker_ip, headers=bearer(stolen["access_token"])).status_code == 204
    for _ in range(10):
        assert login(client, user.email, "WrongPass123").status_code == 401
    assert login(client, user.email, ip=attacker_ip).status_code == 429
    assert login(client, user.email, ip=home).status_code == 200  # a live session's address still passes


# -------------------------------------- per-account limit before the existence check


def test_probing_taken_addresses_through_patch_me_meets_the_per_account_limit(app, client, make_user, sign_in):
    """A 409 creates no link, yet says the address has an account: every attempt
    counts, and past the limit a taken address answers 429 like a free one."""
    EMAIL_CHANGE_ATTEMPTS_PER_HOUR = app.config["EMAIL_CHANGE_ATTEMPTS_PER_HOUR"]

    taken = make_user(email=unique_email("taken"))
    headers = sign_in(make_user())
    for _ in range(EMAIL_CHANGE_ATTEMPTS_PER_HOUR):
        answer = client.patch(f"{API}/users/me", json={"email": taken.email}, headers=headers)
        assert answer.status_code == 409, answer.get_json()
    for email in (taken.email, unique_email("free")):
        refused = client.patch(f"{API}/users/me", json={"email": email}, headers=headers)
        assert refused.status_code == 429, refused.get_json()
        assert refused.get_json()["error"]["code"] == "REQUEST_RATE_LIMITED_010"
        assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # The name can still be changed: only new addresses are limited.
    assert client.patch(f"{API}/users/me", json={"full_name": "Still Me"}, headers=headers).status_code == 200


def test_email_change_links_are_limited_per_account_before_the_existence_check(app, client, make_user, sign_in):
    taken = make_user(email=unique_email("taken"))
    headers = sign_in(make_user())
    for _ in range(app.config["EMAIL_CHANGES_PER_HOUR"]):
        assert client.patch(f"{API}/users/me", json={"email": unique_email("new")}, headers=headers).status_code == 200
    assert client.patch(f"{API}/users/me", json={"email": taken.email}, headers=headers).status_code == 429


# ------------------------------------------------------- admin routes: a live admin


def test_admin_routes_refuse_an_admin_disabled_since_the_session_was_cached(app, client, make_user, sign_in):
    """Even if ending the admin's sessions never reached the session cache, a
    disabled admin has no admin rights: admin_required reads the account."""
    from sqlalchemy import update

    from app.extensions import db
    from app.models import User

    admin = make_user(is_admin=True)
    headers = sign_in(admin)
    assert client.get(f"{API}/users/", headers=headers).status_code == 200  # session cached as live
    with app.app_context():
        db.session.execute(update(User).where(User.id == admin.id).values(is_active=False))
        db.session.commit()
    refused = client.get(f"{API}/users/", headers=headers)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "AUTH_ACCOUNT_DISABLED_021"
    with app.app_context():
        db.session.execute(update(User).where(User.id == admin.id).values(is_active=True, deleted_at=db.func.now()))
        db.session.commit()
    assert client.get(f"{API}/users/", headers=headers).status_code in (401, 403)


def test_an_admin_disabled_since_the_session_was_cached_cannot_act_on_other_accounts(app, client, make_user, sign_in):
    """GET, PATCH and DELETE /users/{id} on someone else's account need a live
    admin too, not only the routes behind admin_required."""
    from sqlalchemy import update

    from app.extensions import db
    from app.models import User

    admin, member = make_user(is_admin=True), make_user(full_name="Member Person")
    headers = sign_in(admin)
    assert client.get(f"{API}/users/{member.id}", headers=headers).status_code == 200  # session cached as live
    with app.app_context():
        db.session.execute(update(User).where(User.id == admin.id).values(is_active=False))
        db.session.commit()
    for method, body in (("get", None), ("patch", {"is_active": False}), ("patch", {"is_admin": True}), ("delete", None)):
        refused = getattr(client, method)(f"{API}/users/{member.id}", headers=headers, json=body)
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "AUTH_ACCOUNT_DISABLED_021", method
    with app.app_context():
        kept = db.session.get(User, member.id)
        assert kept.is_active and not kept.is_admin and kept.deleted_at is None


def test_a_revocation_redis_refuses_is_a_503_that_changes_nothing(app, client, make_user, sign_in, monkeypatch):
    """In process (the fault test does it with a real read-only Redis): Redis
    refusing the revocation's write makes logout a 503, the session stays."""
    from app import cache
    from app.extensions import db
    from app.models import Session

    user = make_user()
    headers = sign_in(user)
    session_id = sign_in.last["session_id"]
    assert client.get(f"{API}/users/me", headers=headers).status_code == 200

    def refuse(operation):
        raise cache.WriteRefused("ReadOnlyError")

    monkeypatch.setattr(cache, "must_write", refuse)
    answer = client.post(f"{API}/auth/logout", headers=headers)
    assert answer.status_code == 503 and answer.get_json()["error"]["code"] == "SERVER_UNAVAILABLE_012"
    with app.app_context():
        assert db.session.get(Session, session_id).revoked_at is None
    monkeypatch.undo()
    assert client.get(f"{API}/users/me", headers=headers).status_code == 200
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert client.get(f"{API}/users/me", headers=headers).status_code == 401


# Each route that ends sessions, as a client calls it: (client, user, headers of
# the caller's session, the user's other session, an admin's headers, what
# `prepare` made) -> the answer.
def _logout(client, user, headers, other, admin_headers, prepared):
    return client.post(f"{API}/auth/logout", headers=headers)


def _logout_all(client, user, headers, other, admin_headers, prepared):
    return client.post(f"{API}/auth/logout-all", headers=headers)


def _revoke_session(client, user, headers, other, admin_headers, prepared):
    return client.delete(f"{API}/auth/sessions/{other['session_id']}", headers=headers)


def _change_password(client, user, headers, other, admin_headers, prepared):
    from tests.helpers import DEFAULT_PASSWORD

    return post(
        client,
        "/change-password",
        {"current_password": DEFAULT_PASSWORD, "new_password": "Other-Secret-975"},
        ip=fresh_ip(),
        headers=headers,
    )


def _reset_password(client, user, headers, other, admin_headers, prepared):
    return post(client, "/reset-password", {"token": prepared, "new_password": "Other-Secret-975"}, ip=fresh_ip())


def _refresh_reuse(client, user, headers, other, admin_headers, prepared):
    return post(client, "/refresh", {"refresh_token": other["refresh_token"]}, ip=fresh_ip())  # spent: ends the session


def _reset_user_mfa(client, user, headers, other, admin_headers, prepared):
    return client.delete(f"{API}/users/{user.id}/mfa", headers=admin_headers)


def _disable_user(client, user, headers, other, admin_headers, prepared):
    return client.patch(f"{API}/users/{user.id}", json={"is_active": False}, headers=admin_headers)


def _delete_user(client, user, headers, other, admin_headers, prepared):
    return client.delete(f"{API}/users/{user.id}", headers=admin_headers)


def _delete_me(client, user, headers, other, admin_headers, prepared):
    return client.delete(f"{API}/users/me", headers=headers)


def _prepare_reset(client, app, user, headers, other):
    from tests.recovery_steps import forgot, reset_token

    assert forgot(client, user.email).status_code == 202
    return reset_token(app, user.email)


def _prepare_refresh_reuse(client, app, user, headers, other):
    assert post(client, "/refresh", {"refresh_token": other["refresh_token"]}, ip=fresh_ip()).status_code == 200


def _prepare_mfa(client, app, user, headers, other):
    from tests.test_passkeys import add_passkey
    from tests.webauthn_authenticator import SoftAuthenticator

    add_passkey(client, headers, SoftAuthenticator())  # a second factor for the admin to reset


def _route(method, path, call, prepare=None):
    return pytest.param(method, path, call, prepare, id=f"{method} {path}")


REVOKING_ROUTES = [
    _route("post", "/auth/logout", _logout),
    _route("post", "/auth/logout-all", _logout_all),
    _route("delete", "/auth/sessions/{session_id}", _revoke_session),
    _route("post", "/auth/change-password", _change_password),
    _route("post", "/auth/reset-password", _reset_password, _prepare_reset),
    _route("post", "/auth/refresh", _refresh_reuse, _prepare_refresh_reuse),
    _route("delete", "/users/{user_id}/mfa", _reset_user_mfa, _prepare_mfa),
    _route("patch", "/users/{user_id}", _disable_user),
    _route("delete", "/users/{user_id}", _delete_user),
    _route("delete", "/users/me", _delete_me),
]


@pytest.mark.parametrize("method, path, call, prepare", REVOKING_ROUTES)
def test_every_route_ending_sessions_answers_and_documents_503_when_redis_refuses(
    app, client, make_user, sign_in, monkeypatch, method, path, call, prepare
):
    """A route that ends sessions answers 503 SERVER_UNAVAILABLE_012 with
    Retry-After, ending none, when Redis refuses the revocation's write
    (app.auth.sessions), and its OpenAPI operation lists that 503."""
    from app import cache
    from app.extensions import db
    from app.models import Session

    user = make_user()
    headers = sign_in(user)
    mine = dict(sign_in.last)
    sign_in(user)
    other = dict(sign_in.last)
    admin_headers = sign_in(make_user(is_admin=True))
    prepared = prepare(client, app, user, headers, other) if prepare else None

    def refuse(operation):
        raise cache.WriteRefused("ReadOnlyError")

    monkeypatch.setattr(cache, "must_write", refuse)
    answer = call(client, user, headers, other, admin_headers, prepared)
    assert answer.status_code == 503, answer.get_json()
    assert answer.get_json()["error"]["code"] == "SERVER_UNAVAILABLE_012" and answer.headers["Retry-After"] == "5"
    with app.app_context():
        assert [db.session.get(Session, s["session_id"]).revoked_at for s in (mine, other)] == [None, None]
    monkeypatch.undo()

    operation = client.get("/api/openapi.json").get_json()["paths"][API + path][method]
    assert "503" in operation["responses"], f"{operation['operationId']} does not document its 503"


# ------------------------------------------------------- production settings


@pytest.mark.parametrize("rounds, ok", [("4", False), ("9", False), ("10", True), ("12", True)])
def test_production_refuses_bcrypt_rounds_below_10(rounds, ok):
    from config import ConfigError, load_config
    from tests.test_config import production

    if ok:
        assert load_config(production(BCRYPT_ROUNDS=rounds))["BCRYPT_ROUNDS"] == int(rounds)
    else:
        with pytest.raises(ConfigError, match="BCRYPT_ROUNDS must be at least 10 in production"):
            load_config(production(BCRYPT_ROUNDS=rounds))
    assert load_config({"APP_ENV": "testing", "BCRYPT_ROUNDS": "4"})["BCRYPT_ROUNDS"] == 4


@pytest.mark.parametrize(
    "peer, status",
    [
        ("127.0.0.1", 200),
        ("::1", 200),
        ("10.1.2.3", 200),
        ("172.20.0.5", 200),
        ("192.168.1.9", 200),
        ("fd12:3456::1", 200),
        ("::ffff:10.0.0.7", 200),
        ("203.0.113.9", 403),
        ("8.8.8.8", 403),
        ("172.32.0.1", 403),
        ("2001:db8::1", 403),
        ("::ffff:8.8.8.8", 403),
    ],
)
def test_metrics_without_token_or_allow_list_answer_only_loopback_and_private_networks(app, client, peer, status):
    assert not app.config["METRICS_TOKEN"] and not app.config["METRICS_ALLOW"]
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": peer})
    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"]["code"] == "METRICS_FORBIDDEN_071"


def test_metrics_with_a_token_answer_any_peer_that_has_it(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "metrics-token-0123456789")
    answer = client.get(
        "/metrics", headers={"Authorization": "Bearer metrics-token-0123456789"}, environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    assert answer.status_code == 200


def test_gunicorn_trusts_forwarded_headers_only_from_the_configured_proxies():
    from tests.test_deploy import load_gunicorn_settings

    assert load_gunicorn_settings()["forwarded_allow_ips"] == str(["127.0.0.1", "::1"])
    assert load_gunicorn_settings(FORWARDED_ALLOW_IPS="10.0.0.2")["forwarded_allow_ips"] == str(["10.0.0.2"])


def test_sql_parameters_never_reach_the_logs(app):
    """A driver error carries the statement, never its bound values (what the
    server itself says, e.g. a unique violation's DETAIL, is another matter:
    services turn those into catalogue errors without logging them)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from app.extensions import db

    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["hide_parameters"] is True
    with app.app_context(), pytest.raises(DBAPIError) as caught:
        db.session.execute(text("SELECT CAST(:secret AS text), 1 / 0"), {"secret": "alice@example.com-$2b$12$hash"})
    db_error = str(caught.value)
    assert "alice@example.com" not in db_error and "$2b$12$hash" not in db_error
    assert "hidden due to hide_parameters" in db_error


# ------------------------------------------------------------------- input


def _refused(response, field):
    body = response.get_json()
    assert response.status_code == 400, body
    assert body["error"]["code"] == "REQUEST_VALIDATION_FAILED_004" and body["error"]["field"] == field, body
    return [d["message"] for d in body["error"]["details"] if d["field"] == field]


@pytest.mark.parametrize(
    "name",
    [
        "Ada\nLovelace",
        "Ada\r\nVisit https://evil.example",
        "\tAda",
        "Ada\x00",
        "Ada\x1bLovelace",
        "Ada\x85Lovelace",
        "Ada\u2028Lovelace",
        "Ada\u202eecalevoL",
        "Ada\u2066Lovelace",
    ],
)
def test_full_name_refuses_control_characters(client, name):
    from tests.auth_client import register

    messages = _refused(register(client, full_name=name), "full_name")
    assert messages == ["Must not contain control characters (such as line breaks)."]


@pytest.mark.parametrize("name", ["Zoë Ångström-Ødegaard", "李小龙", "O'Brien Jr.", "محمد علي"])
def test_full_name_keeps_accepting_real_names(client, name):
    from tests.auth_client import register

    assert register(client, full_name=name).status_code == 201


@pytest.mark.parametrize(
    "look_alike",
    [
        "wi\u217c\u217cow@example.com",  # U+217C SMALL ROMAN NUMERAL FIFTY for each l
        "\uff57\uff49\uff4c\uff4c\uff4f\uff57@example.com",  # fullwidth w i l l o w
        "WILLOW@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.com",  # fullwidth domain
    ],
)
def test_look_alike_forms_of_an_address_are_one_account(app, client, look_alike):
    from tests.auth_client import register

    assert register(client, email="willow@example.com").status_code == 201
    taken = register(client, email=look_alike)
    assert taken.status_code == 409 and taken.get_json()["error"]["code"] == "AUTH_EMAIL_EXISTS_003"
    # ... and they sign in to it.
    assert login(client, look_alike).status_code == 200


def test_common_password_list_is_large_and_offline():
    from app.security.password_rules import common_passwords

    assert len(common_passwords()) >= 10_000
    assert {"password1", "qwerty123", "letmein1", "iloveyou1"} <= common_passwords()


@pytest.mark.parametrize("password", ["Password1", "PASSWORD1", "Qwerty123", "Passw0rd", "Abc12345", "Welcome1"])
def test_the_commonest_passwords_are_refused_whatever_their_case(client, password):
    from app.security.password_rules import COMMON_PASSWORD
    from tests.auth_client import register

    assert _refused(register(client, password=password), "password") == [COMMON_PASSWORD]


@pytest.mark.parametrize(
    "email, password",
    [
        ("margaret@example.com", "Margaret2024x"),
        ("margaret@example.com", "xx-MARGARET-9"),
        ("margaret+news@example.com", "Margaret2024x"),
    ],
)
def test_a_password_containing_the_emails_local_part_is_refused(client, email, password):
    from tests.auth_client import register

    assert _refused(register(client, email=email, password=password), "password") == [
        "Password must not contain the part of your email address before the @."
    ]


def test_a_short_local_part_does_not_forbid_its_letters(client):
    from tests.auth_client import register

    assert register(client, email="al@example.com", password="Alphabet-Soup-42").status_code == 201


def test_reset_and_change_refuse_a_password_containing_the_local_part(app, client, make_user, sign_in):
    from tests.recovery_steps import change, forgot, reset, reset_token

    user = make_user(email="grace.hopper@example.com")
    headers = sign_in(user)
    _refused(change(client, headers, "SecurePass123", "Grace.Hopper-1906"), "new_password")
    assert forgot(client, user.email).status_code == 202
    token = reset_token(app, user.email)
    _refused(reset(client, token, "x-GRACE.HOPPER-1"), "new_password")
    assert reset(client, token, "Cobol-Compiler-1959").status_code == 200  # the link was not spent


def test_create_admin_refuses_a_password_containing_the_local_part(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "operator@example.com", "--password-stdin"], input="Operator-Pass-1\n")
    assert result.exit_code == 1 and "must not contain the part of your email address" in result.output


# ------------------------------------------------------- session idle timeout


def _idle_for(app, session_id, hours):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from app.extensions import db
    from app.models import Session

    with app.app_context():
        db.session.execute(update(Session).where(Session.id == session_id).values(last_used_at=datetime.now(UTC) - timedelta(hours=hours)))
        db.session.commit()


def _signed_in_session(app, client, user):
    from tests.auth_client import signed_in

    data = signed_in(client, user.email)
    from app.extensions import db
    from app.models import Session

    with app.app_context():
        session_id = db.session.scalar(db.select(Session.id).where(Session.user_id == user.id))
    return data, session_id


def test_idle_timeout_is_off_by_default(app, client, make_user):
    from tests.auth_client import refresh

    assert app.config["SESSION_IDLE_TIMEOUT_HOURS"] == 0
    data, session_id = _signed_in_session(app, client, make_user())
    _idle_for(app, session_id, 20)
    assert refresh(client, data["refresh_token"]).status_code == 200


def test_a_session_idle_longer_than_the_timeout_ends_at_its_next_refresh(app, client, make_user, monkeypatch):
    from app.extensions import db
    from app.models import Session
    from tests.auth_client import refresh

    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT_HOURS", 2)
    data, session_id = _signed_in_session(app, client, make_user())
    _idle_for(app, session_id, 1.5)
    renewed = refresh(client, data["refresh_token"])
    assert renewed.status_code == 200  # in use: each refresh counts as activity
    _idle_for(app, session_id, 2.5)
    ended = refresh(client, renewed.get_json()["data"]["refresh_token"])
    assert ended.status_code == 401 and ended.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
    with app.app_context():
        assert db.session.get(Session, session_id).revoked_reason == "idle_timeout"
    access = renewed.get_json()["data"]["access_token"]
    assert client.get(f"{API}/users/me", headers=bearer(access)).status_code == 401


@pytest.mark.parametrize("idle, ok", [("0", True), ("12", True), ("1", False), ("0.5", False), ("-1", False)])
def test_idle_timeout_setting_must_outlast_an_access_token(idle, ok):
    from config import ConfigError, load_config

    environ = {"APP_ENV": "testing", "SESSION_IDLE_TIMEOUT_HOURS": idle}
    if ok:
        assert load_config(environ)["SESSION_IDLE_TIMEOUT_HOURS"] == float(idle)
    else:
        with pytest.raises(ConfigError, match="SESSION_IDLE_TIMEOUT_HOURS"):
            load_config(environ)

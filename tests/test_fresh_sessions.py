"""Fresh sessions, POST /auth/reauthenticate, and the account-takeover chain
they close (issue 12, point 1): emailed links die with the credentials, and a
disabled or deleted account verifies nothing."""

from __future__ import annotations

import time

import jwt
import pytest

from app.auth import fresh
from app.context import RequestContext
from app.security import access_tokens, passwords
from tests.auth_client import (
    audit_events,
    bearer,
    emailed_messages,
    fresh_ip,
    get_user,
    login,
    register,
    set_user,
    signed_in,
    token_from_link,
    verification_token,
)
from tests.auth_client import post as auth_post
from tests.helpers import DEFAULT_PASSWORD, TEST_SECRET, unique_email

ME = "/api/v1/users/me"


def post(client, path, body=None, headers=None, ip=None):
    return auth_post(client, path, body, ip=ip or fresh_ip(), headers=headers)


def later(monkeypatch, seconds):
    """Move the clock the token checks read `seconds` ahead."""
    monkeypatch.setattr(access_tokens, "_clock", lambda: time.time() + seconds)


def claims(access_token):
    return jwt.decode(access_token, TEST_SECRET, algorithms=["HS256"])


def reauthenticate(client, access_token, password=DEFAULT_PASSWORD, **extra):
    return post(client, "/reauthenticate", {"password": password, **extra}, headers=bearer(access_token))


def change_email(client, access_token, new_email):
    return client.patch(ME, json={"email": new_email}, headers=bearer(access_token))


def code(response):
    return response.get_json()["error"]["code"]


# ------------------------------------------------------------ the whole chain


def test_account_takeover_with_a_stolen_token_fails_at_every_step(app, client, monkeypatch):
    """The issue's chain, end to end: a stolen access token cannot move the
    account to the attacker's address once it is stale, and an email-change
    link obtained while it was fresh dies when the owner takes the account back."""
    victim = unique_email("victim")
    attacker = unique_email("attacker")
    assert register(client, email=victim).status_code == 201
    assert post(client, "/verify-email", {"token": verification_token(app, victim)}).status_code == 200
    stolen = signed_in(client, victim)["access_token"]

    # 1. A stolen token some minutes old cannot change the email: a password is needed.
    later(monkeypatch, app.config["REAUTH_MAX_AGE_SECONDS"] + 1)
    refused = change_email(client, stolen, attacker)
    assert refused.status_code == 403, refused.get_json()
    assert code(refused) == "AUTH_REAUTH_REQUIRED_033"
    assert 'error="insufficient_user_authentication"' in refused.headers["WWW-Authenticate"]
    assert emailed_messages(app, to=attacker) == []
    # ... nor re-authenticate without the password, nor delete the account.
    assert reauthenticate(client, stolen, password="Guess1234").status_code == 401
    assert client.delete(ME, headers=bearer(stolen)).status_code == 403
    monkeypatch.undo()

    # 2. Stolen within the first minutes, it can ask for the change; the owner is told how to secure the account.
    assert change_email(client, stolen, attacker).status_code == 200
    [confirm] = emailed_messages(app, to=attacker, template="change_email_confirm")
    [notice] = emailed_messages(app, to=victim, template="change_email_notice")
    assert "/reset-password?token=" in notice["context"]["link"]

    # 3. The owner resets the password from the notice, signs in again and signs out everywhere.
    reset = post(client, "/reset-password", {"token": token_from_link(notice["context"]["link"]), "new_password": "Fresh-Start-2468"})
    assert reset.status_code == 200, reset.get_json()
    assert code(client.get(ME, headers=bearer(stolen))) == "AUTH_SESSION_REVOKED_018"
    owner = signed_in(client, victim, "Fresh-Start-2468")["access_token"]
    assert post(client, "/logout-all", headers=bearer(owner)).status_code == 204

    # 4. The attacker's email-change link is dead: the account keeps its address,
    #    and forgot-password from the attacker's mailbox reaches nobody.
    used = post(client, "/verify-email", {"token": token_from_link(confirm["context"]["link"])})
    assert used.status_code == 400 and code(used) == "AUTH_VERIFICATION_TOKEN_INVALID_023"
    assert post(client, "/forgot-password", {"email": attacker}).status_code == 202
    assert emailed_messages(app, to=attacker, template="reset_password") == []
    assert login(client, victim, "Fresh-Start-2468").status_code == 200
    assert login(client, attacker, "Fresh-Start-2468").status_code == 401


# ------------------------------------------------- links die with credentials


def _pending_links(app, client, make_user, sign_in):
    """A verified user with an unused email-change link and reset link, and an unverified one's verify link."""
    user = make_user(email=unique_email("owner"))
    headers = sign_in(user)
    assert client.patch(ME, json={"email": unique_email("new")}, headers=headers).status_code == 200
    [change] = emailed_messages(app, template="change_email_confirm")
    [notice] = emailed_messages(app, template="change_email_notice")
    return user, headers, token_from_link(change["context"]["link"]), token_from_link(notice["context"]["link"])


def _end_by_reset(app, client, user, headers, reset_token):
    assert post(client, "/reset-password", {"token": reset_token, "new_password": "Other-Secret-975"}).status_code == 200


def _end_by_change(app, client, user, headers, reset_token):
    body = {"current_password": DEFAULT_PASSWORD, "new_password": "Other-Secret-975"}
    assert post(client, "/change-password", body, headers=headers).status_code == 200


def _end_by_logout_all(app, client, user, headers, reset_token):
    assert post(client, "/logout-all", headers=headers).status_code == 204


def _end_by_disable(app, client, user, headers, reset_token):
    admin = app.test_client()
    from app.auth.sessions import start_session
    from app.extensions import db
    from app.models import User

    with app.app_context():
        boss = User(
            email=unique_email("admin"),
            password_hash=passwords.hash_password(DEFAULT_PASSWORD),
            full_name="Admin",
            is_admin=True,
            is_verified=True,
        )
        db.session.add(boss)
        db.session.flush()
        session, _ = start_session(boss, RequestContext())
        db.session.commit()
        token, _ = access_tokens.issue_access_token(boss.id, session.id, auth_time=session.authenticated_at)
    assert admin.patch(f"/api/v1/users/{user.id}", json={"is_active": False}, headers=bearer(token)).status_code == 200


def _end_by_delete(app, client, user, headers, reset_token):
    assert client.delete(ME, headers=headers).status_code == 200


@pytest.mark.parametrize(
    "end",
    [_end_by_reset, _end_by_change, _end_by_logout_all, _end_by_disable, _end_by_delete],
    ids=["reset", "change-password", "logout-all", "disable", "delete"],
)
def test_pending_links_die_with_the_credentials(app, client, make_user, sign_in, end):
    user, headers, change_token, reset_token = _pending_links(app, client, make_user, sign_in)
    end(app, client, user, headers, reset_token)
    dead = post(client, "/verify-email", {"token": change_token})
    assert dead.status_code == 400 and code(dead) == "AUTH_VERIFICATION_TOKEN_INVALID_023"
    if end is not _end_by_reset:
        dead = post(client, "/reset-password", {"token": reset_token, "new_password": "Third-Secret-864"})
        assert dead.status_code == 400 and code(dead) == "AUTH_RESET_TOKEN_INVALID_024"


@pytest.mark.parametrize("end", [_end_by_change, _end_by_logout_all, _end_by_disable], ids=["change-password", "logout-all", "disable"])
def test_a_pending_verification_link_dies_with_the_credentials(app, client, make_user, sign_in, end):
    email = unique_email("unverified")
    assert register(client, email=email).status_code == 201
    token = verification_token(app, email)
    user = get_user(app, register_id(app, email))
    end(app, client, user, sign_in(user), None)
    dead = post(client, "/verify-email", {"token": token})
    assert dead.status_code == 400 and code(dead) == "AUTH_VERIFICATION_TOKEN_INVALID_023"
    assert get_user(app, user.id).is_verified is False


def register_id(app, email):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        return db.session.execute(db.select(User.id).where(User.email == email)).scalar_one()


def test_a_disabled_account_cannot_verify_or_change_its_email(app, client, make_user, sign_in):
    email = unique_email("unverified")
    assert register(client, email=email).status_code == 201
    verify = verification_token(app, email)
    user_id = register_id(app, email)
    owner = make_user(email=unique_email("owner"))
    assert change_email(client, sign_in(owner)["Authorization"].split()[1], unique_email("new")).status_code == 200
    [change] = emailed_messages(app, template="change_email_confirm")

    # Disabled by a direct write (no voiding): the account itself is refused.
    set_user(app, user_id, is_active=False)
    set_user(app, owner.id, is_active=False)
    for token in (verify, token_from_link(change["context"]["link"])):
        refused = post(client, "/verify-email", {"token": token})
        assert refused.status_code == 400 and code(refused) == "AUTH_VERIFICATION_TOKEN_INVALID_023"
    assert get_user(app, user_id).is_verified is False
    assert get_user(app, owner.id).email == owner.email


# ------------------------------------------------------------ fresh sessions


def test_a_sign_in_is_fresh_for_reauth_max_age_then_stale(app, client, make_user, monkeypatch):
    user = make_user()
    data = signed_in(client, user.email)
    issued = claims(data["access_token"])
    assert abs(issued["auth_time"] - time.time()) < 5
    max_age = app.config["REAUTH_MAX_AGE_SECONDS"]
    assert max_age == 300
    later(monkeypatch, max_age - 5)
    assert change_email(client, data["access_token"], unique_email()).status_code == 200
    later(monkeypatch, max_age + 1)
    assert code(change_email(client, data["access_token"], unique_email())) == "AUTH_REAUTH_REQUIRED_033"
    # A name change needs no fresh session.
    assert client.patch(ME, json={"full_name": "New Name"}, headers=bearer(data["access_token"])).status_code == 200


def test_refresh_keeps_the_moment_of_sign_in(app, client, make_user, monkeypatch):
    user = make_user()
    data = signed_in(client, user.email)
    later(monkeypatch, 400)
    refreshed = post(client, "/refresh", {"refresh_token": data["refresh_token"]}).get_json()["data"]
    assert claims(refreshed["access_token"])["auth_time"] == claims(data["access_token"])["auth_time"]
    assert code(client.delete(ME, headers=bearer(refreshed["access_token"]))) == "AUTH_REAUTH_REQUIRED_033"


def age_session(app, session_id, seconds):
    """Move the session's moment of proof `seconds` into the past (as if signed in that long ago)."""
    from datetime import timedelta

    from app.extensions import db
    from app.models import Session

    with app.app_context():
        session = db.session.get(Session, session_id)
        session.authenticated_at -= timedelta(seconds=seconds)
        db.session.commit()


def stale_sign_in(app, client, user):
    """Tokens of a session whose user signed in 10 minutes ago."""
    data = signed_in(client, user.email)
    age_session(app, claims(data["access_token"])["sid"], 600)
    return post(client, "/refresh", {"refresh_token": data["refresh_token"]}).get_json()["data"]


def test_reauthenticate_gives_a_fresh_pair_for_the_same_session(app, client, make_user):
    user = make_user()
    stale = stale_sign_in(app, client, user)
    assert code(client.delete(ME, headers=bearer(stale["access_token"]))) == "AUTH_REAUTH_REQUIRED_033"
    response = reauthenticate(client, stale["access_token"])
    assert response.status_code == 200, response.get_json()
    pair = response.get_json()["data"]
    assert set(pair) == {"access_token", "token_type", "expires_in", "refresh_token"}
    new, old = claims(pair["access_token"]), claims(stale["access_token"])
    assert new["sid"] == old["sid"] and new["auth_time"] >= old["auth_time"] + 600
    # The new token is fresh; the one issued before the proof stays stale (it may be a stolen copy).
    assert code(client.delete(ME, headers=bearer(stale["access_token"]))) == "AUTH_REAUTH_REQUIRED_033"
    assert change_email(client, pair["access_token"], unique_email()).status_code == 200
    # The next refresh carries the new moment.
    refreshed = post(client, "/refresh", {"refresh_token": pair["refresh_token"]}).get_json()["data"]
    assert claims(refreshed["access_token"])["auth_time"] == new["auth_time"]
    [event] = audit_events(app, "auth.reauthenticated")
    assert event.user_id == user.id and event.details == {"session_id": new["sid"]}


def test_the_refresh_token_before_reauthentication_is_spent(app, client, make_user):
    user = make_user()
    data = signed_in(client, user.email)
    assert reauthenticate(client, data["access_token"]).status_code == 200
    old = post(client, "/refresh", {"refresh_token": data["refresh_token"]})
    assert old.status_code == 401


def test_reauthenticate_with_a_wrong_password_is_401_and_counts_toward_the_lockout(app, client, make_user):
    user = make_user()
    data = signed_in(client, user.email)
    threshold = app.config["LOCKOUT_THRESHOLD"]
    for attempt in range(1, threshold):
        wrong = reauthenticate(client, data["access_token"], password="Wrong-Guess-1")
        assert wrong.status_code == 401 and code(wrong) == "AUTH_INVALID_CREDENTIALS_001"
        assert wrong.get_json()["error"]["field"] == "password"
        assert get_user(app, user.id).failed_login_count == attempt
    assert reauthenticate(client, data["access_token"], password="Wrong-Guess-1").status_code == 401
    assert get_user(app, user.id).locked_until is not None
    # Locked: even the right password is refused from a client the account never signed in from.
    locked = post(client, "/reauthenticate", {"password": DEFAULT_PASSWORD}, headers=bearer(data["access_token"]), ip="192.0.2.77")
    assert locked.status_code == 429 and code(locked) == "AUTH_ACCOUNT_LOCKED_022"
    assert int(locked.headers["Retry-After"]) > 0


def test_reauthenticate_needs_a_live_session(app, client, make_user):
    user = make_user()
    data = signed_in(client, user.email)
    assert post(client, "/logout", headers=bearer(data["access_token"])).status_code == 204
    assert code(reauthenticate(client, data["access_token"])) == "AUTH_SESSION_REVOKED_018"
    assert post(client, "/reauthenticate", {"password": DEFAULT_PASSWORD}).status_code == 401


@pytest.mark.parametrize(
    "body", [{}, {"password": ""}, {"password": 5}, {"password": "x" * 1025}, {"password": DEFAULT_PASSWORD, "extra": 1}]
)
def test_reauthenticate_refuses_bad_bodies_with_400(client, make_user, body):
    user = make_user()
    data = signed_in(client, user.email)
    response = post(client, "/reauthenticate", body, headers=bearer(data["access_token"]))
    assert response.status_code == 400, response.get_json()
    assert code(response) == "REQUEST_VALIDATION_FAILED_004"


def test_delete_me_needs_a_fresh_session(app, client, make_user, monkeypatch):
    user = make_user()
    data = signed_in(client, user.email)
    later(monkeypatch, 301)
    assert code(client.delete(ME, headers=bearer(data["access_token"]))) == "AUTH_REAUTH_REQUIRED_033"
    assert get_user(app, user.id).deleted_at is None
    monkeypatch.undo()
    pair = reauthenticate(client, data["access_token"]).get_json()["data"]
    assert client.delete(ME, headers=bearer(pair["access_token"])).status_code == 200


def test_a_token_without_auth_time_is_never_fresh(app, client, make_user):
    user = make_user()
    data = signed_in(client, user.email)
    with app.app_context():
        token, _ = access_tokens.issue_access_token(user.id, claims(data["access_token"])["sid"])
    assert "auth_time" not in claims(token)
    assert code(client.delete(ME, headers=bearer(token))) == "AUTH_REAUTH_REQUIRED_033"


def test_a_second_factor_module_plugs_into_reauthentication(app, client, make_user):
    """How the MFA track adds `code`: a registered check sees the other fields and may refuse."""
    from app.errors import INVALID_CREDENTIALS, AppError

    seen = []

    def check(user, factors, ctx):
        seen.append((user.id, factors))
        if factors.get("code") != "123456":
            raise AppError(INVALID_CREDENTIALS, field="code")

    fresh.register_second_factor(check)
    try:
        user = make_user()
        data = signed_in(client, user.email)
        sid = claims(data["access_token"])["sid"]
        with app.app_context(), pytest.raises(AppError):
            fresh.reauthenticate(user.id, sid, DEFAULT_PASSWORD, {"code": "000000"}, RequestContext())
        with app.app_context():
            pair = fresh.reauthenticate(user.id, sid, DEFAULT_PASSWORD, {"code": "123456"}, RequestContext())
        assert claims(pair["access_token"])["sid"] == claims(data["access_token"])["sid"]
        assert [f for _, f in seen] == [{"code": "000000"}, {"code": "123456"}]
    finally:
        fresh._second_factors.remove(check)


@pytest.mark.parametrize("value, ok", [("1", True), ("86400", True), ("0", False), ("86401", False), ("x", False)])
def test_reauth_max_age_setting_is_validated(value, ok):
    from config import ConfigError, load_config

    if ok:
        assert load_config({"REAUTH_MAX_AGE_SECONDS": value, "APP_ENV": "testing"})["REAUTH_MAX_AGE_SECONDS"] == int(value)
    else:
        with pytest.raises(ConfigError, match="REAUTH_MAX_AGE_SECONDS"):
            load_config({"REAUTH_MAX_AGE_SECONDS": value, "APP_ENV": "testing"})

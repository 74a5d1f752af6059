"""The account changing while a sign-in, sign-up or password change waits for bcrypt.

These requests hold no database transaction while the hash runs (see
app.security.passwords), so the account they read before hashing may have changed by the
time the hash is done: the password changed or reset, the account deleted or
disabled, the address taken. Each test makes that change over HTTP from
another client, from inside the hash, and checks the request's outcome.
"""

from __future__ import annotations

import threading

import bcrypt
import pytest

from app.security import passwords
from tests.auth_client import emailed_messages, fresh_ip, login, post, register, token_from_link
from tests.helpers import DEFAULT_PASSWORD, unique_email

NEW_PASSWORD = "NewSecurePass456"


@pytest.fixture
def during_hash(monkeypatch):
    """`during_hash(kind, action)`: run `action()` in another thread, to its end,
    right after the first bcrypt `kind` ("check" or "hash") of a request has
    finished, before that request goes on."""
    real = passwords._hashing

    def _arm(kind, action):
        wanted = bcrypt.checkpw if kind == "check" else bcrypt.hashpw
        armed = {"left": 1}
        lock = threading.Lock()

        def hooked(function, *args):
            result = real(function, *args)
            with lock:
                fire = function is wanted and armed["left"] > 0
                if fire:
                    armed["left"] -= 1
            if fire:
                errors = []

                def run():
                    try:
                        action()
                    except BaseException as exc:  # noqa: BLE001 (reported below)
                        errors.append(exc)

                thread = threading.Thread(target=run)
                thread.start()
                thread.join(timeout=30)
                assert not errors, errors
            return result

        monkeypatch.setattr(passwords, "_hashing", hooked)

    return _arm


def _live_sessions(app, user_id) -> int:
    from app.extensions import db
    from app.models import Session, utcnow

    with app.app_context():
        return len(
            db.session.execute(
                db.select(Session.id).where(Session.user_id == user_id, Session.revoked_at.is_(None), Session.expires_at > utcnow())
            ).all()
        )


def test_the_old_password_does_not_sign_in_once_a_concurrent_change_has_committed(app, client, make_user, sign_in, during_hash):
    user = make_user()
    owner = sign_in(user)
    other = app.test_client()

    def change():
        response = other.post(
            "/api/v1/auth/change-password",
            headers=owner,
            environ_base={"REMOTE_ADDR": fresh_ip()},
            json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
        )
        assert response.status_code == 200, response.get_json()

    during_hash("check", change)
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS_001"
    assert _live_sessions(app, user.id) == 1  # only the owner's, which changed the password
    assert login(client, user.email, NEW_PASSWORD).status_code == 200


def test_the_old_password_does_not_outlive_a_concurrent_password_reset(app, client, make_user, during_hash):
    """A reset ends every session: a sign-in with the old password that was
    checked before the reset must not leave a session behind it."""
    user = make_user()
    assert post(client, "/forgot-password", {"email": user.email}, ip=fresh_ip()).status_code == 202
    token = token_from_link(emailed_messages(app, to=user.email, template="reset_password")[-1]["context"]["link"])
    other = app.test_client()

    def reset():
        response = post(other, "/reset-password", {"token": token, "new_password": NEW_PASSWORD}, ip=fresh_ip())
        assert response.status_code == 200, response.get_json()

    during_hash("check", reset)
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 401, response.get_json()
    assert _live_sessions(app, user.id) == 0


def test_a_sign_in_does_not_start_a_session_for_an_account_deleted_meanwhile(app, client, make_user, sign_in, during_hash):
    user = make_user()
    owner = sign_in(user)
    other = app.test_client()

    def delete():
        response = other.delete("/api/v1/users/me", headers=owner, environ_base={"REMOTE_ADDR": fresh_ip()})
        assert response.status_code in (200, 204), response.get_json()

    during_hash("check", delete)
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS_001"
    assert _live_sessions(app, user.id) == 0


def test_a_sign_in_is_403_for_an_account_disabled_meanwhile(app, client, make_user, sign_in, during_hash):
    user = make_user()
    admin_headers = sign_in(make_user(is_admin=True))
    other = app.test_client()

    def disable():
        response = other.patch(
            f"/api/v1/users/{user.id}", headers=admin_headers, json={"is_active": False}, environ_base={"REMOTE_ADDR": fresh_ip()}
        )
        assert response.status_code == 200, response.get_json()

    during_hash("check", disable)
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 403, response.get_json()
    assert _live_sessions(app, user.id) == 0


def test_sign_up_is_409_when_the_address_is_taken_while_hashing(app, client, during_hash):
    email = unique_email()
    other = app.test_client()

    def first():
        assert register(other, email=email).status_code == 201

    during_hash("hash", first)
    response = register(client, email=email)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "AUTH_EMAIL_EXISTS_003"


def test_change_password_is_refused_when_the_password_changed_meanwhile(app, client, make_user, sign_in, during_hash):
    user = make_user()
    mine = sign_in(user)
    theirs = sign_in(user)
    other = app.test_client()

    def change_elsewhere():
        response = other.post(
            "/api/v1/auth/change-password",
            headers=theirs,
            environ_base={"REMOTE_ADDR": fresh_ip()},
            json={"current_password": DEFAULT_PASSWORD, "new_password": "ElsewherePass789"},
        )
        assert response.status_code == 200, response.get_json()

    during_hash("check", change_elsewhere)
    response = client.post(
        "/api/v1/auth/change-password",
        headers=mine,
        environ_base={"REMOTE_ADDR": fresh_ip()},
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code in (400, 401), response.get_json()
    assert login(client, user.email, "ElsewherePass789").status_code == 200


def test_change_password_is_refused_for_an_account_deleted_meanwhile(app, client, make_user, sign_in, during_hash):
    user = make_user()
    mine = sign_in(user)
    theirs = sign_in(user)
    other = app.test_client()

    def delete():
        response = other.delete("/api/v1/users/me", headers=theirs, environ_base={"REMOTE_ADDR": fresh_ip()})
        assert response.status_code in (200, 204), response.get_json()

    during_hash("check", delete)
    response = client.post(
        "/api/v1/auth/change-password",
        headers=mine,
        environ_base={"REMOTE_ADDR": fresh_ip()},
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
    assert not emailed_messages(app, to=user.email, template="password_changed")


def test_change_password_is_refused_from_a_session_revoked_meanwhile(app, client, make_user, sign_in, during_hash):
    """The owner ending a session (say, a stranger's who knows the password) while
    that session's password change is hashing: the change must not go through
    and sign the owner out everywhere."""
    user = make_user()
    strangers = sign_in(user)
    strangers_session = sign_in.last["session_id"]
    owners = sign_in(user)
    other = app.test_client()

    def revoke():
        response = other.delete(f"/api/v1/auth/sessions/{strangers_session}", headers=owners, environ_base={"REMOTE_ADDR": fresh_ip()})
        assert response.status_code in (200, 204), response.get_json()

    during_hash("check", revoke)
    response = client.post(
        "/api/v1/auth/change-password",
        headers=strangers,
        environ_base={"REMOTE_ADDR": fresh_ip()},
        json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 401, response.get_json()
    assert response.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
    assert client.get("/api/v1/users/me", headers=owners).status_code == 200
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200


def test_a_password_change_committed_after_the_sign_in_read_the_account_still_wins(app, client, make_user, sign_in, monkeypatch):
    """The change lands after the sign-in has read the account again but before
    it records the success: the sign-in's own UPDATE must notice."""
    from app.auth import lockout

    user = make_user()
    owner = sign_in(user)
    other = app.test_client()
    real = lockout.is_locked
    armed = {"left": 1}

    def change_then_look(account, now):
        if armed["left"]:
            armed["left"] = 0
            thread = threading.Thread(
                target=lambda: other.post(
                    "/api/v1/auth/change-password",
                    headers=owner,
                    environ_base={"REMOTE_ADDR": fresh_ip()},
                    json={"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD},
                )
            )
            thread.start()
            thread.join(timeout=30)
        return real(account, now)

    monkeypatch.setattr(lockout, "is_locked", change_then_look)
    response = login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 401, response.get_json()
    assert _live_sessions(app, user.id) == 1
    assert login(client, user.email, NEW_PASSWORD).status_code == 200

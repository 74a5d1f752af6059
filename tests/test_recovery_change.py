"""POST /api/v1/auth/change-password: the current password is required (a
wrong one is a 400 that counts toward the lockout); the other sessions end,
this one stays; the "password changed" email exists iff the change committed."""

import pytest

from app import audit
from tests.auth_client import audit_events, bearer, emailed_messages, get_user, login, refresh, signed_in
from tests.helpers import DEFAULT_PASSWORD
from tests.recovery_steps import call, change, commit_fails_for, forgot, me, reset_token, reset_tokens

NEW = "NewSecret456"


def _incorrect(response):
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("AUTH_PASSWORD_INCORRECT_025", "current_password")


def test_change_keeps_this_session_and_ends_the_others(app, client, make_user):
    user = make_user(full_name="Ada Lovelace")
    this, other = signed_in(client, user.email), signed_in(client, user.email)
    response = change(client, bearer(this["access_token"]), DEFAULT_PASSWORD, NEW)
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "success",
        "message": "Your password has been changed. Your other sessions have been signed out.",
    }

    assert me(client, this["access_token"]).status_code == 200
    assert refresh(client, this["refresh_token"]).status_code == 200
    refused = me(client, other["access_token"])
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
    assert refresh(client, other["refresh_token"]).status_code == 401

    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 401
    assert login(client, user.email, NEW).status_code == 200
    assert emailed_messages(app, template="password_changed") == [
        {"to": user.email, "template": "password_changed", "context": {"full_name": "Ada Lovelace"}}
    ]
    [event] = audit_events(app, audit.PASSWORD_CHANGED)
    assert (event.user_id, event.outcome, event.details) == (user.id, "success", {"sessions_ended": 1})


def test_the_same_password_again_is_accepted_and_still_ends_other_sessions(client, make_user):
    user = make_user()
    this, other = signed_in(client, user.email), signed_in(client, user.email)
    assert change(client, bearer(this["access_token"]), DEFAULT_PASSWORD, DEFAULT_PASSWORD).status_code == 200
    assert me(client, other["access_token"]).status_code == 401
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200


def test_a_wrong_current_password_is_400_changes_nothing_and_sends_nothing(app, client, make_user):
    user = make_user()
    this, other = signed_in(client, user.email), signed_in(client, user.email)
    _incorrect(change(client, bearer(this["access_token"]), "WrongPass123", NEW))
    assert me(client, other["access_token"]).status_code == 200
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200
    assert emailed_messages(app, template="password_changed") == []
    [event] = audit_events(app, audit.PASSWORD_CHANGED)
    assert (event.outcome, event.details) == ("failure", {"reason": "wrong_current_password", "failures": 1})


def test_wrong_current_passwords_count_toward_the_lockout(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    for _ in range(5):
        assert login(client, user.email, "WrongPass123").status_code == 401
    for _ in range(4):
        _incorrect(change(client, headers, "WrongPass123", NEW))
    assert get_user(app, user.id).failed_login_count == 9
    _incorrect(change(client, headers, "WrongPass123", NEW))  # the tenth failure locks
    assert get_user(app, user.id).locked_until is not None

    for current in ("WrongPass123", DEFAULT_PASSWORD):  # even the right password, from an unknown client
        response = change(client, headers, current, NEW)
        assert response.status_code == 429
        assert response.get_json()["error"]["code"] == "AUTH_ACCOUNT_LOCKED_022"
        assert 0 < int(response.headers["Retry-After"]) <= app.config["LOCKOUT_SECONDS"]
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 429  # sign-in is locked as well
    assert emailed_messages(app, template="password_changed") == []
    assert get_user(app, user.id).failed_login_count == 10  # attempts during the lock are not counted


def test_a_known_client_passes_the_lock_as_at_sign_in(app, client, make_user):
    user = make_user()
    home = "198.51.100.80"
    session = signed_in_from(client, user.email, home)
    for _ in range(10):
        assert login(client, user.email, "WrongPass123").status_code == 401  # a stranger, elsewhere
    response = call(
        client,
        "/change-password",
        {"current_password": DEFAULT_PASSWORD, "new_password": NEW},
        ip=home,
        headers=bearer(session["access_token"]),
    )
    assert response.status_code == 200
    assert get_user(app, user.id).locked_until is not None  # the lock still holds for the stranger


def signed_in_from(client, email, ip):
    response = login(client, email, DEFAULT_PASSWORD, ip=ip)
    assert response.status_code == 200
    return response.get_json()["data"]


def test_a_successful_change_clears_the_failure_count(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    for _ in range(3):
        _incorrect(change(client, headers, "WrongPass123", NEW))
    assert change(client, headers, DEFAULT_PASSWORD, NEW).status_code == 200
    assert get_user(app, user.id).failed_login_count == 0


@pytest.mark.parametrize(
    ("password", "problem"),
    [("Short1A", "8 to 128"), ("alllowercase1", "uppercase"), ("NoDigitsHere", "digit"), ("A1" + "a" * 127, "8 to 128"), ("", "8 to 128")],
    ids=["too-short", "no-uppercase", "no-digit", "too-long", "empty"],
)
def test_a_weak_new_password_is_400_and_nothing_changes(app, client, make_user, sign_in, password, problem):
    user = make_user()
    headers = sign_in(user)
    response = change(client, headers, DEFAULT_PASSWORD, password)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("REQUEST_VALIDATION_FAILED_004", "new_password")
    assert any(problem in d["message"] for d in error["details"])
    assert get_user(app, user.id).failed_login_count == 0  # not a password guess
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "body",
    # (no current_password at all is how an account without a password sets its first one:
    # tests/test_oidc_linking.py; an account with one gets 400 AUTH_PASSWORD_INCORRECT_025)
    [
        {},
        {"current_password": DEFAULT_PASSWORD},
        {"current_password": "", "new_password": NEW},
        {"current_password": DEFAULT_PASSWORD, "new_password": NEW, "extra": 1},
    ],
    ids=["empty", "no-new", "empty-current", "unknown-field"],
)
def test_a_malformed_change_request_is_400(client, make_user, sign_in, body):
    response = call(client, "/change-password", body, headers=sign_in(make_user()))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "REQUEST_VALIDATION_FAILED_004"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}], ids=["no-token", "bad-token"])
def test_change_password_needs_a_valid_bearer_token(client, headers):
    response = call(client, "/change-password", {"current_password": DEFAULT_PASSWORD, "new_password": NEW}, headers=headers)
    assert response.status_code == 401


def test_a_changed_password_voids_unused_reset_links(app, client, make_user, sign_in):
    user = make_user()
    forgot(client, user.email)
    token = reset_token(app, user.email)
    assert change(client, sign_in(user), DEFAULT_PASSWORD, NEW).status_code == 200
    assert reset_tokens(app, user.id)[0].used_at is not None
    response = call(client, "/reset-password", {"token": token, "new_password": "OtherSecret789"})
    assert response.get_json()["error"]["code"] == "AUTH_RESET_TOKEN_INVALID_024"


def test_nothing_is_queued_and_nothing_changes_when_the_commit_fails(app, client, make_user):
    user = make_user()
    this, other = signed_in(client, user.email), signed_in(client, user.email)
    with commit_fails_for(app, user.id):
        response = change(client, bearer(this["access_token"]), DEFAULT_PASSWORD, NEW)
    assert response.status_code == 500
    assert emailed_messages(app, template="password_changed") == []
    assert me(client, other["access_token"]).status_code == 200
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200

"""POST /api/v1/auth/reset-password: the emailed token works once, within the
hour, for a live account; it sets the new password, ends every session,
lifts a lockout, and the "password changed" email exists iff it committed."""

import threading
from datetime import timedelta

import pytest

from app import audit
from tests.auth_client import (
    audit_events,
    emailed_messages,
    get_user,
    login,
    refresh,
    register,
    set_user,
    signed_in,
    verification_token,
)
from tests.helpers import DEFAULT_PASSWORD, unique_email
from tests.recovery_steps import (
    ME,
    age_reset_tokens,
    call,
    commit_fails_for,
    forgot,
    me,
    reset,
    reset_token,
    reset_tokens,
)

NEW = "NewSecret456"


def _link_for(app, client, user) -> str:
    assert forgot(client, user.email).status_code == 202
    return reset_token(app, user.email)


def _invalid(response):
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("AUTH_RESET_TOKEN_INVALID_024", "token")


def test_reset_sets_the_new_password_and_ends_every_session(app, client, make_user):
    user = make_user(full_name="Ada Lovelace")
    first, second = signed_in(client, user.email), signed_in(client, user.email)
    assert me(client, first["access_token"]).status_code == 200
    token = _link_for(app, client, user)

    response = reset(client, token, NEW)
    assert response.status_code == 200
    assert response.get_json() == {"status": "success", "message": "Your password has been reset. Sign in with the new password."}
    for session in (first, second):
        refused = me(client, session["access_token"])
        assert refused.status_code == 401
        assert refused.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
        refreshed = refresh(client, session["refresh_token"])
        assert refreshed.status_code == 401
        assert refreshed.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 401
    assert login(client, user.email, NEW).status_code == 200

    notices = emailed_messages(app, template="password_changed")
    assert notices == [{"to": user.email, "template": "password_changed", "context": {"full_name": "Ada Lovelace"}}]
    [event] = audit_events(app, audit.PASSWORD_RESET)
    assert (event.user_id, event.outcome, event.details) == (user.id, "success", {"sessions_ended": 2})


def test_a_reset_token_works_once(app, client, make_user):
    user = make_user()
    token = _link_for(app, client, user)
    assert reset(client, token, NEW).status_code == 200
    _invalid(reset(client, token, "OtherSecret789"))
    assert login(client, user.email, NEW).status_code == 200
    assert len(emailed_messages(app, template="password_changed")) == 1


def test_concurrent_uses_of_one_token_let_exactly_one_through(app, make_user):
    user = make_user()
    token = _link_for(app, app.test_client(), user)
    barrier = threading.Barrier(4)
    results = {}

    def use(i):
        worker = app.test_client()
        barrier.wait()
        results[i] = reset(worker, token, f"Parallel{i}Secret").status_code

    threads = [threading.Thread(target=use, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results.values()) == [200, 400, 400, 400]
    [winner] = [i for i, status in results.items() if status == 200]
    assert login(app.test_client(), user.email, f"Parallel{winner}Secret").status_code == 200
    assert len(emailed_messages(app, template="password_changed")) == 1


def test_an_expired_token_is_refused_and_changes_nothing(app, client, make_user):
    user = make_user()
    token = _link_for(app, client, user)
    age_reset_tokens(app, user.id, timedelta(hours=1, seconds=1))  # time passes: the hour is over
    _invalid(reset(client, token, NEW))
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200
    assert emailed_messages(app, template="password_changed") == []


def test_a_token_just_inside_its_hour_still_works(app, client, make_user):
    user = make_user()
    token = _link_for(app, client, user)
    age_reset_tokens(app, user.id, timedelta(minutes=59))
    assert reset(client, token, NEW).status_code == 200


@pytest.mark.parametrize("kind", ["garbage", "tampered", "verification-token", "superseded"])
def test_a_token_that_is_not_a_live_reset_link_is_refused(app, client, make_user, kind):
    user = make_user()
    token = _link_for(app, client, user)
    if kind == "garbage":
        presented = "A" * 43
    elif kind == "tampered":
        presented = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif kind == "verification-token":
        email = unique_email()
        assert register(client, email).status_code == 201
        presented = verification_token(app, email)
    else:
        age_reset_tokens(app, user.id, timedelta(minutes=2))
        forgot(client, user.email)
        presented = token
    _invalid(reset(client, presented, NEW))
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("password", "problem"),
    [("Short1A", "8 to 128"), ("alllowercase1", "uppercase"), ("NoDigitsHere", "digit"), ("A1" + "a" * 127, "8 to 128"), ("", "8 to 128")],
    ids=["too-short", "no-uppercase", "no-digit", "too-long", "empty"],
)
def test_a_weak_new_password_is_400_and_the_link_stays_usable(app, client, make_user, password, problem):
    user = make_user()
    token = _link_for(app, client, user)
    response = reset(client, token, password)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("REQUEST_VALIDATION_FAILED_004", "new_password")
    assert any(problem in d["message"] for d in error["details"])
    assert reset_tokens(app, user.id)[0].used_at is None
    assert reset(client, token, NEW).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"token": "x"},
        {"new_password": NEW},
        {"token": "", "new_password": NEW},
        {"token": "x" * 513, "new_password": NEW},
        {"token": "x", "new_password": NEW, "extra": 1},
    ],
    ids=["empty", "no-password", "no-token", "empty-token", "long-token", "unknown-field"],
)
def test_a_malformed_reset_request_is_400(client, body):
    response = call(client, "/reset-password", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "REQUEST_VALIDATION_FAILED_004"


def test_reset_lifts_a_login_lockout(app, client, make_user):
    user = make_user()
    for _ in range(10):
        assert login(client, user.email, "WrongPass123").status_code == 401
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 429
    assert reset(client, _link_for(app, client, user), NEW).status_code == 200
    restored = get_user(app, user.id)
    assert (restored.locked_until, restored.failed_login_count) == (None, 0)
    assert login(client, user.email, NEW).status_code == 200


def test_reset_confirms_the_email_address(app, client, make_user):
    user = make_user(is_verified=False)
    assert reset(client, _link_for(app, client, user), NEW).status_code == 200
    assert get_user(app, user.id).is_verified is True
    [event] = audit_events(app, audit.VERIFIED)
    assert event.details == {"by": "password_reset"}


def test_reset_voids_the_accounts_other_links(app, client, make_user):
    from app.extensions import db
    from app.models import UserToken, utcnow
    from app.security.tokens import new_token

    user = make_user()
    token = _link_for(app, client, user)
    # Another live link of the account (say, issued by an older release that kept several).
    other, other_hash = new_token()
    with app.app_context():
        db.session.add(
            UserToken(
                user_id=user.id,
                purpose=UserToken.PURPOSE_RESET_PASSWORD,
                token_hash=other_hash,
                new_email=user.email,
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
        db.session.commit()
    assert reset(client, token, NEW).status_code == 200
    _invalid(reset(client, other, "OtherSecret789"))


def test_a_disabled_accounts_link_is_refused_and_spent(app, client, make_user):
    user = make_user()
    token = _link_for(app, client, user)
    set_user(app, user.id, is_active=False)
    _invalid(reset(client, token, NEW))
    set_user(app, user.id, is_active=True)  # re-enabled: the link must not come back to life
    _invalid(reset(client, token, NEW))
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200
    assert [e.details for e in audit_events(app, audit.PASSWORD_RESET)] == [{"reason": "account_disabled"}]


def test_a_deleted_accounts_link_is_refused(app, client, make_user, sign_in):
    user = make_user()
    token = _link_for(app, client, user)
    assert client.delete(ME, headers=sign_in(user)).status_code == 200
    _invalid(reset(client, token, NEW))


def test_a_link_dies_when_the_account_moves_to_another_email(app, client, make_user, sign_in):
    user = make_user()
    token = _link_for(app, client, user)
    headers = sign_in(user)
    assert client.patch(ME, json={"email": "moved@example.com"}, headers=headers).status_code == 200
    [confirm] = emailed_messages(app, template="change_email_confirm")
    from tests.auth_client import token_from_link

    assert client.post("/api/v1/auth/verify-email", json={"token": token_from_link(confirm["context"]["link"])}).status_code == 200
    # The old mailbox no longer speaks for the account.
    _invalid(reset(client, token, NEW))
    assert login(client, "moved@example.com", DEFAULT_PASSWORD).status_code == 200


# ------------------------------------------------------- email and commit


def test_nothing_is_queued_and_nothing_changes_when_the_commit_fails(app, client, make_user, redis_conn):
    user = make_user()
    session = signed_in(client, user.email)
    token = _link_for(app, client, user)
    jobs_before = set(redis_conn.keys("rq:job:*"))
    with commit_fails_for(app, user.id):
        response = reset(client, token, NEW)
    assert response.status_code == 500
    assert emailed_messages(app, template="password_changed") == []
    assert set(redis_conn.keys("rq:job:*")) == jobs_before  # no job for a message that never existed
    assert me(client, session["access_token"]).status_code == 200
    assert login(client, user.email, DEFAULT_PASSWORD).status_code == 200
    # The link was not spent by the failed attempt.
    assert reset(client, token, NEW).status_code == 200


def test_the_notice_is_enqueued_after_the_commit(app, client, make_user, redis_conn):
    from app.extensions import db
    from app.models import OutboxMessage

    user = make_user()
    assert reset(client, _link_for(app, client, user), NEW).status_code == 200
    with app.app_context():
        [notice] = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.payload["template"].as_string() == "password_changed"))
        assert notice.status == OutboxMessage.STATUS_PENDING
        assert redis_conn.exists(f"rq:job:outbox-{notice.id}")


def test_reset_password_is_limited_per_ip(app, client):
    for _ in range(10):
        _invalid(reset(client, "A" * 43, NEW, ip="192.0.2.60"))
    response = reset(client, "A" * 43, NEW, ip="192.0.2.60")
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "REQUEST_RATE_LIMITED_010"
    assert 0 < int(response.headers["Retry-After"]) <= 60
    _invalid(reset(client, "A" * 43, NEW, ip="192.0.2.61"))

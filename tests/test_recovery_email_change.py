"""The email-change rules of the recovery issue that tests/test_users_email_change.py
does not already pin: sign-in and password recovery keep following the old
address until the new one is confirmed, and a change whose commit fails
queues neither email."""

from datetime import timedelta

from sqlalchemy import select

from tests.auth_client import emailed_messages, login, token_from_link
from tests.recovery_steps import ME, age_reset_tokens, commit_fails_for, forgot, reset_links

VERIFY = "/api/v1/auth/verify-email"


def _confirm_link(app, to):
    [message] = emailed_messages(app, to=to, template="change_email_confirm")
    return token_from_link(message["context"]["link"])


def test_sign_in_and_recovery_follow_the_old_email_until_the_new_one_is_confirmed(app, client, make_user, sign_in):
    user = make_user(email="first@example.com")
    assert client.patch(ME, json={"email": "second@example.com"}, headers=sign_in(user)).status_code == 200

    assert login(client, "first@example.com").status_code == 200
    assert login(client, "second@example.com").status_code == 401
    forgot(client, "second@example.com")
    assert reset_links(app) == []  # the pending address does not speak for the account yet
    age_reset_tokens(app, user.id, timedelta(minutes=2))  # the notice's reset link was the last minute's
    forgot(client, "first@example.com")
    assert len(reset_links(app, "first@example.com")) == 1

    assert client.post(VERIFY, json={"token": _confirm_link(app, "second@example.com")}).status_code == 200
    assert login(client, "second@example.com").status_code == 200
    assert login(client, "first@example.com").status_code == 401
    age_reset_tokens(app, user.id, timedelta(minutes=2))  # past the one-link-a-minute rule
    forgot(client, "first@example.com")
    forgot(client, "second@example.com")
    assert len(reset_links(app, "first@example.com")) == 1
    assert len(reset_links(app, "second@example.com")) == 1


def test_a_change_whose_commit_fails_queues_neither_the_link_nor_the_notice(app, client, make_user, sign_in):
    from app.extensions import db
    from app.models import UserToken

    user = make_user(email="stays@example.com")
    headers = sign_in(user)
    with commit_fails_for(app, user.id, table="user_tokens", column="user_id"):
        response = client.patch(ME, json={"email": "never@example.com"}, headers=headers)
    assert response.status_code == 500
    assert emailed_messages(app) == []
    with app.app_context():
        assert db.session.scalars(select(UserToken).where(UserToken.user_id == user.id)).all() == []
    assert client.get(ME, headers=headers).get_json()["data"]["email"] == "stays@example.com"

"""HTTP steps and database looks shared by the recovery tests
(forgot / reset / change password)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, text

from tests.auth_client import bearer, emailed_messages, fresh_ip, post, token_from_link

ME = "/api/v1/users/me"


def call(client, path, body, ip=None, headers=None):
    """POST to the auth blueprint from `ip` (a fresh address by default)."""
    return post(client, path, body, ip=ip or fresh_ip(), headers=headers)


def forgot(client, email, ip=None):
    return post(client, "/forgot-password", {"email": email}, ip=ip or fresh_ip())


def reset(client, token, new_password="NewSecret456", ip=None):
    return post(client, "/reset-password", {"token": token, "new_password": new_password}, ip=ip or fresh_ip())


def change(client, headers, current, new="NewSecret456"):
    return call(client, "/change-password", {"current_password": current, "new_password": new}, headers=headers)


def me(client, access_token):
    return client.get(ME, headers=bearer(access_token))


def reset_links(app, to=None) -> list[str]:
    """The links of the reset emails in the outbox (to `to`), oldest first."""
    return [m["context"]["link"] for m in emailed_messages(app, to=to, template="reset_password")]


def reset_token(app, to) -> str:
    """The token of the latest reset email to `to`."""
    links = reset_links(app, to)
    assert links, f"no reset email to {to}"
    return token_from_link(links[-1])


def reset_tokens(app, user_id) -> list:
    """The user's reset-password token rows, oldest first (detached)."""
    from app.extensions import db
    from app.models import UserToken

    with app.app_context():
        rows = list(
            db.session.scalars(
                select(UserToken)
                .where(UserToken.user_id == user_id, UserToken.purpose == UserToken.PURPOSE_RESET_PASSWORD)
                .order_by(UserToken.created_at)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def age_reset_tokens(app, user_id, by: timedelta) -> None:
    """Move the user's reset tokens `by` into the past (created and expiring earlier): time passes, no sleep."""
    from app.extensions import db
    from app.models import UserToken

    with app.app_context():
        for row in db.session.scalars(select(UserToken).where(UserToken.user_id == user_id)):
            row.created_at -= by
            row.expires_at -= by
        db.session.commit()


@contextmanager
def commit_fails_for(app, user_id, table="users", column="id"):
    """A real PostgreSQL fault: a deferred constraint trigger that makes any
    transaction that wrote a row of `table` whose `column` is this user's id
    fail at COMMIT (after every statement of the request succeeded)."""
    from app.extensions import db

    with app.app_context():
        db.session.execute(
            text(f"""
            CREATE OR REPLACE FUNCTION gatehouse_test_fail_commit() RETURNS trigger AS $$
            BEGIN
                IF NEW.{column} = '{user_id}'::uuid THEN RAISE EXCEPTION 'injected commit failure'; END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql;
            CREATE CONSTRAINT TRIGGER gatehouse_test_fail_commit AFTER INSERT OR UPDATE ON {table}
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION gatehouse_test_fail_commit();
        """)
        )
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            db.session.execute(text(f"DROP TRIGGER gatehouse_test_fail_commit ON {table};DROP FUNCTION gatehouse_test_fail_commit();"))
            db.session.commit()

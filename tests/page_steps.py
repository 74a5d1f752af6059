"""Steps shared by the page tests: open an emailed link's page, read its form,
post it back, and stage links in any state."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from tests.auth_client import fresh_ip

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def open_page(client, path, ip=None, headers=None):
    return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": ip or fresh_ip()})


def csrf_token(response) -> str:
    found = _CSRF.search(response.get_data(as_text=True))
    assert found, "the page has no form with a CSRF token"
    return unescape(found.group(1))


def submit(client, path, fields, page=None, ip=None, headers=None):
    """POST `fields` to `path` with the CSRF token of `page` (the GET's response)."""
    data = dict(fields)
    if page is not None:
        data.setdefault("csrf_token", csrf_token(page))
    return client.post(path, data=data, headers=headers, environ_base={"REMOTE_ADDR": ip or fresh_ip()})


def text_of(response) -> str:
    """The page's text without tags (whitespace collapsed), to look for sentences."""
    html = response.get_data(as_text=True)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def make_link(app, user, purpose, *, used=False, expired=False, new_email=None) -> str:
    """A link token of `purpose` for `user`, stored as a service stores one; returns the plain token."""
    from app.extensions import db
    from app.models import UserToken, utcnow
    from app.security.tokens import new_token

    token, token_hash = new_token()
    now = utcnow()
    with app.app_context():
        if purpose == UserToken.PURPOSE_RESET_PASSWORD and new_email is None:
            new_email = user.email
        db.session.add(
            UserToken(
                user_id=user.id,
                purpose=purpose,
                token_hash=token_hash,
                new_email=new_email,
                created_at=now - timedelta(hours=30 if expired else 0),
                expires_at=now - timedelta(hours=1) if expired else now + timedelta(hours=1),
                used_at=now if used else None,
            )
        )
        db.session.commit()
    return token


def token_row(app, token):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import UserToken
    from app.security.tokens import hash_token

    with app.app_context():
        row = db.session.scalars(select(UserToken).where(UserToken.token_hash == hash_token(token))).one()
        db.session.expunge(row)
        return row


def user_row(app, user_id):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user

"""HTTP steps shared by the auth tests (register, read the emailed link, log in).

Each call can come from its own client IP (`ip=`), so that tests that make
many requests exercise the rule under test, not the per-IP rate limits.
"""

from __future__ import annotations

import itertools
from urllib.parse import parse_qs, urlsplit

from tests.helpers import DEFAULT_PASSWORD, unique_email

API = "/api/v1/auth"
_ips = itertools.count(1)


def fresh_ip() -> str:
    """A client address no other request in this run has used."""
    n = next(_ips)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def post(client, path, body=None, ip=None, headers=None):
    environ = {"REMOTE_ADDR": ip} if ip else None
    return client.post(API + path, json=body, headers=headers, environ_base=environ)


def register(client, email=None, password=DEFAULT_PASSWORD, full_name="Ada Lovelace", ip=None, **extra):
    body = {"email": email or unique_email(), "password": password, "full_name": full_name, "terms_accepted": True}
    body.update(extra)
    return post(client, "/register", body, ip=ip or fresh_ip())


def login(client, email, password=DEFAULT_PASSWORD, ip=None):
    return post(client, "/login", {"email": email, "password": password}, ip=ip or fresh_ip())


def refresh(client, token, ip=None):
    return post(client, "/refresh", {"refresh_token": token}, ip=ip or fresh_ip())


def bearer(access_token: str) -> dict:
    return {"Authorization": f"Bearer {access_token}"}


def signed_in(client, email, password=DEFAULT_PASSWORD) -> dict:
    """Log in over HTTP; returns the login data (tokens, user)."""
    response = login(client, email, password)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def emailed_messages(app, to=None, template=None) -> list[dict]:
    """Payloads of the outbox emails, oldest first."""
    from app.extensions import db
    from app.models import OutboxMessage

    with app.app_context():
        rows = db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.kind == "email").order_by(OutboxMessage.created_at)
        ).scalars()
        payloads = [r.payload for r in rows]
    return [p for p in payloads if (to is None or p["to"] == to) and (template is None or p["template"] == template)]


def token_from_link(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def verification_token(app, email) -> str:
    """The token of the latest verification email sent to `email`."""
    messages = emailed_messages(app, to=email, template="verify_email")
    assert messages, f"no verification email to {email}"
    return token_from_link(messages[-1]["context"]["link"])


def audit_events(app, event_type=None) -> list:
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        query = db.select(AuditEvent).order_by(AuditEvent.created_at)
        if event_type:
            query = query.where(AuditEvent.event_type == event_type)
        events = list(db.session.execute(query).scalars())
        for event in events:
            db.session.expunge(event)
    return events


def get_user(app, user_id):
    """The user's row as it is in the database now (detached)."""
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def set_user(app, user_id, **values):
    """Write columns of the user's row directly (a state the API cannot reach quickly)."""
    from app.extensions import db
    from app.models import User

    with app.app_context():
        db.session.execute(db.update(User).where(User.id == user_id).values(**values))
        db.session.commit()

"""Sessions: starting one, and ending them so that their tokens stop at once.

Ending a session is a database update in the caller's transaction; right
after the commit the session's cache entry is overwritten with "revoked"
(see `app.security`), so the very next request with its access token is
refused. Nothing here commits.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import event, update
from sqlalchemy.orm import Session as OrmSession

from app.extensions import client_ip, db
from app.models import RefreshToken, Session, User, utcnow
from app.security import mark_sessions_revoked, new_token

_REVOKED_KEY = "gatehouse_revoked_sessions"


def start_session(user: User) -> tuple[Session, str]:
    """A new session for `user` and its first refresh token (plain, for the client)."""
    now = utcnow()
    expires_at = now + timedelta(hours=current_app.config["SESSION_TTL_HOURS"])
    session = Session(user_id=user.id, created_at=now, last_used_at=now, expires_at=expires_at)
    if has_request_context():
        session.ip = client_ip()[:45]
        session.user_agent = (request.user_agent.string or "")[:512] or None
    db.session.add(session)
    db.session.flush()
    token, token_hash = new_token()
    db.session.add(RefreshToken(session_id=session.id, token_hash=token_hash, expires_at=expires_at))
    return session, token


def end_sessions(*conditions, reason: str) -> list:
    """Revoke the live sessions matching `conditions`; returns their ids."""
    ids = list(
        db.session.execute(
            update(Session)
            .where(Session.revoked_at.is_(None), *conditions)
            .values(revoked_at=utcnow(), revoked_reason=reason)
            .returning(Session.id)
            .execution_options(synchronize_session=False)
        ).scalars()
    )
    db.session.info.setdefault(_REVOKED_KEY, []).extend(ids)
    return ids


def end_user_sessions(user_id, reason: str, keep=None) -> list:
    """Revoke every live session of `user_id`, except `keep` if given."""
    conditions = [Session.user_id == user_id]
    if keep is not None:
        conditions.append(Session.id != keep)
    return end_sessions(*conditions, reason=reason)


@event.listens_for(OrmSession, "after_commit")
def _publish_revocations(session):
    ids = session.info.pop(_REVOKED_KEY, None)
    if ids:
        mark_sessions_revoked(ids)


@event.listens_for(OrmSession, "after_rollback")
def _drop_revocations(session):
    session.info.pop(_REVOKED_KEY, None)

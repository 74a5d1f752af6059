"""Sessions: starting one, and ending them so that their tokens stop at once.

Ending a session is a database update in the caller's transaction; right
before the commit the session's cache entry is overwritten with "revoked"
(see `app.security.session_cache`), so the very next request with its access token is
refused. When Redis refuses that write the commit does not happen (503).
Nothing here commits.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from app.commit_hooks import BeforeCommit
from app.context import RequestContext
from app.extensions import db
from app.models import RefreshToken, Session, User, utcnow
from app.security.session_cache import forget_sessions, mark_sessions_revoked
from app.security.tokens import hash_token, new_token

# Revocations reach the session cache just before the commit, so that a revocation
# Redis refuses is a 503 that commits nothing (docs/architecture.md §3, docs/security.md §2).
_revocations = BeforeCommit("revoked_sessions", mark_sessions_revoked, undo=forget_sessions)


def start_session(user: User, ctx: RequestContext, *, aal: int = 1, amr=("pwd",)) -> tuple[Session, str]:
    """A new session for `user` from the client of `ctx`, and its first refresh token (plain, for the client).

    Sign-ins start theirs through app.auth.signin, which sets the assurance
    level `aal` and the methods `amr` (docs/mfa.md).
    """
    now = utcnow()
    expires_at = now + timedelta(hours=current_app.config["SESSION_TTL_HOURS"])
    # Starting a session is a sign-in: the user has just proved who they are (see app.auth.fresh).
    session = Session(
        user_id=user.id, created_at=now, last_used_at=now, authenticated_at=now, expires_at=expires_at, aal=aal, amr=" ".join(amr)
    )
    if ctx.ip is not None:
        session.ip = ctx.ip[:45]
        session.user_agent = (ctx.user_agent or "")[:512] or None
    db.session.add(session)
    db.session.flush()
    token, token_hash = new_token()
    db.session.add(RefreshToken(session_id=session.id, token_hash=token_hash, expires_at=expires_at))
    return session, token


def derive_child_token(presented: str) -> str:
    """The refresh token that rotating `presented` yields: HMAC(JWT key, presented).

    Deterministic, so that a concurrent duplicate refresh within the grace
    window can be answered with the same new token while only its hash is
    stored; unpredictable without the key, because `presented` is random.
    """
    key = current_app.config["JWT_SECRET_KEY"].encode("utf-8")
    digest = hmac.new(key, b"refresh:" + presented.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def consume_refresh_token(token_hash: str, now) -> RefreshToken | None:
    """Mark the unused, unexpired refresh token `token_hash` used; None if there is none.

    One conditional UPDATE: of two concurrent uses exactly one gets the row
    (the other waits for the row lock, then finds `used_at` set).
    """
    row = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == token_hash, RefreshToken.used_at.is_(None), RefreshToken.expires_at > now)
        .values(used_at=now)
        .returning(RefreshToken.id)
        .execution_options(synchronize_session=False)
    ).first()
    return db.session.get(RefreshToken, row.id, populate_existing=True) if row else None


def find_refresh_token(token_hash: str, session_id=None) -> RefreshToken | None:
    """The refresh token with this hash (used or not), optionally only of `session_id`."""
    query = select(RefreshToken).where(RefreshToken.token_hash == token_hash)
    if session_id is not None:
        query = query.where(RefreshToken.session_id == session_id)
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()


def add_child_token(session: Session, presented: str) -> str:
    """Store the rotation successor of `presented` for `session`; returns it (plain)."""
    child = derive_child_token(presented)
    db.session.add(RefreshToken(session_id=session.id, token_hash=hash_token(child), expires_at=session.expires_at))
    return child


def live_sessions(user_id, now) -> list[Session]:
    """The user's unrevoked, unexpired sessions, most recently used first."""
    return list(
        db.session.execute(
            select(Session)
            .where(Session.user_id == user_id, Session.revoked_at.is_(None), Session.expires_at > now)
            .order_by(Session.last_used_at.desc(), Session.created_at.desc())
        ).scalars()
    )


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
    _revocations.extend(ids)
    return ids


def end_user_sessions(user_id, reason: str, keep=None) -> list:
    """Revoke every live session of `user_id`, except `keep` if given."""
    conditions = [Session.user_id == user_id]
    if keep is not None:
        conditions.append(Session.id != keep)
    return end_sessions(*conditions, reason=reason)

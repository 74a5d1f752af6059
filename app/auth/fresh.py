"""Fresh sessions and re-authentication.

A session is *fresh* for REAUTH_MAX_AGE_SECONDS after the user last proved
who they are on it: a sign-in, a re-authentication (POST /auth/reauthenticate),
and whatever later sign-in steps call `mark_authenticated` (a second factor,
a passkey, an identity provider). That moment is stored on the session row
(`sessions.authenticated_at`), so that a refresh keeps it, and each access
token carries it as `auth_time` (OpenID Connect's claim). The guard reads the
token's claim, not the row: an access token issued before a
re-authentication (perhaps a stolen one) stays stale when its session
becomes fresh again.

Sensitive actions (changing the email, deleting the account, and the MFA,
passkey and identity-link changes) need a fresh session: either the
`@blp.fresh_session_required` guard on the route (app/blueprint.py; it
authenticates too), or `require_fresh_session()` inside an
`@blp.auth_required` route when only some requests need it. Refused: 403 AUTH_REAUTH_REQUIRED_033 with an RFC 9470
`WWW-Authenticate` challenge.

Re-authentication asks for the password and, once a second-factor module has
registered itself (`register_second_factor`), whatever that module demands;
a wrong password counts toward the account lockout as at sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import current_app, g
from sqlalchemy import exists, select, update

from app import audit, errors
from app.auth import signin
from app.context import RequestContext
from app.errors import AppError, fail
from app.extensions import db
from app.models import RefreshToken, Session, User, utcnow
from app.security import access_tokens
from app.security.passwords import connection_released, refuse_when_hashing_is_saturated, verify_password
from app.security.tokens import new_token

# ------------------------------------------------------------------ the guard


def session_is_fresh(claims: dict, now: float | None = None) -> bool:
    """Whether the access token with these (verified) claims was issued within
    REAUTH_MAX_AGE_SECONDS of its user proving who they are."""
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int) or isinstance(auth_time, bool):
        return False
    now = access_tokens._clock() if now is None else now
    return now - auth_time <= current_app.config["REAUTH_MAX_AGE_SECONDS"]


def _reauth_required() -> AppError:
    max_age = current_app.config["REAUTH_MAX_AGE_SECONDS"]
    return AppError(
        errors.REAUTH_REQUIRED, headers={"WWW-Authenticate": f'Bearer error="insufficient_user_authentication", max_age={max_age}'}
    )


def require_fresh_session() -> None:
    """403 AUTH_REAUTH_REQUIRED_033 unless this request's access token is fresh.

    Call it inside an `auth_required` view, before anything changes, when only
    some requests of the route are sensitive (PATCH /users/me with `email`).
    """
    claims = g.get("token_claims")
    if claims is None or not session_is_fresh(claims):
        raise _reauth_required()


# ------------------------------------------- marking a session authenticated


def mark_authenticated(session: Session, now: datetime | None = None) -> None:
    """Record that the user has just proved who they are on `session` (any
    sign-in method); the caller commits. Tokens issued for the session from
    now on (`signin.token_pair`) are fresh."""
    session.authenticated_at = now or utcnow()


def renew_tokens(session: Session) -> dict:
    """A new token pair for `session` (e.g. after `mark_authenticated`); its
    unused refresh tokens are spent, so that the client holds one pair. The
    caller commits."""
    now = utcnow()
    db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.session_id == session.id, RefreshToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    plain, token_hash = new_token()
    db.session.add(RefreshToken(session_id=session.id, token_hash=token_hash, expires_at=session.expires_at))
    return signin.token_pair(session, plain)


# ---------------------------------------------------------- second factors

# A second factor for re-authentication: called with the user (password
# already verified), the request's other fields (e.g. {"code": "123456"}) and
# the request context (for the audit trail and the lockout's client count).
# It returns normally when the user passes it or it does not apply to them,
# and raises an AppError (which the caller's transaction rolls back) to refuse.
SecondFactor = Callable[[User, dict, RequestContext], None]
_second_factors: list[SecondFactor] = []


def register_second_factor(check: SecondFactor) -> SecondFactor:
    """Make `check` part of every re-authentication (usable as a decorator)."""
    if check not in _second_factors:
        _second_factors.append(check)
    return check


# ---------------------------------------------------------- re-authentication


def reauthenticate(user_id, session_id, password: str, factors: dict | None, ctx: RequestContext) -> dict:
    """Prove again who one is on the current session: a new token pair for the
    same session, now fresh.

    A wrong password is 401 AUTH_INVALID_CREDENTIALS_001 and counts toward the
    lockout (429 AUTH_ACCOUNT_LOCKED_022 while the account is locked, known
    clients excepted, as at sign-in). The password is checked at full bcrypt
    cost with no database connection held; the session is then marked only if
    it is still live and the password unchanged.
    """
    refuse_when_hashing_is_saturated()
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None or user.is_deleted or not user.is_active:  # ended since the token was checked
        fail(errors.SESSION_REVOKED)
    known_hash = user.password_hash
    with connection_released():
        password_ok = verify_password(password, known_hash)
    now = utcnow()
    if not password_ok:  # counted toward the lockout as at sign-in (429 while locked)
        signin.count_failure(
            user,
            now,
            ctx,
            event_type=audit.LOGIN_FAILED,
            reason="wrong_password_on_reauthenticate",
            error=errors.INVALID_CREDENTIALS,
            field="password",
        )
    signin.refuse_if_locked(user, now, ctx)  # the right password, but locked: 429 unless a known client
    for check in _second_factors:
        check(user, dict(factors or {}), ctx)

    marked = db.session.execute(
        update(Session)
        .where(
            Session.id == session_id,
            Session.user_id == user_id,
            Session.revoked_at.is_(None),
            Session.expires_at > now,
            exists().where(User.id == user_id, User.password_hash == known_hash, User.deleted_at.is_(None), User.is_active.is_(True)),
        )
        .values(authenticated_at=now, last_used_at=now)
        .returning(Session.id)
        .execution_options(synchronize_session=False)
    ).first()
    if marked is None:  # ended, or the password changed, while the hash was checked
        fail(errors.SESSION_REVOKED)
    session = db.session.get(Session, marked.id, populate_existing=True)
    pair = renew_tokens(session)
    audit.record_event(audit.REAUTHENTICATED, ctx=ctx, user_id=user_id, details={"session_id": str(session_id)})
    db.session.commit()
    return pair


def last_authenticated(session_id) -> datetime | None:
    """When the user last proved who they are on `session_id` (None: no such session)."""
    return db.session.execute(select(Session.authenticated_at).where(Session.id == session_id)).scalar_one_or_none()

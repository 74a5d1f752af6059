"""Sign-up, verification, sign-in, refresh and sessions: the rules, and the only commits.

Every function here is one transaction: it either commits everything it did
(rows, audit events, queued emails) or raises an `AppError` after rolling back,
except that a refusal worth remembering (a failed sign-in, a detected refresh
reuse) commits its record and its effect first. Lock mechanics: app.auth.lockout.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import audit, cache, errors
from app.auth import lockout, sessions, signin, timing
from app.auth.links import void_pending_links
from app.context import RequestContext
from app.email.outbox import queue_email
from app.errors import AppError, fail
from app.extensions import db
from app.i18n import locale_for_user, normalize_accept_language
from app.models import Session, User, UserToken, utcnow
from app.security.passwords import (
    connection_released,
    dummy_password_hash,
    hash_password,
    refuse_when_hashing_is_saturated,
    verify_password,
)
from app.security.tokens import hash_token, new_token
from app.users.service import find_live_user_by_email

# The unique index that keeps one live account per address (models.User).
EMAIL_INDEX = "uq_users_email_live"


def _flush_unless_email_taken() -> None:
    """Flush; 409 AUTH_EMAIL_EXISTS_003 (rolled back) when the unique index
    finds the address taken, as in a race the pre-checks cannot see."""
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        if EMAIL_INDEX in str(exc.orig):
            raise AppError(errors.EMAIL_EXISTS, field="email") from None
        raise


# -------------------------------------------------------------- sign-up


def register_user(email: str, password: str, full_name: str, ctx: RequestContext) -> User:
    """Create an unverified account and queue its verification email (docs/architecture.md §5: through the outbox).

    One transaction: the user, its verification token, the outbox email and
    the audit event are committed together or not at all. A taken address is
    409 AUTH_EMAIL_EXISTS_003 whether the pre-check or, in a race, the unique
    index catches it (docs/architecture.md §1).
    """
    refuse_when_hashing_is_saturated()
    if find_live_user_by_email(email) is not None:
        fail(errors.EMAIL_EXISTS, field="email")
    with connection_released():
        password_hash = hash_password(password)
    user = User(
        id=uuid.uuid4(),
        email=email,
        password_hash=password_hash,
        full_name=full_name,
        accept_language=normalize_accept_language(ctx.accept_language),
    )
    db.session.add(user)
    _flush_unless_email_taken()
    _send_verification(user)
    audit.record_event(audit.REGISTERED, ctx=ctx, user_id=user.id)
    db.session.commit()
    return user


def _send_verification(user: User) -> None:
    config = current_app.config
    token, token_hash = new_token()
    hours = config["VERIFY_TOKEN_TTL_HOURS"]
    db.session.add(
        UserToken(
            user_id=user.id, purpose=UserToken.PURPOSE_VERIFY_EMAIL, token_hash=token_hash, expires_at=utcnow() + timedelta(hours=hours)
        )
    )
    queue_email(
        user.email,
        "verify_email",
        {
            "full_name": user.full_name,
            "link": f"{config['FRONTEND_URL']}/verify-email?token={token}",
            "expires_in_hours": hours,
        },
        locale=locale_for_user(user),
    )


def verify_email(token: str, ctx: RequestContext) -> User:
    """Consume a verify_email or change_email token and apply it.

    verify_email marks the account verified; change_email moves the account
    to the token's new address (verified), 409 AUTH_EMAIL_EXISTS_003 if a
    live account took that address meanwhile. A bad, used, expired or voided
    token (app.auth.links), or one whose account is deleted or disabled, is
    400 AUTH_VERIFICATION_TOKEN_INVALID_023.
    """
    now = utcnow()
    row = db.session.execute(
        update(UserToken)
        .where(
            UserToken.token_hash == hash_token(token),
            UserToken.purpose.in_((UserToken.PURPOSE_VERIFY_EMAIL, UserToken.PURPOSE_CHANGE_EMAIL)),
            UserToken.used_at.is_(None),
            UserToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(UserToken.user_id, UserToken.purpose, UserToken.new_email)
        .execution_options(synchronize_session=False)
    ).first()
    user = db.session.get(User, row.user_id) if row else None
    if user is None or user.is_deleted or not user.is_active:  # a disabled or deleted account verifies nothing
        fail(errors.VERIFICATION_TOKEN_INVALID, field="token")
    if row.purpose == UserToken.PURPOSE_CHANGE_EMAIL:
        old_email = user.email
        user.email = row.new_email
        user.is_verified = True
        _flush_unless_email_taken()
        audit.record_event(audit.EMAIL_CHANGED, ctx=ctx, user_id=user.id, details={"from": old_email, "to": row.new_email})
    else:
        user.is_verified = True
        audit.record_event(audit.VERIFIED, ctx=ctx, user_id=user.id)
    db.session.commit()
    return user


def resend_verification(email: str) -> None:
    """Queue a new verification email if `email` is a live, unverified account.

    Says nothing either way (the route answers 202 regardless). At most one
    email per address per RESEND_COOLDOWN_SECONDS, so that nobody can flood a
    mailbox from many IPs.
    """
    started = time.monotonic()
    try:
        _resend_verification(email)
    finally:
        # Sending writes a token and an outbox row and enqueues a job: a few ms
        # an unknown address does not take (app.auth.timing).
        timing.wait_until(started, current_app.config["RESEND_VERIFICATION_MIN_SECONDS"])


def _resend_verification(email: str) -> None:
    user = find_live_user_by_email(email)
    if user is None or user.is_verified or not user.is_active:
        db.session.rollback()
        return
    cutoff = utcnow() - timedelta(seconds=current_app.config["RESEND_COOLDOWN_SECONDS"])
    recent = db.session.execute(
        select(UserToken.id)
        .where(
            UserToken.user_id == user.id,
            UserToken.purpose == UserToken.PURPOSE_VERIFY_EMAIL,
            UserToken.created_at > cutoff,
        )
        .limit(1)
    ).first()
    if recent is None:
        _send_verification(user)
        db.session.commit()
    db.session.rollback()  # hold no connection through the wait


# -------------------------------------------------------------- sign-in


def login(email: str, password: str, ctx: RequestContext) -> dict:
    """Check the credentials and start a session: the token pair and the user,
    or the second step when the account has two-factor sign-in on (see
    app.auth.signin.complete_sign_in for the answer and the rules).

    The password is always checked at full bcrypt cost (against a dummy hash
    for an unknown email, and also while the account is locked), so that the
    answer's timing says nothing; whether the account has two-factor sign-in
    is only looked at once the password has verified. Unknown or deleted
    email and wrong password are the same 401 AUTH_INVALID_CREDENTIALS_001; a
    disabled account is 403 only once its password verified; a locked account
    is 429 AUTH_ACCOUNT_LOCKED_022 with Retry-After, even with the right
    password, except for a known client (see app.auth.lockout).
    """
    refuse_when_hashing_is_saturated()
    user = find_live_user_by_email(email)
    known_hash = user.password_hash if user else None
    # The account is read again, as it is then, once the hash has been checked.
    with connection_released():
        password_ok = verify_password(password, known_hash or dummy_password_hash())
    checked = time.monotonic()
    try:
        if user is None or user.is_deleted:  # (`user` is read again here: deleted meanwhile)
            _unknown_email_failure(email, ctx)
        if not password_ok or user.password_hash != known_hash:  # (changed or reset meanwhile: not the password now)
            signin.count_failure(
                user, utcnow(), ctx, event_type=audit.LOGIN_FAILED, reason="wrong_password", error=errors.INVALID_CREDENTIALS
            )
        return signin.complete_sign_in(user, ctx, amr=["pwd"], aal=signin.AAL1, method="password", password_hash=known_hash)
    except AppError:
        # Every refusal (unknown email, wrong password, locked, disabled) answers
        # no sooner than LOGIN_FAILURE_MIN_SECONDS after the hash check: their
        # bookkeeping differs by milliseconds (app.auth.timing).
        timing.wait_until(checked, current_app.config["LOGIN_FAILURE_MIN_SECONDS"])
        raise


def _unknown_email_failure(email: str, ctx: RequestContext):
    """Answer 401 for an address without an account, or 429 once it has
    failed as often as locks a real account."""
    retry_after = lockout.record_unknown_email_failure(email)
    if retry_after is not None:
        audit.record_event(audit.LOGIN_LOCKED, ctx=ctx, outcome="failure", details={"email": email})
        db.session.commit()
        raise lockout.locked_error(retry_after)
    audit.record_event(audit.LOGIN_FAILED, ctx=ctx, outcome="failure", details={"reason": "unknown_email", "email": email})
    db.session.commit()
    raise AppError(errors.INVALID_CREDENTIALS)


# -------------------------------------------------------------- refresh


def _session_usable(session: Session | None, now) -> bool:
    if session is None or not session.is_live(now):
        return False
    user = db.session.get(User, session.user_id)
    return user is not None and user.is_active and not user.is_deleted


def _client_fingerprint(ctx: RequestContext) -> str:
    # "The same client" for the grace window: same address (after the trusted
    # proxies) and same User-Agent as the request that spent the token.
    seen = f"{ctx.ip}|{ctx.user_agent or ''}"
    return hashlib.sha256(seen.encode("utf-8")).hexdigest()


def _spender_key(token_hash: str) -> str:
    return cache.key("auth", "refresh", token_hash[:32], "spent_by")


def refresh(presented: str, ctx: RequestContext) -> dict:
    """Rotate a refresh token: a new pair for the same session; the old token is spent.

    Presenting a spent token again revokes the whole session (401
    AUTH_REFRESH_TOKEN_REUSED_020). The one exception, only when an operator
    sets REFRESH_GRACE_SECONDS (0, off, by default), is a concurrent
    duplicate: the same client (address and User-Agent) presenting it within
    that many seconds of its use, while its successor is still unused, gets
    that same successor. Who spent a token is kept in Redis for the
    grace window only; without Redis there is no grace (reuse is assumed).
    """
    now = utcnow()
    token_hash = hash_token(presented)
    grace = current_app.config["REFRESH_GRACE_SECONDS"]  # 0 turns the grace window off
    consumed = sessions.consume_refresh_token(token_hash, now)
    if consumed is not None:
        session = db.session.get(Session, consumed.session_id)
        if not _session_usable(session, now):
            fail(errors.SESSION_REVOKED)
        _end_if_idle(session, now, ctx)
        child = sessions.add_child_token(session, presented)
        session.last_used_at = now
        if grace > 0:
            # Before the commit: a concurrent duplicate waits on the row lock until then.
            fingerprint = _client_fingerprint(ctx)
            cache.safe(lambda r: r.set(_spender_key(token_hash), fingerprint, ex=grace))
        answer = signin.token_pair(session, child)  # the session keeps its level (aal, amr)
        db.session.commit()
        return answer

    spent = sessions.find_refresh_token(token_hash)
    if spent is None or spent.used_at is None:  # unknown, or unused but expired
        fail(errors.REFRESH_INVALID, field="refresh_token")
    session = db.session.get(Session, spent.session_id)
    if grace > 0 and utcnow() - spent.used_at <= timedelta(seconds=grace):
        child = sessions.derive_child_token(presented)
        successor = sessions.find_refresh_token(hash_token(child), session_id=spent.session_id)
        spender = cache.safe(lambda r: r.get(_spender_key(token_hash)))
        if (
            successor is not None
            and successor.used_at is None
            and _session_usable(session, now)
            and spender is not None
            and spender.decode() == _client_fingerprint(ctx)
        ):
            answer = signin.token_pair(session, child)
            db.session.rollback()  # nothing to write: the successor already exists
            return answer
    sessions.end_sessions(Session.id == spent.session_id, reason="refresh_reuse")
    audit.record_event(
        audit.REFRESH_REUSE_DETECTED, ctx=ctx, user_id=session.user_id, outcome="failure", details={"session_id": str(session.id)}
    )
    db.session.commit()
    raise AppError(errors.REFRESH_REUSED, field="refresh_token")


def _end_if_idle(session: Session, now, ctx: RequestContext) -> None:
    """With SESSION_IDLE_TIMEOUT_HOURS (off by default), end a session that has
    not been refreshed (nor signed in, nor re-authenticated) for that long.

    A client in use refreshes at least once per access-token lifetime, so the
    last refresh stands for the last activity (the setting must exceed
    JWT_EXPIRATION_HOURS); the idle session's access tokens have expired by then.
    """
    idle_hours = current_app.config["SESSION_IDLE_TIMEOUT_HOURS"]
    if not idle_hours or session.last_used_at > now - timedelta(hours=idle_hours):
        return
    sessions.end_sessions(Session.id == session.id, reason="idle_timeout")
    audit.record_event(
        audit.SESSION_REVOKED,
        ctx=ctx,
        user_id=session.user_id,
        outcome="success",
        details={"session_id": str(session.id), "reason": "idle_timeout"},
    )
    db.session.commit()
    raise AppError(errors.SESSION_REVOKED, "This session ended after a period without use; sign in again.")


# ------------------------------------------------------------- sessions


def logout(user_id, session_id, ctx: RequestContext) -> None:
    """End the caller's session: its access and refresh tokens stop at once."""
    sessions.end_sessions(Session.id == session_id, Session.user_id == user_id, reason="logout")
    audit.record_event(audit.LOGOUT, ctx=ctx, user_id=user_id, details={"session_id": str(session_id)})
    db.session.commit()


def logout_all(user_id, ctx: RequestContext) -> None:
    """End every session of the user, this one included, and void every
    unused emailed link of the account (a pending email change included)."""
    ended = sessions.end_user_sessions(user_id, reason="logout_all")
    void_pending_links(user_id)
    audit.record_event(audit.LOGOUT_ALL, ctx=ctx, user_id=user_id, details={"sessions": len(ended)})
    db.session.commit()


def list_sessions(user_id, current_session_id) -> list[dict]:
    """The user's live sessions, each flagged `current` if it is this request's."""
    return [
        {
            "id": s.id,
            "created_at": s.created_at,
            "last_used_at": s.last_used_at,
            "expires_at": s.expires_at,
            "ip": s.ip,
            "user_agent": s.user_agent,
            "aal": s.aal,
            "amr": s.methods,
            "current": s.id == current_session_id,
        }
        for s in sessions.live_sessions(user_id, utcnow())
    ]


def revoke_session(user_id, sid: uuid.UUID, ctx: RequestContext) -> None:
    """End one of the user's own live sessions; 404 AUTH_SESSION_NOT_FOUND_029
    for another user's session or one already ended."""
    if not sessions.end_sessions(Session.id == sid, Session.user_id == user_id, Session.expires_at > utcnow(), reason="revoked"):
        fail(errors.SESSION_NOT_FOUND)
    audit.record_event(audit.SESSION_REVOKED, ctx=ctx, user_id=user_id, details={"session_id": str(sid)})
    db.session.commit()

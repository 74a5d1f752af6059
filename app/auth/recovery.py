"""Account recovery and password changes: forgot / reset password, change password.

Each function is one transaction that commits everything it did (the new
password, ended sessions, spent tokens, the audit event and the queued
"password changed" email) or raises an `AppError` after rolling back; a
refusal worth remembering (a wrong current password, a spent link) commits
its record first. Emails go through the outbox inside the transaction, so an
email exists if and only if the change committed.

- Forgot-password says nothing about the address: every request (known,
  unknown, disabled or over its limit) runs the same statements up to one
  audit row and a commit; only a link actually sent adds the token and outbox
  rows and the job enqueue, and to hide those few milliseconds every request
  answers no sooner than FORGOT_PASSWORD_MIN_SECONDS after it started. At
  most one link per address per RESET_EMAIL_INTERVAL and
  RESET_EMAILS_PER_HOUR an hour, counted in the database (no Redis needed).
- A new link voids the account's older unused ones: only the latest works.
- A reset or a password change voids every unused emailed link of the
  account (verification and email change included; app.auth.links).
- A link is bound to the address it was mailed to (kept in the token's
  `new_email`): if the account's email changed since, the link is void.
- Resetting proves the mailbox, so it also marks the email verified, clears a
  login lockout and ends every session. A disabled or deleted account's link
  is 400 AUTH_RESET_TOKEN_INVALID_024 (and spent), never a way back in.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, case, exists, func, select, update

from app import account_cache, audit, errors
from app.auth import sessions, signin, timing
from app.auth.links import void_pending_links
from app.context import RequestContext
from app.email.outbox import queue_email
from app.errors import AppError, fail
from app.extensions import db
from app.i18n import locale_for_user
from app.models import Session, User, UserToken, utcnow
from app.security.password_rules import email_problems
from app.security.passwords import connection_released, hash_password, verify_password
from app.security.tokens import hash_token, new_token

RESET_EMAIL_INTERVAL = timedelta(minutes=1)
# The id counted for an address without an account, so that both paths run the same query.
_NOBODY = uuid.UUID(int=0)


# ------------------------------------------------------- forgot password


def request_password_reset(email: str, ctx: RequestContext) -> None:
    """Email a single-use reset link valid RESET_TOKEN_TTL_HOURS to the live,
    active account using `email`, unless the address had one within
    RESET_EMAIL_INTERVAL or RESET_EMAILS_PER_HOUR within the hour.

    Returns nothing and raises nothing for any address: the caller answers
    202 regardless. The work done is the same whether or not the account
    exists, and it returns no sooner than FORGOT_PASSWORD_MIN_SECONDS after
    it started, so the time taken says nothing either.
    """
    started = time.monotonic()
    now = utcnow()
    # The row lock serialises concurrent requests for one account, so the limit holds.
    user = db.session.execute(
        select(User).where(func.lower(User.email) == email, User.deleted_at.is_(None)).with_for_update()
    ).scalar_one_or_none()
    eligible = user is not None and user.is_active
    last_hour, latest = db.session.execute(
        select(func.count(), func.max(UserToken.created_at)).where(
            UserToken.user_id == (user.id if eligible else _NOBODY),
            UserToken.purpose == UserToken.PURPOSE_RESET_PASSWORD,
            UserToken.created_at > now - timedelta(hours=1),
        )
    ).one()
    if not eligible:
        reason = "unknown_email" if user is None else "disabled"
        audit.record_event(
            audit.PASSWORD_RESET_REQUESTED,
            ctx=ctx,
            user_id=user.id if user else None,
            outcome="failure",
            details={"reason": reason, "email": email},
        )
    elif last_hour >= current_app.config["RESET_EMAILS_PER_HOUR"] or (latest is not None and now - latest < RESET_EMAIL_INTERVAL):
        audit.record_event(audit.PASSWORD_RESET_REQUESTED, ctx=ctx, user_id=user.id, outcome="failure", details={"reason": "rate_limited"})
    else:
        _send_reset_link(user, now)
        audit.record_event(audit.PASSWORD_RESET_REQUESTED, ctx=ctx, user_id=user.id)
    db.session.commit()  # (the outbox enqueues the email right after it)
    # Sleeping after the commit holds no database connection.
    timing.wait_until(started, current_app.config["FORGOT_PASSWORD_MIN_SECONDS"])


def new_reset_link(user: User, now) -> str:
    """A reset link for `user`, bound to the address it is mailed to (the
    account's current one); the account's older unused reset links die."""
    void_pending_links(user.id, now, purposes=(UserToken.PURPOSE_RESET_PASSWORD,))
    token, token_hash = new_token()
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=UserToken.PURPOSE_RESET_PASSWORD,
            token_hash=token_hash,
            new_email=user.email,
            created_at=now,
            expires_at=now + timedelta(hours=current_app.config["RESET_TOKEN_TTL_HOURS"]),
        )
    )
    return f"{current_app.config['FRONTEND_URL']}/reset-password?token={token}"


def _send_reset_link(user: User, now) -> None:
    link = new_reset_link(user, now)
    queue_email(
        user.email,
        "reset_password",
        {
            "full_name": user.full_name,
            "link": link,
            "expires_in_hours": current_app.config["RESET_TOKEN_TTL_HOURS"],
        },
        locale=locale_for_user(user),
    )


# -------------------------------------------------------- reset password


def _live_reset_token(token_hash: str, now):
    return (
        UserToken.token_hash == token_hash,
        UserToken.purpose == UserToken.PURPOSE_RESET_PASSWORD,
        UserToken.used_at.is_(None),
        UserToken.expires_at > now,
    )


def reset_password(token: str, new_password: str, ctx: RequestContext) -> None:
    """Set a new password with an emailed reset link.

    The link is spent by one conditional UPDATE (of two concurrent uses
    exactly one succeeds). Then: the password changes, the email counts as
    verified, a login lockout is cleared, every session of the user ends
    (their access tokens are refused on the next request), the account's
    other reset links die, and a "password changed" email is queued. An
    unknown, used, expired or voided link, or one of a deleted or disabled
    account or of an address the account no longer has, is 400
    AUTH_RESET_TOKEN_INVALID_024.
    """
    token_hash = hash_token(token)
    # A cheap look first, so that a bad token costs no bcrypt; the UPDATE below decides.
    found = db.session.execute(
        select(User.email).select_from(UserToken).join(User, User.id == UserToken.user_id).where(*_live_reset_token(token_hash, utcnow()))
    ).first()
    if found is None:
        fail(errors.RESET_TOKEN_INVALID, field="token")
    _refuse_email_in_password(new_password, found.email)  # the link stays unspent
    with connection_released():
        password_hash = hash_password(new_password)

    now = utcnow()
    spent = db.session.execute(
        update(UserToken)
        .where(*_live_reset_token(token_hash, now))
        .values(used_at=now)
        .returning(UserToken.user_id, UserToken.new_email)
        .execution_options(synchronize_session=False)
    ).first()
    if spent is None:  # used by a concurrent request, or expired, since the look
        fail(errors.RESET_TOKEN_INVALID, field="token")
    user = db.session.execute(select(User).where(User.id == spent.user_id).with_for_update()).scalar_one_or_none()
    refusal = _refusal(user, spent.new_email)
    if refusal:
        # The link stays spent: it must never become a way back into the account.
        audit.record_event(audit.PASSWORD_RESET, ctx=ctx, user_id=spent.user_id, outcome="failure", details={"reason": refusal})
        db.session.commit()
        raise AppError(errors.RESET_TOKEN_INVALID, field="token")

    was_verified = user.is_verified
    user.password_hash = password_hash
    user.is_verified = True
    user.failed_login_count = 0
    user.failed_login_window_start = None
    user.locked_until = None
    # Every emailed link dies with the old password (a pending email change included).
    void_pending_links(user.id, now)
    ended = sessions.end_user_sessions(user.id, reason="password_reset")
    audit.record_event(audit.PASSWORD_RESET, ctx=ctx, user_id=user.id, details={"sessions_ended": len(ended)})
    if not was_verified:
        audit.record_event(audit.VERIFIED, ctx=ctx, user_id=user.id, details={"by": "password_reset"})
    queue_email(user.email, "password_changed", {"full_name": user.full_name}, locale=locale_for_user(user))
    db.session.commit()


def _refuse_email_in_password(new_password: str, email: str) -> None:
    # The password rule that needs the account (docs/security.md §10): 400 on `new_password`.
    problems = email_problems(new_password, email)
    if problems:
        db.session.rollback()
        raise AppError(errors.VALIDATION_FAILED, field="new_password", details=[{"field": "new_password", "message": m} for m in problems])


def _refusal(user: User | None, mailed_to: str | None) -> str | None:
    if user is None or user.is_deleted:
        return "account_deleted"
    if not user.is_active:
        return "account_disabled"
    if mailed_to is not None and user.email.lower() != mailed_to.lower():
        return "email_changed"
    return None


# ------------------------------------------------------- change password


def change_password(user_id, session_id, current_password: str | None, new_password: str, ctx: RequestContext) -> None:
    """Replace the signed-in user's password, given the current one.

    An account without a password (created through an identity provider,
    docs/oidc.md) sets its first one with `current_password` None; the route
    has then checked that the session is fresh. An account with a password
    must give it (400 AUTH_PASSWORD_INCORRECT_025 without it).

    A wrong current password is 400 AUTH_PASSWORD_INCORRECT_025 and counts
    toward the login lockout; while the account is locked the answer is 429
    AUTH_ACCOUNT_LOCKED_022 with Retry-After, as at sign-in (including its
    known-client exception, see app.auth.lockout). On success every other
    session of the user ends, this one (`session_id`) keeps working, unused
    reset links die and a "password changed" email is queued.
    """
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:  # deleted since the token was checked
        fail(errors.SESSION_REVOKED)
    _refuse_email_in_password(new_password, user.email)
    old_hash = user.password_hash
    if current_password is None:
        if old_hash is not None:
            fail(errors.PASSWORD_INCORRECT, "Give your current password.", field="current_password")
        password_ok = True  # no password yet: the fresh session (checked by the route) is the proof
    else:
        # Full bcrypt cost whether or not the account is locked, as at sign-in; `user` is read again after.
        with connection_released():
            password_ok = verify_password(current_password, old_hash)
    now = utcnow()
    if not password_ok:
        signin.count_failure(
            user,
            now,
            ctx,
            event_type=audit.PASSWORD_CHANGED,
            reason="wrong_current_password",
            error=errors.PASSWORD_INCORRECT,
            field="current_password",
            during="change_password",
        )
    signin.refuse_if_locked(user, now, ctx, during="change_password")
    with connection_released():
        password_hash = hash_password(new_password)

    now = utcnow()
    locked = and_(User.locked_until.is_not(None), User.locked_until > now)
    changed = db.session.execute(
        update(User)
        # Only if nobody changed the password since it was checked, and the
        # caller's session was not ended meanwhile (logout, revocation, deletion).
        .where(
            User.id == user_id,
            User.password_hash == old_hash,
            User.deleted_at.is_(None),
            exists().where(Session.id == session_id, Session.user_id == user_id, Session.revoked_at.is_(None)),
        )
        .values(
            password_hash=password_hash,
            # A success clears the failure count, as a sign-in does (a lock stays until it lifts).
            failed_login_count=case((locked, User.failed_login_count), else_=0),
            failed_login_window_start=case((locked, User.failed_login_window_start), else_=None),
        )
        .returning(User.email, User.full_name)
        .execution_options(synchronize_session=False, **account_cache.touching(user_id))
    ).first()
    if changed is None:
        live = db.session.execute(select(Session.id).where(Session.id == session_id, Session.revoked_at.is_(None))).first()
        if live is None:
            fail(errors.SESSION_REVOKED)
        fail(errors.PASSWORD_INCORRECT, field="current_password")
    void_pending_links(user_id, now)
    ended = sessions.end_user_sessions(user_id, reason="password_changed", keep=session_id)
    details = {"sessions_ended": len(ended)}
    if old_hash is None:
        details["first_password"] = True
    audit.record_event(audit.PASSWORD_CHANGED, ctx=ctx, user_id=user_id, details=details)
    queue_email(changed.email, "password_changed", {"full_name": changed.full_name}, locale=locale_for_user(db.session.get(User, user_id)))
    db.session.commit()

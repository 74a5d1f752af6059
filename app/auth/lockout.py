"""Failed sign-in counting and the account lock. Nothing here commits; the
callers (sign-in, password change) raise `locked_error` for a lock.

The lock is per account: LOCKOUT_THRESHOLD wrong passwords within
LOCKOUT_WINDOW_SECONDS lock it for LOCKOUT_SECONDS, even against the right
password. So that a stranger cannot keep its owner out:

- the lock has a fixed end: failures during it are not counted and never
  extend it, and the count starts from zero once it has lifted;
- a *known client* (an address from which the account has signed in
  before, within KNOWN_CLIENT_DAYS, in a session that was not revoked) still gets in with the right password,
  as long as that address itself has stayed under the threshold during the
  lock (its failures are counted in Redis). A stranger locks out strangers,
  not the owner at home; without Redis nobody passes the lock.

Unknown emails are counted the same way in Redis, so that a lock (429) does
not tell which addresses have accounts.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, or_, select, update

from app import account_cache, cache, errors
from app.context import RequestContext
from app.errors import AppError
from app.extensions import db
from app.models import Session, User


def is_locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def locked_error(retry_after: float) -> AppError:
    """429 AUTH_ACCOUNT_LOCKED_022 with Retry-After in whole seconds, rounded up (at least 1)."""
    return AppError(errors.ACCOUNT_LOCKED, headers={"Retry-After": str(max(1, int(retry_after + 0.999)))})


def record_account_failure(user_id, now: datetime):
    """Count a wrong password (one atomic UPDATE, safe under concurrent guesses).

    Returns (failures, locked_until or None), or None when the account was
    already locked (the failure is not counted).
    """
    config = current_app.config
    window_start = now - timedelta(seconds=config["LOCKOUT_WINDOW_SECONDS"])
    locked = and_(User.locked_until.is_not(None), User.locked_until > now)
    # A new count starts when the window has passed or a lock has lifted.
    restart = or_(
        User.failed_login_window_start.is_(None),
        User.failed_login_window_start <= window_start,
        User.locked_until.is_not(None),
    )
    count = case((restart, 1), else_=User.failed_login_count + 1)
    lock_until = now + timedelta(seconds=config["LOCKOUT_SECONDS"])
    return db.session.execute(
        update(User)
        .where(User.id == user_id, ~locked)
        .values(
            failed_login_count=count,
            failed_login_window_start=case((restart, now), else_=User.failed_login_window_start),
            locked_until=case((count >= config["LOCKOUT_THRESHOLD"], lock_until), else_=None),
        )
        .returning(User.failed_login_count, User.locked_until)
        .execution_options(synchronize_session=False, **account_cache.touching(user_id))
    ).first()


def _unchanged(user_id, password_hash: str | None):
    # The account as the password was checked against it: still live, same hash.
    # Checked inside the UPDATE, which holds the row lock until the sign-in commits,
    # so a password change, reset or deletion either ends the new session or sees it.
    # (No hash: the sign-in did not use the password, e.g. a passkey.)
    conditions = [User.id == user_id, User.deleted_at.is_(None)]
    if password_hash is not None:
        conditions.append(User.password_hash == password_hash)
    return tuple(conditions)


def record_success(user_id, password_hash: str | None, now: datetime) -> bool:
    """Note a sign-in and clear the failure count; False (nothing written) if
    the account is locked, e.g. by a concurrent failure since it was read, or
    its password changed or it was deleted since `password_hash` was checked
    (None: a sign-in without the password)."""
    return (
        db.session.execute(
            update(User)
            .where(*_unchanged(user_id, password_hash), or_(User.locked_until.is_(None), User.locked_until <= now))
            .values(failed_login_count=0, failed_login_window_start=None, locked_until=None, last_login_at=now)
            .returning(User.id)
            .execution_options(synchronize_session=False, **account_cache.touching(user_id))
        ).first()
        is not None
    )


def record_success_during_lock(user_id, password_hash: str | None, now: datetime) -> bool:
    """Note a known client's sign-in; the lock stays for everyone else. False
    (nothing written) if the password changed or the account was deleted since
    `password_hash` was checked."""
    return (
        db.session.execute(
            update(User)
            .where(*_unchanged(user_id, password_hash))
            .values(last_login_at=now)
            .returning(User.id)
            .execution_options(synchronize_session=False, **account_cache.touching(user_id))
        ).first()
        is not None
    )


def _count(key: str):
    """INCR a Redis failure counter: the window starts at the first failure, a
    lock of LOCKOUT_SECONDS at the threshold. (count, seconds left), or None
    when Redis is down."""
    config = current_app.config

    def _incr(r):
        count = r.incr(key)
        if count == 1:
            r.expire(key, config["LOCKOUT_WINDOW_SECONDS"])
        elif count == config["LOCKOUT_THRESHOLD"]:
            r.expire(key, config["LOCKOUT_SECONDS"])
        return count, r.ttl(key)

    return cache.safe(_incr)


def _address_key(email: str) -> str:
    return cache.key("auth", "login_failures", hashlib.sha256(email.encode("utf-8")).hexdigest()[:32], "count")


def _client_key(user_id, ctx: RequestContext) -> str:
    address = hashlib.sha256((ctx.ip or "unknown").encode("utf-8")).hexdigest()[:16]
    return cache.key("auth", "login_failures", f"{user_id}:{address}", "count")


def record_unknown_email_failure(email: str):
    """Count a failure for an address without an account. Returns the seconds
    its lock has left when it is locked (more than LOCKOUT_THRESHOLD failures),
    else None (also when Redis is down)."""
    counted = _count(_address_key(email))
    if counted is None or counted[0] <= current_app.config["LOCKOUT_THRESHOLD"]:
        return None
    return max(counted[1], 1)


def record_client_failure(user_id, ctx: RequestContext) -> None:
    """Count a wrong password from the client of `ctx` against a locked account."""
    _count(_client_key(user_id, ctx))


def known_client_may_pass(user_id, now: datetime, ctx: RequestContext) -> bool:
    """Whether the client of `ctx` may sign in (right password) although the account is locked."""
    failures = cache.safe(lambda r: int(r.get(_client_key(user_id, ctx)) or 0))
    if failures is None or failures >= current_app.config["LOCKOUT_THRESHOLD"]:
        return False
    since = now - timedelta(days=current_app.config["KNOWN_CLIENT_DAYS"])
    return (
        db.session.execute(
            # A revoked session makes nobody known: the owner may have ended it
            # because it was not theirs (logout-all, a password reset, ...).
            select(Session.id)
            .where(
                Session.user_id == user_id,
                Session.ip == (ctx.ip or "unknown")[:45],
                Session.created_at > since,
                Session.revoked_at.is_(None),
            )
            .limit(1)
        ).first()
        is not None
    )

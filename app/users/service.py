"""User accounts: reading, updating, deleting, the admin list and admin operations.

Who may touch an account (`_account_for`): the account's owner or an admin.
As docs/api.md §4 says, an unknown or deleted id (the routes answer a malformed one the same) is 404
USER_NOT_FOUND_002 to everyone (a deleted user "is 404 to others"), and a
live account of someone else is 403 for a non-admin. Ids are random UUIDs,
so the 403/404 difference does not make accounts enumerable.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import func, or_, update
from sqlalchemy.exc import IntegrityError

from app import account_cache, audit, cache, errors
from app.auth import recovery
from app.auth.links import void_pending_links
from app.auth.sessions import end_user_sessions
from app.context import RequestContext
from app.email.outbox import queue_email
from app.errors import AppError
from app.extensions import db
from app.fields import Email, FullName
from app.i18n import locale_for_user
from app.models import User, UserToken, utcnow
from app.pagination import page_of
from app.security.guards import require_admin_assurance
from app.security.password_rules import password_problems
from app.security.passwords import hash_password
from app.security.tokens import new_token
from app.users import profile


def find_live_user_by_email(email: str) -> User | None:
    """The non-deleted account with this (normalised) email, if any."""
    return db.session.execute(db.select(User).where(func.lower(User.email) == email, User.deleted_at.is_(None))).scalar_one_or_none()


def ensure_admin(email: str, password: str, full_name: str) -> tuple[User, bool]:
    """Make `email` an admin: promote the live account (its password is kept) or
    create a verified admin with `password`. Returns (user, created).

    Never promotes an account that has not verified its email or is disabled
    (docs/security.md §3): anyone may register the operator's address first with a password
    of their own. Raises AppError FORBIDDEN with a message for the operator.
    Promotion and creation are audited (user.admin_granted, via "cli").
    """
    email = _checked("email", Email(), email)
    user = find_live_user_by_email(email)
    if user is not None:
        if not user.is_verified:
            raise AppError(
                errors.FORBIDDEN,
                f"{email} has not verified its email address, so it is not promoted: "
                "whoever registered it may know its password. From that mailbox, reset its password "
                "(forgot-password) and verify it, or delete the account; then run this again.",
            )
        if not user.is_active:
            raise AppError(errors.FORBIDDEN, f"{email} is disabled, so it is not promoted; enable it first.")
        if not user.is_admin:
            user.is_admin = True
            audit.record_event(audit.ADMIN_GRANTED, ctx=RequestContext(), user_id=user.id, details={"via": "cli", "created": False})
        db.session.commit()
        return user, False
    full_name = _checked("full_name", FullName(), full_name)
    problems = password_problems(password, email)
    if problems:
        raise AppError(errors.VALIDATION_FAILED, field="password", details=[{"field": "password", "message": m} for m in problems])
    user = User(email=email, password_hash=hash_password(password), full_name=full_name, is_admin=True, is_verified=True)
    db.session.add(user)
    try:
        db.session.flush()
        audit.record_event(audit.ADMIN_GRANTED, ctx=RequestContext(), user_id=user.id, details={"via": "cli", "created": True})
        db.session.commit()
    except IntegrityError:
        # Registered (or created by a parallel run) meanwhile: promote that account.
        db.session.rollback()
        return ensure_admin(email, password, full_name)
    return user, True


def _checked(name: str, field, value):
    try:
        return field.deserialize(value)
    except ValidationError as exc:
        raise AppError(errors.VALIDATION_FAILED, field=name, details=[{"field": name, "message": m} for m in exc.messages]) from None


# ------------------------------------------------------------ loading users


def _live_user(user_id: uuid.UUID, *, for_update: bool = False) -> User:
    query = db.select(User).where(User.id == user_id, User.deleted_at.is_(None))
    if for_update:
        query = query.with_for_update()
    user = db.session.scalar(query)
    if user is None:
        raise AppError(errors.USER_NOT_FOUND)
    return user


def _account_for(actor_id: uuid.UUID, target_id: uuid.UUID, ctx: RequestContext, *, for_update: bool = False) -> tuple[User, User]:
    """(actor, target) when the actor may act on the account `target_id`; else 403/404 (see module doc)."""
    actor = _live_user(actor_id)
    target = _live_user(target_id, for_update=for_update)
    if target.id != actor.id:
        if not actor.is_admin:
            raise AppError(errors.FORBIDDEN)
        if not actor.is_active:
            # As admin_required: a disabled admin (whose sessions' revocation may
            # not have reached every cache yet) has no admin rights.
            raise AppError(errors.ACCOUNT_DISABLED)
        require_admin_assurance(ctx.aal)  # an admin acting on someone else's account
    return actor, target


def get_account(user_id: uuid.UUID) -> User | dict:
    """The live account `user_id`; 404 if it is deleted or unknown.

    Served from the snapshot fetched while authenticating when it is current
    (a dict of the public fields), else read from the database and cached.
    """
    cached = account_cache.cached_account(user_id)
    if cached is not None and cached.get("deleted_at") is None:
        return cached
    user = _live_user(user_id)
    account_cache.store(user)
    return user


def get_my_account(user_id: uuid.UUID) -> dict:
    """The caller's live account (as `get_account`) and `sign_in_methods`: its
    ways to sign in, without repeats ("password", "oidc:<provider>", ...; app.auth.methods)."""
    from app.auth.methods import sign_in_methods
    from app.users.schemas import UserSchema

    cached = account_cache.cached_account(user_id)
    if _shows_my_account(cached):
        return cached
    user = _live_user(user_id)
    methods = list(dict.fromkeys(sign_in_methods(user_id)))
    # (adding or removing a passkey or an identity voids this snapshot: app.auth.methods)
    account_cache.store(user, extra={"sign_in_methods": methods})
    return {**{name: getattr(user, name) for name in UserSchema._declared_fields}, "sign_in_methods": methods}


def my_account_in(snapshot: bytes) -> dict | None:
    """What `get_my_account` answers, from a current account snapshot's bytes
    alone (`account_cache.current_entry`); None when it cannot tell."""
    account = account_cache.account_in(snapshot)
    return account if _shows_my_account(account) else None


def _shows_my_account(cached: dict | None) -> bool:
    # A snapshot stored by another read (the admin view) lacks the sign-in methods.
    return cached is not None and cached.get("deleted_at") is None and "sign_in_methods" in cached


def get_user(actor_id: uuid.UUID, target_id: uuid.UUID, ctx: RequestContext) -> User:
    """The account `target_id` as seen by `actor_id` (its owner or an admin)."""
    return _account_for(actor_id, target_id, ctx)[1]


# ----------------------------------------------------------------- updates


@dataclass(frozen=True)
class AccountUpdate:
    """What PATCH /me did: the account, and the new email awaiting confirmation (or None)."""

    user: User
    pending_email: str | None


def update_account(user_id: uuid.UUID, changes: dict, ctx: RequestContext) -> AccountUpdate:
    """Apply PATCH /me. A new email is not applied: a confirmation link goes to
    it (and a notice to the current address) and the account keeps its email
    until the link is used."""
    user = _live_user(user_id, for_update=True)
    changed = _set_full_name(user, changes)
    pending_email = None
    new_email = changes.get("email")
    if new_email is not None and new_email != user.email.lower():
        _request_email_change(user, new_email, ctx)
        pending_email = new_email
    if changed:
        audit.record_event(audit.ACCOUNT_UPDATED, ctx=ctx, user_id=user.id, details={"fields": changed, "by": str(user.id)})
    db.session.commit()
    return AccountUpdate(user, pending_email)


def update_user(actor_id: uuid.UUID, target_id: uuid.UUID, changes: dict, ctx: RequestContext) -> User:
    """Apply PATCH /{user_id}: the owner may change full_name; an admin also the
    flags. Disabling ends the user's sessions at once. An admin cannot remove
    their own admin right (409) or disable themselves (409)."""
    actor, user = _account_for(actor_id, target_id, ctx, for_update=True)
    flags = {name: changes[name] for name in ("is_active", "is_verified", "is_admin") if name in changes}
    if flags and not actor.is_admin:
        raise AppError(errors.FORBIDDEN, "Only an admin may change is_active, is_verified or is_admin.", field=next(iter(flags)))
    if user.id == actor.id:
        if flags.get("is_admin") is False:
            raise AppError(errors.SELF_DEMOTION, field="is_admin")
        if flags.get("is_active") is False:
            raise AppError(errors.SELF_DELETION, field="is_active")

    changed = _set_full_name(user, changes)
    for name, value in flags.items():
        if getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if "is_active" in changed and not user.is_active:
        end_user_sessions(user.id, reason="account_disabled")
        void_pending_links(user.id)
        audit.record_event(audit.ACCOUNT_DISABLED, ctx=ctx, user_id=user.id, details={"by": str(actor.id)})
    if changed:
        audit.record_event(audit.ACCOUNT_UPDATED, ctx=ctx, user_id=user.id, details={"fields": changed, "by": str(actor.id)})
    db.session.commit()
    return user


def _set_full_name(user: User, changes: dict) -> list[str]:
    if "full_name" in changes and changes["full_name"] != user.full_name:
        user.full_name = changes["full_name"]
        return ["full_name"]
    return []


def _request_email_change(user: User, new_email: str, ctx: RequestContext) -> None:
    now = utcnow()
    # The per-account limit first: past it, nobody learns whether an address is taken.
    _limit_email_changes(user.id, now)
    # A clear 409 now; the unique index on live emails still decides at confirmation.
    if find_live_user_by_email(new_email) is not None:
        raise AppError(errors.EMAIL_EXISTS, field="email")
    # Only the latest link works: an older one may point at an address the user no longer wants.
    db.session.execute(
        update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == UserToken.PURPOSE_CHANGE_EMAIL, UserToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    hours = current_app.config["VERIFY_TOKEN_TTL_HOURS"]
    token, token_hash = new_token()
    db.session.add(
        UserToken(
            user_id=user.id,
            purpose=UserToken.PURPOSE_CHANGE_EMAIL,
            token_hash=token_hash,
            new_email=new_email,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    link = f"{current_app.config['FRONTEND_URL']}/confirm-email-change?token={token}"
    locale = locale_for_user(user)
    queue_email(
        new_email,
        "change_email_confirm",
        {"full_name": user.full_name, "link": link, "new_email": new_email, "expires_in_hours": hours},
        locale=locale,
    )
    # The notice tells the owner how to take the account back: a reset link (to this,
    # the current address), which ends every session and voids this change's link.
    queue_email(
        user.email,
        "change_email_notice",
        {
            "full_name": user.full_name,
            "new_email": new_email,
            "link": recovery.new_reset_link(user, now),
            "expires_in_hours": current_app.config["RESET_TOKEN_TTL_HOURS"],
        },
        locale=locale,
    )
    audit.record_event(audit.EMAIL_CHANGE_REQUESTED, ctx=ctx, user_id=user.id, details={"new_email": new_email})


def _limit_email_changes(user_id: uuid.UUID, now: datetime) -> None:
    # Every attempt counts (in Redis: a refused attempt commits nothing), so that a
    # stolen token cannot test addresses for accounts one 409 after another.
    # Without Redis only the links sent are counted (below).
    attempts = cache.safe(lambda r: _count_attempt(r, cache.key("user", "email_change_attempts", user_id, "count")))
    # (EMAIL_CHANGES_PER_HOUR counts only links; a 409 creates none.)
    if attempts is not None and attempts[0] > current_app.config["EMAIL_CHANGE_ATTEMPTS_PER_HOUR"]:
        raise AppError(
            errors.RATE_LIMITED,
            "Too many email changes requested; try again later.",
            field="email",
            headers={"Retry-After": str(max(1, attempts[1]))},
        )
    window_start = now - timedelta(hours=1)
    recent = db.session.execute(
        db.select(func.count(), func.min(UserToken.created_at)).where(
            UserToken.user_id == user_id, UserToken.purpose == UserToken.PURPOSE_CHANGE_EMAIL, UserToken.created_at > window_start
        )
    ).one()
    if recent[0] >= current_app.config["EMAIL_CHANGES_PER_HOUR"]:
        # min() keeps the column's UTCDateTime type, so `oldest` comes back aware.
        oldest = recent[1]
        retry_after = max(1, math.ceil((oldest + timedelta(hours=1) - now).total_seconds()))
        raise AppError(
            errors.RATE_LIMITED,
            "Too many email changes requested; try again later.",
            field="email",
            headers={"Retry-After": str(retry_after)},
        )


def _count_attempt(r, key: str) -> tuple[int, int]:
    # A fixed one-hour window from the first attempt: (attempts, seconds left).
    pipe = r.pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, 3600, nx=True)
    pipe.ttl(key)
    count, _, ttl = pipe.execute()
    return count, ttl


# ---------------------------------------------------------------- deletion


def delete_account(user_id: uuid.UUID, ctx: RequestContext) -> None:
    """Soft-delete the caller's own account (DELETE /me)."""
    user = _live_user(user_id, for_update=True)
    _soft_delete(user, by=user.id, ctx=ctx)


def delete_user(actor_id: uuid.UUID, target_id: uuid.UUID, ctx: RequestContext) -> None:
    """Soft-delete the account `target_id` (its owner, or an admin; an admin's own
    account only through DELETE /me, so that it is never deleted by a slip of an id)."""
    actor, user = _account_for(actor_id, target_id, ctx, for_update=True)
    if user.id == actor.id and actor.is_admin:
        raise AppError(errors.SELF_DELETION)
    _soft_delete(user, by=actor.id, ctx=ctx)


def _soft_delete(user: User, *, by: uuid.UUID, ctx: RequestContext) -> None:
    # Soft delete: the row stays (deleted_at); the partial unique index frees
    # the email; every session and every emailed link of the account ends.
    now = utcnow()
    user.deleted_at = now
    end_user_sessions(user.id, reason="account_deleted")
    void_pending_links(user.id, now)
    audit.record_event(audit.ACCOUNT_DELETED, ctx=ctx, user_id=user.id, details={"by": str(by)})
    db.session.commit()
    profile.invalidate(user.id)


# -------------------------------------------------------------- admin list


def list_users(
    page: int,
    page_size: int,
    sort: str = "-created_at",
    q: str | None = None,
    is_active: bool | None = None,
    is_verified: bool | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> tuple[list[User], dict]:
    """One page of live accounts matching the filters, and its pagination
    metadata {page, page_size, total, total_pages}.

    `q` is a case-insensitive substring of the email or the name, written as
    `lower(column) LIKE '%q%'` (bound, with LIKE wildcards escaped) so that the
    trigram indexes on lower(email) / lower(full_name) serve it on PostgreSQL.
    """
    conditions = [User.deleted_at.is_(None)]
    q = (q or "").strip().lower()
    if q:
        conditions.append(or_(func.lower(User.email).contains(q, autoescape=True), func.lower(User.full_name).contains(q, autoescape=True)))
    if is_active is not None:
        conditions.append(User.is_active == is_active)
    if is_verified is not None:
        conditions.append(User.is_verified == is_verified)
    if created_after is not None:
        conditions.append(User.created_at >= created_after)
    if created_before is not None:
        conditions.append(User.created_at < created_before)

    # id breaks ties so that equal timestamps never repeat or skip a row between pages.
    order = (User.created_at.asc(), User.id.asc()) if sort == "created_at" else (User.created_at.desc(), User.id.desc())
    return page_of(User, conditions, order, page, page_size)

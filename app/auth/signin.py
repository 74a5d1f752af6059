"""The one way every sign-in ends, whatever proved who the user is: a
password (app.auth.service.login), the second step (app.mfa.service), a
passkey, an OpenID Connect provider.

A sign-in method checks its own proof, then hands the account to
`complete_sign_in`, which applies the rules every sign-in obeys, once:

- a deleted account is refused; a locked one is 429 (except for a known
  client, app.auth.lockout); a disabled one is 403;
- an account with two-factor sign-in on that proved one factor only gets a
  second step instead of tokens (`mfa_required`, docs/mfa.md); the failure
  count is not cleared then, so that wrong codes keep adding up;
- otherwise the failure count clears, guarded so that a password changed or
  an account deleted meanwhile ends the attempt; a session starts with its
  assurance level (`aal`) and methods (`amr`); an email goes to the user when
  the device and network are new for the account; the audit trail records it.

Wrong passwords and wrong codes are counted by `count_failure`, which also
answers 429 while the account is locked. Everything here commits (or rolls
back) the caller's transaction, which therefore must hold only writes that
belong to this sign-in (a spent code, a used challenge).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

from app import audit, errors
from app.auth import devices, lockout, sessions
from app.context import RequestContext
from app.email.outbox import queue_email
from app.errors import AppError, ErrorCode, fail
from app.extensions import db
from app.i18n import locale_for_user
from app.mfa import factors
from app.models import User, utcnow
from app.security.access_tokens import issue_access_token

AAL1 = 1  # one factor: a password, or a provider's word (OpenID Connect)
AAL2 = 2  # a second factor on top, or a passkey


def token_pair(session, refresh_token: str) -> dict:
    """The token part of a login answer: an access token carrying the
    session's `aal` and `amr` and when its user last proved who they are
    (`auth_time`, app.auth.fresh), and `refresh_token`."""
    access_token, lifetime = issue_access_token(
        session.user_id, session.id, aal=session.aal, amr=session.methods, auth_time=session.authenticated_at
    )
    return {"access_token": access_token, "token_type": "Bearer", "expires_in": lifetime, "refresh_token": refresh_token}


def complete_sign_in(
    user: User, ctx: RequestContext, *, amr: Sequence[str], aal: int, method: str, password_hash: str | None = None
) -> dict:
    """Finish a sign-in from the client of `ctx` whose proof the caller has checked; commits.

    `amr`: what was proved (RFC 8176 names: "pwd", "otp", "hwk", ...); `aal`:
    AAL2 when it includes a second factor or a passkey, else AAL1; `method`:
    the sign-in method for the audit trail ("password", "mfa", "passkey",
    "oidc:<provider>"); `password_hash`: the hash a password was verified
    against, so that a change since then ends the attempt.

    Returns the login answer `{access_token, token_type, expires_in,
    refresh_token, user}`, or `{mfa_required: true, mfa_token, methods,
    expires_in}` (no tokens) when the account has two-factor sign-in on and
    `aal` is AAL1. Raises 401 AUTH_INVALID_CREDENTIALS_001 (account deleted or
    password changed meanwhile), 429 AUTH_ACCOUNT_LOCKED_022, 403
    AUTH_ACCOUNT_DISABLED_021.
    """
    now = utcnow()
    if user.is_deleted:
        fail(errors.INVALID_CREDENTIALS)
    passes_lock = refuse_if_locked(user, now, ctx)
    if not user.is_active:
        audit.record_event(
            audit.LOGIN_FAILED, ctx=ctx, user_id=user.id, outcome="failure", details={"reason": "disabled", "method": method}
        )
        db.session.commit()
        raise AppError(errors.ACCOUNT_DISABLED)
    if aal < AAL2:
        methods = factors.enrolled_methods(user.id)
        if methods:
            return _second_step(user, ctx, amr, methods, method, password_hash)

    if passes_lock:
        recorded = lockout.record_success_during_lock(user.id, password_hash, now)
    else:
        recorded = lockout.record_success(user.id, password_hash, now)
    if not recorded:  # locked by a concurrent failure, or password changed or account deleted, since read
        db.session.refresh(user)
        if user.is_deleted or (password_hash is not None and user.password_hash != password_hash):
            fail(errors.INVALID_CREDENTIALS)
        _locked(user, now, ctx)
    session, refresh_token = sessions.start_session(user, ctx, aal=aal, amr=amr)
    origin = devices.origin_of(ctx)
    if devices.remember(user.id, origin, now):
        queue_email(
            user.email,
            "new_sign_in",
            {
                "full_name": user.full_name,
                "device": origin.device,
                "ip": origin.ip,
                "at": now.strftime("%Y-%m-%d %H:%M UTC"),
            },
            locale=locale_for_user(user),
        )
        audit.record_event(
            audit.NEW_SIGN_IN,
            ctx=ctx,
            user_id=user.id,
            details={"session_id": str(session.id), "device": origin.device, "network": origin.network},
        )
    details = {"session_id": str(session.id), "method": method, "aal": aal, "amr": list(amr)}
    if passes_lock:
        details["during_lock"] = True
    audit.record_event(audit.LOGIN_SUCCEEDED, ctx=ctx, user_id=user.id, details=details)
    answer = token_pair(session, refresh_token)
    db.session.commit()
    return {**answer, "user": db.session.get(User, user.id)}


def _second_step(user: User, ctx: RequestContext, amr, methods: list[str], method: str, password_hash: str | None) -> dict:
    from app.mfa import challenge

    token, lifetime = challenge.issue(user, amr=amr, password_hash=password_hash)
    audit.record_event(audit.MFA_REQUIRED, ctx=ctx, user_id=user.id, details={"method": method, "methods": methods})
    db.session.commit()
    return {"mfa_required": True, "mfa_token": token, "methods": methods, "expires_in": lifetime}


def refuse_if_locked(user: User, now, ctx: RequestContext, *, during: str | None = None) -> bool:
    """429 AUTH_ACCOUNT_LOCKED_022 (committing its audit event) while the
    account is locked, unless the client of `ctx` may pass the lock: then True.
    `during` names the action in the audit event when it is not a sign-in."""
    if not lockout.is_locked(user, now):
        return False
    if lockout.known_client_may_pass(user.id, now, ctx):
        return True
    _locked(user, now, ctx, during)


def count_failure(
    user: User,
    now,
    ctx: RequestContext,
    *,
    event_type: str,
    reason: str,
    error: ErrorCode,
    field: str | None = None,
    during: str | None = None,
) -> NoReturn:
    """The one way a wrong password or code is answered (sign-in,
    re-authentication, password change): count it toward the account
    lockout, record `event_type` (failure, with `reason`), commit and raise
    `error`; or 429 when the account is locked (the failure then counts
    against this client only, see app.auth.lockout; `during` names the
    action in that audit event when it is not a sign-in)."""
    counted = lockout.record_account_failure(user.id, now)
    if counted is None:  # locked (perhaps by a concurrent failure since `user` was read)
        db.session.refresh(user)
        if lockout.is_locked(user, now):
            lockout.record_client_failure(user.id, ctx)
            _locked(user, now, ctx, during)
    else:
        audit.record_event(
            event_type, ctx=ctx, user_id=user.id, outcome="failure", details={"reason": reason, "failures": counted.failed_login_count}
        )
        if counted.locked_until is not None:
            audit.record_event(
                audit.LOGIN_LOCKED, ctx=ctx, user_id=user.id, outcome="failure", details={"until": counted.locked_until.isoformat()}
            )
    db.session.commit()
    raise AppError(error, field=field)


def _locked(user: User, now, ctx: RequestContext, during: str | None = None) -> NoReturn:
    audit.record_event(audit.LOGIN_LOCKED, ctx=ctx, user_id=user.id, outcome="failure", details={"during": during} if during else None)
    db.session.commit()
    raise lockout.locked_error((user.locked_until - now).total_seconds())

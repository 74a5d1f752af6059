"""Two-factor sign-in: enrolment, the second step of a sign-in, turning it
off, new recovery codes, an admin's reset, and the code that
re-authentication asks for. The rules are in docs/mfa.md.

Every function is one transaction that commits, or rolls back and raises an
`AppError`; a wrong code is counted toward the account lockout
(app.auth.signin.count_failure), which commits that count before raising.
The kinds of second factor are those of the registry (app.mfa.factors):
TOTP and recovery codes register here, passkeys register themselves
(app.passkeys.factor, imported with the passkey routes by every app).
"""

from __future__ import annotations

from typing import NoReturn

from app import audit, errors
from app.auth import fresh, sessions, signin
from app.context import RequestContext
from app.email.outbox import queue_email
from app.errors import AppError
from app.extensions import db
from app.i18n import locale_for_user
from app.mfa import challenge, factors, recovery_codes, totp
from app.models import User, utcnow

factors.register(totp.FACTOR)
factors.register(recovery_codes.FACTOR)


def _fail(error, message: str | None = None, **kwargs) -> NoReturn:
    db.session.rollback()
    raise AppError(error, message, **kwargs)


def _live_user(user_id) -> User:
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None or user.is_deleted or not user.is_active:  # ended since the token was checked
        _fail(errors.SESSION_REVOKED)
    return user


def _stamp() -> str:
    return utcnow().strftime("%Y-%m-%d %H:%M UTC")


# ------------------------------------------------------------------ status


def status(user_id) -> dict:
    """`{totp_enabled, recovery_codes_left, passkeys}` of the account."""
    return {
        "totp_enabled": totp.enrolled(user_id) > 0,
        "recovery_codes_left": recovery_codes.remaining(user_id),
        "passkeys": factors.get("passkey").enrolled(user_id),
    }


# --------------------------------------------------------------- enrolment


def begin_totp_setup(user_id, ctx: RequestContext) -> dict:
    """A new pending authenticator: `{secret, otpauth_uri, qr_svg}`. Nothing
    else changes until it is confirmed; 409 AUTH_MFA_ALREADY_ENABLED_036 when
    TOTP is on."""
    user = _live_user(user_id)
    if totp.enrolled(user.id):
        _fail(errors.MFA_ALREADY_ENABLED)
    shown = totp.begin_setup(user)
    audit.record_event(audit.MFA_SETUP_STARTED, ctx=ctx, user_id=user.id)
    db.session.commit()
    return shown


def confirm_totp(user_id, code: str, ctx: RequestContext) -> dict:
    """Turn TOTP on with a code of the pending authenticator: `{recovery_codes}`
    (ten, shown this once). 401 AUTH_MFA_CODE_INVALID_034 for a wrong code or
    when no setup is pending; 409 AUTH_MFA_ALREADY_ENABLED_036 when on.

    A wrong code here is not counted toward the lockout: it proves nothing
    about the account's existing credentials (the user is setting up an app)."""
    user = _live_user(user_id)
    if totp.enrolled(user.id):
        _fail(errors.MFA_ALREADY_ENABLED)
    if not totp.confirm(user.id, code):
        _fail(errors.MFA_CODE_INVALID, field="code")
    codes = recovery_codes.replace_codes(user.id)
    challenge.end_all(user.id)
    queue_email(user.email, "mfa_enabled", {"full_name": user.full_name, "at": _stamp()}, locale=locale_for_user(user))
    audit.record_event(audit.MFA_ENABLED, ctx=ctx, user_id=user.id, details={"method": "totp"})
    db.session.commit()
    return {"recovery_codes": codes}


# ------------------------------------------------- a code on a signed-in account


def _check_code(user: User, code, ctx: RequestContext, *, where: str) -> str:
    """The name of the factor `code` answers (TOTP, or a recovery code, which
    is then spent and mailed about); a wrong code counts toward the lockout
    and is 401 AUTH_MFA_CODE_INVALID_034 (429 while the account is locked)."""
    for factor in factors.for_field("code"):
        if factor.verify(user, code, None):
            if factor.name == recovery_codes.FACTOR.name:
                recovery_codes.notify_used(user, ctx, where=where)
            return factor.name
    signin.count_failure(
        user, utcnow(), ctx, event_type=audit.MFA_FAILED, reason=f"wrong_code_on_{where}", error=errors.MFA_CODE_INVALID, field="code"
    )


def disable_totp(user_id, code: str, ctx: RequestContext) -> None:
    """Turn TOTP off (needs a current TOTP code or an unused recovery code):
    the authenticator and the recovery codes are removed, pending second
    steps end. 409 AUTH_MFA_NOT_ENABLED_037 when it is off. Passkeys stay."""
    user = _live_user(user_id)
    if not totp.enrolled(user.id):
        _fail(errors.MFA_NOT_ENABLED)
    used = _check_code(user, code, ctx, where="disable")
    totp.remove(user.id)
    recovery_codes.remove(user.id)
    challenge.end_all(user.id)
    queue_email(user.email, "mfa_disabled", {"full_name": user.full_name, "at": _stamp()}, locale=locale_for_user(user))
    audit.record_event(audit.MFA_DISABLED, ctx=ctx, user_id=user.id, details={"proved_with": used})
    db.session.commit()


def regenerate_recovery_codes(user_id, code: str, ctx: RequestContext) -> dict:
    """Ten new recovery codes (the old ones are void), given a current TOTP
    code or an unused recovery code. 409 AUTH_MFA_NOT_ENABLED_037 when TOTP is off."""
    user = _live_user(user_id)
    if not totp.enrolled(user.id):
        _fail(errors.MFA_NOT_ENABLED)
    used = _check_code(user, code, ctx, where="regenerate")
    codes = recovery_codes.replace_codes(user.id)
    queue_email(user.email, "recovery_codes_regenerated", {"full_name": user.full_name, "at": _stamp()}, locale=locale_for_user(user))
    audit.record_event(audit.RECOVERY_CODES_REGENERATED, ctx=ctx, user_id=user.id, details={"proved_with": used})
    db.session.commit()
    return {"recovery_codes": codes}


@fresh.register_second_factor
def check_on_reauthentication(user: User, fields: dict, ctx: RequestContext) -> None:
    """POST /auth/reauthenticate on an account with two-factor sign-in on also
    needs `code` (a current TOTP code or an unused recovery code), or the proof
    of another enrolled factor in its own field (a passkey's `credential`).
    Missing: 401 AUTH_MFA_CODE_INVALID_034 (not counted); wrong: the same,
    counted toward the lockout."""
    if not factors.enrolled_methods(user.id):
        return
    for field in dict.fromkeys(f.field for f in factors.all_factors()):
        proof = fields.get(field)
        if proof is None:
            continue
        for factor in factors.for_field(field):
            if factor.verify(user, proof, None):
                if factor.name == recovery_codes.FACTOR.name:
                    recovery_codes.notify_used(user, ctx, where="reauthenticate")
                return
        signin.count_failure(
            user,
            utcnow(),
            ctx,
            event_type=audit.MFA_FAILED,
            reason="wrong_code_on_reauthenticate",
            error=errors.MFA_CODE_INVALID,
            field=field,
        )
    _fail(
        errors.MFA_CODE_INVALID,
        "Two-factor sign-in is on: send a code from your authenticator app or a recovery code as `code`.",
        field="code",
    )


# ------------------------------------------------------------ the second step


def complete_second_step(mfa_token: str, proofs: dict, ctx: RequestContext) -> dict:
    """Answer the second step of a sign-in: the login answer (session at aal 2).

    `proofs` holds one field of POST /auth/login/mfa (`code`, or a passkey's
    `credential`). An unknown, used, expired or over-tried `mfa_token`, or
    one whose account changed its password or was disabled or deleted since,
    is 401 AUTH_MFA_TOKEN_INVALID_035; a wrong proof is 401
    AUTH_MFA_CODE_INVALID_034, counts against the token (it ends after 5)
    and toward the account lockout (429 AUTH_ACCOUNT_LOCKED_022 while locked).
    """
    pending = challenge.find(mfa_token)
    if pending is None:
        _fail(errors.MFA_TOKEN_INVALID, field="mfa_token")
    user = db.session.get(User, pending.user_id, populate_existing=True)
    if not challenge.still_valid_for(pending, user):
        challenge.consume(pending)
        db.session.commit()
        raise AppError(errors.MFA_TOKEN_INVALID, field="mfa_token")
    if len(proofs) != 1:  # not a guess: not counted
        _fail(errors.MFA_CODE_INVALID, "Send exactly one of `code` and `credential`.", field="code")
    now = utcnow()
    signin.refuse_if_locked(user, now, ctx)  # before a code is spent on a sign-in that cannot happen
    [(field, proof)] = proofs.items()
    matched = next((f for f in factors.for_field(field) if f.verify(user, proof, pending)), None)
    if matched is None:
        if challenge.record_wrong_code(pending) is None:  # ended meanwhile (used, or tried out concurrently)
            _fail(errors.MFA_TOKEN_INVALID, field="mfa_token")
        signin.count_failure(user, now, ctx, event_type=audit.MFA_FAILED, reason="wrong_code", error=errors.MFA_CODE_INVALID, field=field)
    if not challenge.consume(pending):
        _fail(errors.MFA_TOKEN_INVALID, field="mfa_token")
    if matched.name == recovery_codes.FACTOR.name:
        recovery_codes.notify_used(user, ctx, where="sign_in")
    amr = list(dict.fromkeys([*pending.amr, *matched.amr]))
    return signin.complete_sign_in(
        user, ctx, amr=amr, aal=signin.AAL2, method="mfa", password_hash=user.password_hash if pending.password_digest else None
    )


# --------------------------------------------------------------- admin reset


def admin_reset(user_id, ctx: RequestContext) -> None:
    """An admin removes every second factor of an account (TOTP, recovery
    codes, passkeys: every factor of the registry), ends its sessions and pending
    second steps, and emails the user. 404 USER_NOT_FOUND_002 for an unknown
    or deleted account; 409 AUTH_MFA_NOT_ENABLED_037 when it has none."""
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None or user.is_deleted:
        _fail(errors.USER_NOT_FOUND)
    if not any(f.enrolled(user.id) for f in factors.all_factors()):
        _fail(errors.MFA_NOT_ENABLED)
    removed = {f.name: f.remove(user.id) for f in factors.all_factors()}
    challenge.end_all(user.id)
    ended = sessions.end_user_sessions(user.id, reason="mfa_reset")
    queue_email(user.email, "mfa_reset", {"full_name": user.full_name, "at": _stamp()}, locale=locale_for_user(user))
    audit.record_event(
        audit.MFA_RESET,
        ctx=ctx,
        user_id=user.id,
        details={"by": str(ctx.user_id) if ctx.user_id else None, "removed": removed, "sessions_ended": len(ended)},
    )
    db.session.commit()

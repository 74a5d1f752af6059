"""Passkeys (WebAuthn): registering them, managing them, signing in with them.

Built on py_webauthn. The relying party is WEBAUTHN_RP_ID / WEBAUTHN_RP_NAME,
ceremonies must come from one of WEBAUTHN_ORIGINS (config.py), and every
ceremony requires user verification (a PIN or biometric on the
authenticator), so that a passkey alone is two factors (aal 2).

- Registration (signed in, fresh session): `registration_options` (the
  account's passkeys excluded, a discoverable credential asked for), then
  `register_passkey` verifies the browser's answer and stores the public key.
- Sign-in: `authentication_options` always lists no credentials
  (`allowCredentials: []`): the browser offers the passkeys it holds for
  this site, and the answer for an email with an account and for one without
  is the same, so that the route reveals nothing. `sign_in` verifies the
  assertion and hands the account to app.auth.signin (lockout, disabled
  account, session at aal 2, audit).
- Failures are 400 AUTH_PASSKEY_INVALID_039 at registration and 401 at
  sign-in (same code); the reason stays in the audit trail.

See docs/passkeys.md.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from typing import NoReturn

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from app import audit, errors
from app.auth import signin
from app.context import RequestContext
from app.email.outbox import queue_email
from app.errors import AppError
from app.extensions import db
from app.i18n import locale_for_user
from app.models import Passkey, User, WebAuthnChallenge, utcnow
from app.passkeys import challenges
from app.users.service import find_live_user_by_email

log = logging.getLogger("gatehouse.passkeys")

# The browser waits this long for the user (milliseconds); the challenge lives as long.
CEREMONY_TIMEOUT_MS = challenges.CHALLENGE_TTL_SECONDS * 1000
# excludeCredentials lists them all: keep the list (and the options) small.
MAX_PASSKEYS_PER_USER = 20
# The `amr` of a passkey sign-in (RFC 8176): a hardware-bound key, and the user verified on it.
PASSKEY_AMR = ("hwk", "user")
_TRANSPORTS = {t.value for t in AuthenticatorTransport}


# ----------------------------------------------------------------- registration


def registration_options(ctx: RequestContext) -> dict:
    """PublicKeyCredentialCreationOptions (JSON, base64url fields) for the
    signed-in user of `ctx`: a discoverable credential with user
    verification, the account's passkeys excluded; the challenge is stored,
    bound to the account. Commits."""
    user = _live_user(ctx.user_id)
    existing = _passkeys_of(user.id)
    challenge = challenges.issue(WebAuthnChallenge.PURPOSE_REGISTER, user.id)
    options = generate_registration_options(
        rp_id=current_app.config["WEBAUTHN_RP_ID"],
        rp_name=current_app.config["WEBAUTHN_RP_NAME"],
        user_id=user.id.bytes,  # the user handle: an opaque id, never the email
        user_name=user.email,
        user_display_name=user.full_name,
        challenge=challenge,
        timeout=CEREMONY_TIMEOUT_MS,
        attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[_descriptor(p) for p in existing],
    )
    db.session.commit()
    return json.loads(options_to_json(options))


def register_passkey(credential: dict, name: str | None, ctx: RequestContext) -> Passkey:
    """Verify the browser's answer to `registration_options` and store the
    passkey under `name` (default "Passkey"); the user is emailed and the
    event audited. Commits.

    400 AUTH_PASSKEY_INVALID_039 when the answer does not verify: a
    challenge not issued to this account for registration, used or expired;
    another origin or RP id; no user verification; a bad attestation; a
    credential already registered (to anyone); more than
    MAX_PASSKEYS_PER_USER passkeys.
    """
    user = _live_user(ctx.user_id)
    spent = challenges.consume(credential, (WebAuthnChallenge.PURPOSE_REGISTER,))
    if spent is None or spent.user_id != user.id:
        _refuse_registration(user, ctx, "challenge")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=spent.challenge,
            expected_rp_id=current_app.config["WEBAUTHN_RP_ID"],
            expected_origin=current_app.config["WEBAUTHN_ORIGINS"],
            require_user_verification=True,
        )
    except Exception as exc:  # noqa: BLE001 - whatever the library refuses (or chokes on) is a bad answer
        log.info("passkey registration refused: %s", type(exc).__name__)
        _refuse_registration(user, ctx, "verification")
    if db.session.scalar(select(Passkey.id).where(Passkey.credential_id == verified.credential_id)) is not None:
        _refuse_registration(user, ctx, "duplicate", "This passkey is already registered.")
    if len(_passkeys_of(user.id)) >= MAX_PASSKEYS_PER_USER:
        _refuse_registration(user, ctx, "too_many", f"An account holds at most {MAX_PASSKEYS_PER_USER} passkeys.")
    transports = (credential.get("response") or {}).get("transports") or []
    passkey = Passkey(
        user_id=user.id,
        credential_id=verified.credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        transports=[t for t in transports if t in _TRANSPORTS] if isinstance(transports, list) else [],
        backup_eligible=verified.credential_device_type == "multi_device",
        backed_up=bool(verified.credential_backed_up),
        aaguid=str(verified.aaguid) if verified.aaguid else None,
        name=name or "Passkey",
        created_at=utcnow(),
    )
    db.session.add(passkey)
    try:
        db.session.flush()
    except IntegrityError:  # the same credential registered concurrently
        db.session.rollback()
        raise AppError(errors.PASSKEY_REJECTED, "This passkey is already registered.") from None
    audit.record_event(
        audit.PASSKEY_ADDED,
        ctx=ctx,
        user_id=user.id,
        details={"passkey_id": str(passkey.id), "name": passkey.name, "backup_eligible": passkey.backup_eligible},
    )
    queue_email(
        user.email,
        "passkey_added",
        {
            "full_name": user.full_name,
            "name": passkey.name,
            "at": passkey.created_at.strftime("%Y-%m-%d %H:%M UTC"),
        },
        locale=locale_for_user(user),
    )
    db.session.commit()
    return passkey


def _refuse_registration(user: User, ctx: RequestContext, reason: str, message: str | None = None) -> NoReturn:
    # The challenge (if any) stays spent: one try per challenge.
    audit.record_event(audit.PASSKEY_ADDED, ctx=ctx, user_id=user.id, outcome="failure", details={"reason": reason})
    db.session.commit()
    raise AppError(errors.PASSKEY_REJECTED, message)


# ------------------------------------------------------------------ management


def list_passkeys(user_id: uuid.UUID) -> list[Passkey]:
    """The account's passkeys, oldest first."""
    return _passkeys_of(user_id)


def count_passkeys(user_id: uuid.UUID) -> int:
    """How many passkeys the account holds (0: none)."""
    return db.session.scalar(select(func.count()).select_from(Passkey).where(Passkey.user_id == user_id)) or 0


def has_passkeys(user_id: uuid.UUID) -> bool:
    return count_passkeys(user_id) > 0


def rename_passkey(user_id: uuid.UUID, passkey_id: uuid.UUID, name: str, ctx: RequestContext) -> Passkey:
    """Give one of the account's passkeys a new name; 404 AUTH_PASSKEY_NOT_FOUND_054
    for an unknown passkey or another account's. Commits."""
    passkey = _own_passkey(user_id, passkey_id)
    old = passkey.name
    passkey.name = name
    audit.record_event(audit.PASSKEY_RENAMED, ctx=ctx, user_id=user_id, details={"passkey_id": str(passkey.id), "from": old, "to": name})
    db.session.commit()
    return passkey


def delete_passkey(user_id: uuid.UUID, passkey_id: uuid.UUID, ctx: RequestContext) -> None:
    """Remove one of the account's passkeys: it signs in no more; 404
    AUTH_PASSKEY_NOT_FOUND_054 for an unknown passkey or another account's;
    409 AUTH_LAST_SIGN_IN_METHOD_041 when the account would be left with no
    way to sign in (a passkey signs in on its own: app.auth.methods). Commits."""
    from app.auth import methods

    # The account's row lock serialises two deletions of its last two ways in
    # (as an identity's unlink does: app.oidc.service.unlink).
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())
    passkey = _own_passkey(user_id, passkey_id)
    if len(methods.sign_in_methods(user_id)) <= 1:
        audit.record_event(
            audit.PASSKEY_REMOVED,
            ctx=ctx,
            user_id=user_id,
            outcome="failure",
            details={"passkey_id": str(passkey.id), "name": passkey.name, "reason": "last_sign_in_method"},
        )
        db.session.commit()
        raise AppError(errors.LAST_SIGN_IN_METHOD)
    db.session.delete(passkey)
    audit.record_event(audit.PASSKEY_REMOVED, ctx=ctx, user_id=user_id, details={"passkey_id": str(passkey.id), "name": passkey.name})
    db.session.commit()


def remove_all(user_id: uuid.UUID) -> int:
    """Remove every passkey of the account (an admin's MFA reset), in the
    caller's transaction; returns how many there were."""
    result = db.session.execute(delete(Passkey).where(Passkey.user_id == user_id).execution_options(synchronize_session=False))
    return result.rowcount or 0


def _own_passkey(user_id: uuid.UUID, passkey_id: uuid.UUID) -> Passkey:
    passkey = db.session.scalar(select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user_id))
    if passkey is None:
        raise AppError(errors.PASSKEY_NOT_FOUND)
    return passkey


# ---------------------------------------------------------------------- sign-in


def authentication_options(email: str | None = None, mfa_token: str | None = None) -> dict:
    """PublicKeyCredentialRequestOptions (JSON) for a passkey sign-in.

    Without `email`, any account's passkey may answer (discoverable
    credentials). With one, only a passkey of that email's account may (none
    when no live account uses it). Either way `allowCredentials` is empty and
    the answer has the same shape, so that it says nothing about the address.

    With `mfa_token` (the second step of a sign-in, docs/mfa.md) the challenge
    is for that step, bound to its account, and `allowCredentials` lists the
    account's passkeys (whoever holds the token has proved the password);
    401 AUTH_MFA_TOKEN_INVALID_035 for an unknown, used or expired token.
    Commits the challenge.
    """
    if mfa_token is not None:
        return _second_step_options(mfa_token)
    if email is None:
        challenge = challenges.issue(WebAuthnChallenge.PURPOSE_LOGIN)
    else:
        user = find_live_user_by_email(email)
        challenge = challenges.issue(WebAuthnChallenge.PURPOSE_LOGIN_ACCOUNT, user.id if user else None)
    return _request_options(challenge)


def _second_step_options(mfa_token: str) -> dict:
    from app.mfa import challenge as second_step  # the mfa_token's store

    pending = second_step.find(mfa_token)
    user = db.session.get(User, pending.user_id) if pending else None
    if pending is None or not second_step.still_valid_for(pending, user):
        db.session.rollback()
        raise AppError(errors.MFA_TOKEN_INVALID, field="mfa_token")
    challenge = challenges.issue(WebAuthnChallenge.PURPOSE_MFA, user.id)
    return _request_options(challenge, allow=_passkeys_of(user.id))


def _request_options(challenge: bytes, allow: list[Passkey] = ()) -> dict:
    options = generate_authentication_options(
        rp_id=current_app.config["WEBAUTHN_RP_ID"],
        challenge=challenge,
        timeout=CEREMONY_TIMEOUT_MS,
        allow_credentials=[_descriptor(p) for p in allow],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    db.session.commit()
    return json.loads(options_to_json(options))


def sign_in(credential: dict, ctx: RequestContext) -> dict:
    """Sign in with a passkey: the login answer with a session at aal 2
    (amr hwk, user), through app.auth.signin.complete_sign_in (so a locked
    account is 429 AUTH_ACCOUNT_LOCKED_022, a disabled one 403
    AUTH_ACCOUNT_DISABLED_021). 401 AUTH_PASSKEY_INVALID_039 when the
    assertion does not verify (see `verify_assertion`) or the account is deleted."""
    passkey, user = verify_assertion(credential, (WebAuthnChallenge.PURPOSE_LOGIN, WebAuthnChallenge.PURPOSE_LOGIN_ACCOUNT), ctx)
    db.session.commit()  # the spent challenge and the new counter stand whatever the sign-in rules say
    if user.is_deleted:
        raise AppError(errors.PASSKEY_INVALID)
    return signin.complete_sign_in(user, ctx, amr=PASSKEY_AMR, aal=signin.AAL2, method="passkey")


def verify_assertion(
    credential: dict, purposes: tuple[str, ...], ctx: RequestContext, user_id: uuid.UUID | None = None
) -> tuple[Passkey, User]:
    """Check a passkey assertion (the browser's answer to
    `navigator.credentials.get()`) and record the use; the caller commits.

    It must answer an unused, unexpired challenge issued for one of
    `purposes` (spent now), come from WEBAUTHN_ORIGINS for WEBAUTHN_RP_ID,
    with the user verified, be signed by a registered passkey — of the
    challenge's account when it has one, and of `user_id` when given — and
    carry a signature counter above the stored one (unless the authenticator
    keeps none: both 0). A counter that goes backwards (a cloned
    authenticator) is refused and audited. Anything else: 401
    AUTH_PASSKEY_INVALID_039, after committing the spent challenge and an
    audit event with the reason.
    """
    spent = challenges.consume(credential, purposes)
    if spent is None:
        _refuse_assertion(ctx, "challenge")
    passkey = db.session.scalar(select(Passkey).where(Passkey.credential_id == _raw_id(credential)))
    if passkey is None:
        _refuse_assertion(ctx, "unknown_credential")
    if spent.purpose == WebAuthnChallenge.PURPOSE_LOGIN_ACCOUNT and spent.user_id is None:
        _refuse_assertion(ctx, "unknown_account", passkey)  # the email given has no account
    for expected in (spent.user_id, user_id):
        if expected is not None and passkey.user_id != expected:
            _refuse_assertion(ctx, "other_account", passkey)
    user_handle = (credential.get("response") or {}).get("userHandle")
    if user_handle is not None and _b64url(user_handle) != passkey.user_id.bytes:
        _refuse_assertion(ctx, "user_handle", passkey)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=spent.challenge,
            expected_rp_id=current_app.config["WEBAUTHN_RP_ID"],
            expected_origin=current_app.config["WEBAUTHN_ORIGINS"],
            credential_public_key=passkey.public_key,
            credential_current_sign_count=0,  # the counter is checked below, so that a regression is audited
            require_user_verification=True,
        )
    except Exception as exc:  # noqa: BLE001 - whatever the library refuses (or chokes on) is a bad answer
        log.info("passkey assertion refused: %s", type(exc).__name__)
        _refuse_assertion(ctx, "verification", passkey)
    if (verified.new_sign_count or passkey.sign_count) and verified.new_sign_count <= passkey.sign_count:
        audit.record_event(
            audit.PASSKEY_COUNTER_REGRESSION,
            ctx=ctx,
            user_id=passkey.user_id,
            outcome="failure",
            details={"passkey_id": str(passkey.id), "stored": passkey.sign_count, "presented": verified.new_sign_count},
        )
        _refuse_assertion(ctx, "counter_regression", passkey)
    now = utcnow()
    # Guarded on the counter read above: of two assertions racing with the same count, one passes.
    updated = db.session.execute(
        update(Passkey)
        .where(Passkey.id == passkey.id, Passkey.sign_count == passkey.sign_count)
        .values(sign_count=verified.new_sign_count, last_used_at=now, backed_up=bool(verified.credential_backed_up))
        .execution_options(synchronize_session=False)
    ).rowcount
    if not updated:
        _refuse_assertion(ctx, "counter_race", passkey)
    db.session.refresh(passkey)
    user = db.session.get(User, passkey.user_id)
    return passkey, user


def _refuse_assertion(ctx: RequestContext, reason: str, passkey: Passkey | None = None) -> NoReturn:
    details = {"reason": reason}
    if passkey is not None:
        details["passkey_id"] = str(passkey.id)
    audit.record_event(
        audit.PASSKEY_SIGN_IN_FAILED, ctx=ctx, user_id=passkey.user_id if passkey else None, outcome="failure", details=details
    )
    db.session.commit()
    raise AppError(errors.PASSKEY_INVALID)


# --------------------------------------------------------------------- helpers


def _live_user(user_id: uuid.UUID) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.is_deleted or not user.is_active:  # ended since the token was checked
        raise AppError(errors.SESSION_REVOKED)
    return user


def _passkeys_of(user_id: uuid.UUID) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user_id).order_by(Passkey.created_at, Passkey.id)))


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    return PublicKeyCredentialDescriptor(
        id=passkey.credential_id, transports=[AuthenticatorTransport(t) for t in passkey.transports] or None
    )


def _raw_id(credential: dict) -> bytes:
    return _b64url(credential.get("rawId"))


def _b64url(value) -> bytes:
    if not isinstance(value, str):
        return b""
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""

"""TOTP authenticators (RFC 6238: SHA-1, 6 digits, 30-second steps), on pyotp.

- Setup makes a pending authenticator: a new random secret (160 bits),
  stored encrypted with ENCRYPTION_KEYS (app.encryption), shown to the user
  once as the secret, an `otpauth://` URI (issuer MFA_ISSUER, the account's
  email) and that URI as a QR code (SVG, segno). A pending authenticator does
  not turn two-factor sign-in on; setup again replaces it.
- A code confirms it (`confirm`), then it is the `totp` second factor
  (app.mfa.factors): it turns the second step on (`activates`).
- A code is accepted for the current step and one step either side (clock
  drift), and once only: the step of the last accepted code is kept
  (`last_used_step`) and a code of that step or an earlier one is refused.
  The check and the record are one conditional UPDATE, so that two requests
  presenting the same code at once cannot both pass.

Nothing here commits; the caller's transaction (app.mfa.service) does.
"""

from __future__ import annotations

import hmac
import io
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from app import encryption
from app.extensions import db
from app.mfa import factors
from app.models import TotpAuthenticator, User, utcnow

DIGITS = 6
INTERVAL = 30
DRIFT_STEPS = 1  # one step either side of the current one

_clock = time.time  # (tests move it)


def current_step(now: float | None = None) -> int:
    return int((_clock() if now is None else now) // INTERVAL)


def code_at(secret: str, step: int) -> str:
    """The code of `secret` for `step` (what an authenticator app shows then)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).generate_otp(step)


def matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The step within ±DRIFT_STEPS of now whose code is `code` and which is
    later than `after` (the last step used), or None. Compares in constant time."""
    code = normalise(code)
    if code is None:
        return None
    now = current_step()
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        # every candidate is compared, so that the time taken says nothing of which matched
        if hmac.compare_digest(code_at(secret, step), code) and (after is None or step > after) and found is None:
            found = step
    return found


def normalise(code: str) -> str | None:
    """The six digits of `code` as typed (spaces allowed: "123 456"), or None."""
    digits = "".join(str(code).split())
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


# ----------------------------------------------------------------- setup


def begin_setup(user: User) -> dict:
    """Make (or replace) the user's pending authenticator; the caller has
    checked that TOTP is not on. Returns `{secret, otpauth_uri, qr_svg}`."""
    secret = pyotp.random_base32(length=32)
    db.session.execute(delete(TotpAuthenticator).where(TotpAuthenticator.user_id == user.id, TotpAuthenticator.confirmed_at.is_(None)))
    db.session.add(TotpAuthenticator(user_id=user.id, secret_encrypted=encryption.encrypt(secret)))
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=user.email, issuer_name=current_app.config["MFA_ISSUER"]
    )
    return {"secret": secret, "otpauth_uri": uri, "qr_svg": qr_svg(uri)}


def qr_svg(uri: str) -> str:
    """`uri` as a QR code: a standalone SVG document (no XML declaration)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=4, xmldecl=False, title="Authenticator QR code")
    return out.getvalue().decode("utf-8")


def authenticator(user_id, *, confirmed: bool | None = True) -> TotpAuthenticator | None:
    query = select(TotpAuthenticator).where(TotpAuthenticator.user_id == user_id)
    if confirmed is not None:
        query = query.where(TotpAuthenticator.confirmed_at.is_not(None) if confirmed else TotpAuthenticator.confirmed_at.is_(None))
    return db.session.execute(query.execution_options(populate_existing=True)).scalar_one_or_none()


def confirm(user_id, code: str) -> bool:
    """Turn the pending authenticator on if `code` is right for it (the code is
    then used: it cannot sign in too). False when it is wrong or none is pending."""
    pending = authenticator(user_id, confirmed=False)
    if pending is None:
        return False
    step = matching_step(encryption.decrypt(pending.secret_encrypted), code, None)
    if step is None:
        return False
    return (
        db.session.execute(
            update(TotpAuthenticator)
            .where(TotpAuthenticator.user_id == user_id, TotpAuthenticator.confirmed_at.is_(None))
            .values(confirmed_at=utcnow(), last_used_step=step)
            .returning(TotpAuthenticator.user_id)
            .execution_options(synchronize_session=False)
        ).first()
        is not None
    )


# ----------------------------------------------------------- the factor


def verify(user: User, code, challenge=None) -> bool:
    """Whether `code` is a current code of the user's (confirmed) authenticator
    not used before; if so its step is recorded, in the caller's transaction."""
    if not isinstance(code, str):
        return False
    active = authenticator(user.id)
    if active is None:
        return False
    step = matching_step(encryption.decrypt(active.secret_encrypted), code, active.last_used_step)
    if step is None:
        return False
    return (
        db.session.execute(
            update(TotpAuthenticator)
            .where(
                TotpAuthenticator.user_id == user.id,
                TotpAuthenticator.confirmed_at.is_not(None),
                or_(TotpAuthenticator.last_used_step.is_(None), TotpAuthenticator.last_used_step < step),
            )
            .values(last_used_step=step)
            .returning(TotpAuthenticator.user_id)
            .execution_options(synchronize_session=False)
        ).first()
        is not None
    )


def enrolled(user_id) -> int:
    return db.session.execute(
        select(func.count())
        .select_from(TotpAuthenticator)
        .where(TotpAuthenticator.user_id == user_id, TotpAuthenticator.confirmed_at.is_not(None))
    ).scalar_one()


def remove(user_id) -> int:
    """Remove the user's authenticator, confirmed or pending; returns 1 if one was on, else 0."""
    removed = (
        db.session.execute(
            delete(TotpAuthenticator)
            .where(TotpAuthenticator.user_id == user_id)
            .returning(TotpAuthenticator.confirmed_at)
            .execution_options(synchronize_session=False)
        )
        .scalars()
        .all()
    )
    return sum(1 for confirmed_at in removed if confirmed_at is not None)


FACTOR = factors.SecondFactor(name="totp", field="code", amr=("otp",), enrolled=enrolled, verify=verify, remove=remove, activates=True)

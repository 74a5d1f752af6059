"""Recovery codes: ten single-use codes, shown once, for when the
authenticator is lost.

Each code is 16 random base32 characters (80 bits), shown as four groups
(`abcd-efgh-ijkl-mnop`); it is stored only as the SHA-256 of its
normalised form (lower case, no separators), which 80 random bits make
impossible to reverse by guessing. A code is accepted wherever a TOTP code is
(`POST /auth/login/mfa`, turning MFA off, new codes), once: using it is one
conditional UPDATE, so two requests with the same code cannot both pass.
Using one at sign-in emails the user with how many are left.

Nothing here commits; the caller's transaction does.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

from sqlalchemy import delete, func, select, update

from app import audit
from app.context import RequestContext
from app.email.outbox import queue_email
from app.extensions import db
from app.i18n import locale_for_user
from app.mfa import factors
from app.models import RecoveryCode, User, utcnow

COUNT = 10
_LENGTH = 16  # base32 characters: 80 bits
_GROUP = 4


def _new_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(_LENGTH * 5 // 8)).decode("ascii").lower()
    return "-".join(raw[i : i + _GROUP] for i in range(0, _LENGTH, _GROUP))


def normalise(code: str) -> str:
    """A code as typed, compared form: lower case, without spaces and dashes."""
    return "".join(ch for ch in str(code).lower() if ch not in "- \t")


def hash_code(code: str) -> str:
    return hashlib.sha256(normalise(code).encode("utf-8")).hexdigest()


def replace_codes(user_id) -> list[str]:
    """New codes for the user (the old ones are void); returns them in plain
    text, the only time they exist so."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = [_new_code() for _ in range(COUNT)]
    db.session.add_all(RecoveryCode(user_id=user_id, code_hash=hash_code(code)) for code in codes)
    return codes


def remaining(user_id) -> int:
    """How many unused codes the user has."""
    return db.session.execute(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).scalar_one()


def use(user_id, code) -> bool:
    """Spend `code` if it is one of the user's unused codes."""
    if not isinstance(code, str) or len(normalise(code)) != _LENGTH:
        return False
    return (
        db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.user_id == user_id, RecoveryCode.code_hash == hash_code(code), RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
            .returning(RecoveryCode.id)
            .execution_options(synchronize_session=False)
        ).first()
        is not None
    )


def notify_used(user: User, ctx: RequestContext, *, where: str) -> int:
    """Email the user and record that a recovery code was used (`where`:
    "sign_in", "disable", "regenerate"); returns how many are left."""
    left = remaining(user.id)
    queue_email(
        user.email,
        "recovery_code_used",
        {"full_name": user.full_name, "remaining": left, "at": utcnow().strftime("%Y-%m-%d %H:%M UTC")},
        locale=locale_for_user(user),
    )
    audit.record_event(audit.RECOVERY_CODE_USED, ctx=ctx, user_id=user.id, details={"remaining": left, "where": where})
    return left


# ----------------------------------------------------------- the factor


def verify(user: User, code, challenge=None) -> bool:
    """The factor's check at sign-in: spends the code; the email and audit
    event about it are written by the sign-in (app.mfa.service)."""
    return use(user.id, code)


def enrolled(user_id) -> int:
    return remaining(user_id)


def remove(user_id) -> int:
    """Remove all the user's codes, used or not; returns how many were unused."""
    unused = remaining(user_id)
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    return unused


FACTOR = factors.SecondFactor(name="recovery_code", field="code", amr=("otp",), enrolled=enrolled, verify=verify, remove=remove)

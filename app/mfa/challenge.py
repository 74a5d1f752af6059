"""The pending second step of a sign-in: the `mfa_token` of an
`mfa_required` answer (app.auth.signin), kept server side.

The token is 256 random bits, stored only as its SHA-256 in `mfa_challenges`
(PostgreSQL, so that every instance sees one state and a Redis outage costs
nothing). A challenge belongs to one account and records what the first step
proved (`amr`) and a digest of the password hash it verified. It ends:

- on use (`consume`: one conditional UPDATE, so of two requests presenting
  it at once only one signs in);
- after MAX_ATTEMPTS wrong codes (`record_wrong_code`, atomic as well);
- LIFETIME_SECONDS after it was issued;
- when the account's password changes (`find` compares the digest), or the
  account is deleted or disabled (the caller checks).

Nothing here commits; app.mfa.service and app.auth.signin do.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, or_, select, update

from app.extensions import db
from app.models import MfaChallenge, User, utcnow
from app.security.tokens import hash_token, new_token

LIFETIME_SECONDS = 300
MAX_ATTEMPTS = 5
# Other accounts' challenges expired a while ago, cleared by each new challenge (at most this many at a time).
STALE_BATCH = 100


@dataclass(frozen=True)
class Challenge:
    """A live challenge, as a second factor's `verify` sees it."""

    id: object
    user_id: object
    amr: tuple[str, ...]
    password_digest: str | None


def digest(password_hash: str | None) -> str | None:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest() if password_hash else None


def issue(user: User, *, amr, password_hash: str | None = None) -> tuple[str, int]:
    """A new challenge for `user`, whose first step proved `amr`; returns the
    token (plain, for the client) and its lifetime in seconds. The user's
    ended challenges are cleared away at the same time, and so are any
    account's challenges expired a while ago (as WebAuthn challenges and OIDC
    requests are), so that an account that never signs in again leaves none."""
    now = utcnow()
    db.session.execute(
        delete(MfaChallenge)
        .where(MfaChallenge.user_id == user.id, or_(MfaChallenge.ended_at.is_not(None), MfaChallenge.expires_at <= now))
        .execution_options(synchronize_session=False)
    )
    # Rows another sign-in is clearing are skipped, not waited for (nor deadlocked on).
    stale = (
        select(MfaChallenge.id)
        .where(MfaChallenge.expires_at < now - timedelta(seconds=LIFETIME_SECONDS))
        .limit(STALE_BATCH)
        .with_for_update(skip_locked=True)
    )
    db.session.execute(
        delete(MfaChallenge).where(MfaChallenge.id.in_(stale.scalar_subquery())).execution_options(synchronize_session=False)
    )
    token, token_hash = new_token()
    db.session.add(
        MfaChallenge(
            token_hash=token_hash,
            user_id=user.id,
            amr=" ".join(amr),
            password_digest=digest(password_hash),
            created_at=now,
            expires_at=now + timedelta(seconds=LIFETIME_SECONDS),
        )
    )
    return token, LIFETIME_SECONDS


def _live(now):
    return (MfaChallenge.ended_at.is_(None), MfaChallenge.expires_at > now, MfaChallenge.failed_attempts < MAX_ATTEMPTS)


def find(token) -> Challenge | None:
    """The live challenge of `token` (unknown, used, expired or over-tried: None)."""
    if not isinstance(token, str) or not token:
        return None
    row = db.session.execute(
        select(MfaChallenge).where(MfaChallenge.token_hash == hash_token(token), *_live(utcnow())).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        return None
    return Challenge(id=row.id, user_id=row.user_id, amr=tuple(row.amr.split()), password_digest=row.password_digest)


def still_valid_for(challenge: Challenge, user: User) -> bool:
    """Whether the account is as the first step found it: live, active, same password."""
    if user is None or user.is_deleted or not user.is_active:
        return False
    return challenge.password_digest is None or challenge.password_digest == digest(user.password_hash)


def record_wrong_code(challenge: Challenge) -> int | None:
    """Count a wrong code against the challenge (it ends at MAX_ATTEMPTS);
    returns the count, or None if it had already ended."""
    now = utcnow()
    return db.session.execute(
        update(MfaChallenge)
        .where(MfaChallenge.id == challenge.id, *_live(now))
        .values(failed_attempts=MfaChallenge.failed_attempts + 1)
        .returning(MfaChallenge.failed_attempts)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def consume(challenge: Challenge) -> bool:
    """End the challenge because it was answered; False if it had ended meanwhile."""
    now = utcnow()
    return (
        db.session.execute(
            update(MfaChallenge)
            .where(MfaChallenge.id == challenge.id, *_live(now))
            .values(ended_at=now)
            .returning(MfaChallenge.id)
            .execution_options(synchronize_session=False)
        ).first()
        is not None
    )


def end_all(user_id) -> None:
    """End every pending challenge of the user (MFA turned off or reset)."""
    db.session.execute(
        update(MfaChallenge)
        .where(MfaChallenge.user_id == user_id, MfaChallenge.ended_at.is_(None))
        .values(ended_at=utcnow())
        .execution_options(synchronize_session=False)
    )

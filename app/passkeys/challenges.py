"""WebAuthn challenges: single use, valid 5 minutes, bound to their ceremony.

A challenge is 32 random bytes handed to the browser in the ceremony's
options; only its SHA-256 hash is stored (`webauthn_challenges`), with its
purpose (register, login, login_account, mfa) and, when the ceremony is for
a known account, that account. The browser's answer carries the challenge
back inside the signed `clientDataJSON`: `consume` reads it from there, and
spends the row in one statement (`UPDATE ... WHERE used = false RETURNING`),
so that two requests presenting the same answer cannot both pass. Database
rather than Redis: a ceremony must survive a Redis outage, and the row is
spent in the same transaction as what it allows (a stored passkey, a
session). See docs/passkeys.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update

from app.extensions import db
from app.models import WebAuthnChallenge, utcnow

CHALLENGE_TTL_SECONDS = 300
CHALLENGE_BYTES = 32


@dataclass(frozen=True)
class SpentChallenge:
    """A challenge that `consume` has just used up: its bytes, purpose and account (None: any)."""

    challenge: bytes
    purpose: str
    user_id: uuid.UUID | None


def _hash(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def issue(purpose: str, user_id: uuid.UUID | None = None) -> bytes:
    """A new challenge for a ceremony of `purpose` (for the account `user_id`,
    or None), stored in the caller's transaction; the caller commits.
    Challenges expired a while ago are cleared on the way."""
    now = utcnow()
    db.session.execute(
        delete(WebAuthnChallenge)
        .where(WebAuthnChallenge.expires_at < now - timedelta(seconds=CHALLENGE_TTL_SECONDS))
        .execution_options(synchronize_session=False)
    )
    challenge = secrets.token_bytes(CHALLENGE_BYTES)
    db.session.add(
        WebAuthnChallenge(
            challenge_hash=_hash(challenge), purpose=purpose, user_id=user_id, expires_at=now + timedelta(seconds=CHALLENGE_TTL_SECONDS)
        )
    )
    return challenge


def challenge_in(credential: dict) -> bytes | None:
    """The challenge the browser signed, read from the credential's
    `response.clientDataJSON` (base64url), or None when it has none."""
    try:
        client_data = json.loads(_b64url_decode(credential["response"]["clientDataJSON"]))
        return _b64url_decode(client_data["challenge"])
    except (KeyError, TypeError, ValueError, binascii.Error, UnicodeError):
        return None


def consume(credential: dict, purposes: tuple[str, ...]) -> SpentChallenge | None:
    """Spend the challenge `credential` answers, if it is unused, unexpired
    and issued for one of `purposes`; None otherwise. The spend is part of
    the caller's transaction: a ceremony that then fails should commit it
    anyway (a challenge is good for one try), which the callers do."""
    challenge = challenge_in(credential)
    if not challenge:
        return None
    row = db.session.execute(
        update(WebAuthnChallenge)
        .where(
            WebAuthnChallenge.challenge_hash == _hash(challenge),
            WebAuthnChallenge.used.is_(False),
            WebAuthnChallenge.expires_at > utcnow(),
            WebAuthnChallenge.purpose.in_(purposes),
        )
        .values(used=True)
        .returning(WebAuthnChallenge.purpose, WebAuthnChallenge.user_id)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    return SpentChallenge(challenge=challenge, purpose=row.purpose, user_id=row.user_id)


def _b64url_decode(value: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError("not a string")
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))

"""Rotate, retire and list the signing keys (`flask --app wsgi keys ...`).

A rotation adds a key that signs every token issued from then on; the older
keys keep verifying the tokens they signed until those expire or the operator
retires the key. Each change is committed, audited, then announced to every
instance (app.keys.ring.announce_change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app import errors
from app.audit import events
from app.audit.service import record_event
from app.context import RequestContext
from app.errors import AppError
from app.extensions import db
from app.keys import ring
from app.keys.material import ASYMMETRIC_ALGORITHMS
from app.models import SigningKey, utcnow


@dataclass(frozen=True)
class KeyInfo:
    """What `keys list` shows of a key: never its private part."""

    kid: str
    algorithm: str
    created_at: datetime
    retired_at: datetime | None
    status: str
    """`signing`, `verifying` (tokens it signed still verify), `retired`, or `inactive` (another algorithm)."""
    replaced_at: datetime | None = None
    """When a newer key took over signing: the key's tokens have all expired JWT_EXPIRATION_HOURS later."""


def _require_database_keys(algorithm: str | None) -> str:
    config = current_app.config
    if config.get("JWT_PRIVATE_KEY_FILE"):
        raise AppError(
            errors.SIGNING_KEYS_NOT_MANAGED, "JWT_PRIVATE_KEY_FILE is set: the signing key is that file, managed outside Gatehouse."
        )
    algorithm = algorithm or config["JWT_ALGORITHM"]
    if algorithm not in ASYMMETRIC_ALGORITHMS:
        raise AppError(
            errors.SIGNING_KEYS_NOT_MANAGED,
            "JWT_ALGORITHM is HS256, which signs with JWT_SECRET_KEY; name EdDSA or ES256 to make a key ahead.",
        )
    return algorithm


def rotate_key(ctx: RequestContext, algorithm: str | None = None) -> KeyInfo:
    """Make a new key of `algorithm` (default: the configured one); it signs every token
    issued from now on, on every instance within JWT_KEYS_CHECK_SECONDS."""
    algorithm = _require_database_keys(algorithm)
    row = ring.new_key_row(algorithm)
    key = SigningKey(**row, created_at=utcnow())
    db.session.add(key)
    record_event(events.SIGNING_KEY_ROTATED, ctx=ctx, details={"kid": key.kid, "algorithm": algorithm})
    db.session.commit()
    ring.announce_change()
    return _describe(key, _all_keys())


def retire_key(kid: str, ctx: RequestContext) -> KeyInfo:
    """Retire key `kid`: tokens it signed are refused (031) on every instance within
    JWT_KEYS_CHECK_SECONDS, and it leaves the JWK Set. The key that signs new tokens
    cannot be retired (rotate first). Retiring a retired key changes nothing."""
    key = db.session.get(SigningKey, kid)
    if key is None:
        raise AppError(errors.SIGNING_KEY_NOT_FOUND)
    if key.retired_at is None:
        if (
            _signing_kid(key.algorithm) == key.kid
            and key.algorithm == current_app.config["JWT_ALGORITHM"]
            and not current_app.config.get("JWT_PRIVATE_KEY_FILE")
        ):
            raise AppError(errors.SIGNING_KEY_IN_USE)
        key.retired_at = utcnow()
        record_event(events.SIGNING_KEY_RETIRED, ctx=ctx, details={"kid": key.kid, "algorithm": key.algorithm})
        db.session.commit()
        ring.announce_change()
    return _describe(key, _all_keys())


def list_keys() -> list[KeyInfo]:
    """Every key in the table, newest first, with what it does now."""
    keys = _all_keys()
    return [_describe(key, keys) for key in keys]


def _all_keys() -> list[SigningKey]:
    return list(db.session.scalars(select(SigningKey).order_by(SigningKey.created_at.desc(), SigningKey.kid)))


def _signing_kid(algorithm: str) -> str | None:
    return db.session.scalar(
        select(SigningKey.kid)
        .where(SigningKey.algorithm == algorithm, SigningKey.retired_at.is_(None))
        .order_by(SigningKey.created_at.desc(), SigningKey.kid)
        .limit(1)
    )


def _describe(key: SigningKey, keys: list[SigningKey]) -> KeyInfo:
    configured = current_app.config["JWT_ALGORITHM"]
    # Unretired keys of one algorithm, in the ring's order (newest first): the
    # first one signs, and a key stopped signing when the one before it was made.
    same = [k for k in keys if k.algorithm == key.algorithm and k.retired_at is None]
    position = same.index(key) if key in same else None
    replaced_at = same[position - 1].created_at if position else None
    if key.retired_at is not None:
        status = "retired"
    elif key.algorithm != configured or current_app.config.get("JWT_PRIVATE_KEY_FILE"):
        status = "inactive"
    elif position == 0:
        status = "signing"
    else:
        status = "verifying"
    return KeyInfo(key.kid, key.algorithm, key.created_at, key.retired_at, status, replaced_at)


def safe_to_retire_at(info: KeyInfo) -> datetime | None:
    """When the last token `info`'s key signed has expired (None while it still signs)."""
    if info.replaced_at is None:
        return None
    return info.replaced_at + timedelta(hours=current_app.config["JWT_EXPIRATION_HOURS"])

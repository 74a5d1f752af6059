"""Access tokens: JWT HS256 carrying `sub` (user id), `sid` (session id), `iat`,
`exp`, `jti`, and a per-process cache of verified claims.

A token that verifies is still refused once its session has ended: the
guards check the session's live state on every request (app.security.session_cache).
"""

from __future__ import annotations

import functools
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
from flask import current_app

from app import errors
from app.errors import AppError

JWT_ALGORITHM = "HS256"


def issue_access_token(user_id, session_id, *, aal: int = 1, amr=("pwd",),
                       auth_time: datetime | None = None) -> tuple[str, int]:
    """A signed access token for `session_id`, and its lifetime in seconds.

    It carries the session's assurance level (`aal`) and how the user signed
    in (`amr`, RFC 8176 names), see docs/mfa.md; and `auth_time` (OpenID
    Connect's claim name, Unix seconds), when the user last proved who they
    are on this session: `app.auth.fresh` decides from it whether the token
    may do sensitive things. Without it the token is never fresh.
    """
    lifetime = int(current_app.config["JWT_EXPIRATION_HOURS"] * 3600)
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": now,
        "exp": now + timedelta(seconds=lifetime),
        "jti": uuid.uuid4().hex,
        "type": "access",
        "aal": aal,
        "amr": list(amr),
    }
    if auth_time is not None:
        claims["auth_time"] = int(auth_time.timestamp())
    token = jwt.encode(claims, current_app.config["JWT_SECRET_KEY"], algorithm=JWT_ALGORITHM)
    return token, lifetime


def decode_access_token(token: str) -> dict:
    """The verified claims of an access token; AppError with its own code otherwise."""
    claims = _verified_claims(token, current_app.config["JWT_SECRET_KEY"])
    # Checked on every use: a token verified while live stays in the cache after it expires.
    if claims["exp"] <= _clock():
        raise AppError(errors.TOKEN_EXPIRED, headers=INVALID_TOKEN_CHALLENGE)
    return dict(claims)


_clock = time.time  # (tests move it)


@functools.lru_cache(maxsize=8192)
def _verified_claims(token: str, secret: str) -> dict:
    """The token's claims once its signature, algorithm and claims are checked.

    Cached per exact token string (a client sends the same token on every
    request until it expires), so that the HMAC and PyJWT's parsing run once
    per token and worker instead of once per request: a cached token's
    signature was verified with the same key. Expiry is checked by the caller
    on every use; invalid tokens raise and are not cached.
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[JWT_ALGORITHM],  # never trust the token's own "alg"
            options={"require": ["sub", "sid", "iat", "exp", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise AppError(errors.TOKEN_EXPIRED, headers=INVALID_TOKEN_CHALLENGE) from None
    except jwt.InvalidAlgorithmError:  # "none", RS256, HS512...: never accepted, whatever the signature
        raise AppError(errors.TOKEN_ALGORITHM_INVALID, headers=INVALID_TOKEN_CHALLENGE) from None
    except jwt.InvalidSignatureError:  # well formed, HS256, but not signed with our key (or altered)
        raise AppError(errors.TOKEN_SIGNATURE_INVALID, headers=INVALID_TOKEN_CHALLENGE) from None
    except jwt.PyJWTError:
        raise AppError(errors.TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE) from None
    if claims.get("type") != "access":
        raise AppError(errors.TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE)
    try:
        claims["sub"] = uuid.UUID(claims["sub"])
        claims["sid"] = uuid.UUID(claims["sid"])
    except (ValueError, TypeError, AttributeError):
        raise AppError(errors.TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE) from None
    return claims


# RFC 6750 §3: every 401 of a Bearer route says so; a bad token also says why.
INVALID_TOKEN_CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}

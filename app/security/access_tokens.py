"""Access tokens: JWTs carrying `sub` (user id), `sid` (session id), `iat`,
`exp`, `jti`, and a per-process cache of verified claims.

Signed with JWT_ALGORITHM: HS256 with JWT_SECRET_KEY (the default), or EdDSA /
ES256 with the key ring's current key, named by the `kid` header
(app.keys.ring, docs/signing-keys.md). Only the configured algorithm is ever
accepted, and under EdDSA / ES256 only a kid of an unretired key.

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
from app.keys import ring


def issue_access_token(user_id, session_id, *, aal: int = 1, amr=("pwd",), auth_time: datetime | None = None) -> tuple[str, int]:
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
    algorithm = current_app.config["JWT_ALGORITHM"]
    if algorithm == "HS256":
        token = jwt.encode(claims, current_app.config["JWT_SECRET_KEY"], algorithm="HS256")
    else:
        key = ring.signing_key()
        token = jwt.encode(claims, key.private_key, algorithm=algorithm, headers={"kid": key.kid})
    return token, lifetime


def decode_access_token(token: str) -> dict:
    """The verified claims of an access token; AppError with its own code otherwise."""
    algorithm = current_app.config["JWT_ALGORITHM"]
    if algorithm == "HS256":
        claims = _verified_claims(token, current_app.config["JWT_SECRET_KEY"], "HS256")
    else:
        claims, kid = _verified_with_key(token, algorithm)
        # Checked on every use, after the cache: a retired key's tokens are refused even once verified.
        if ring.verifying_key(kid) is None:
            raise AppError(errors.TOKEN_ALGORITHM_INVALID, headers=INVALID_TOKEN_CHALLENGE)
    # Checked on every use: a token verified while live stays in the cache after it expires.
    if claims["exp"] <= _clock():
        raise AppError(errors.TOKEN_EXPIRED, headers=INVALID_TOKEN_CHALLENGE)
    return dict(claims)


_clock = time.time  # (tests move it)


def _verifying_key(token: str, algorithm: str) -> ring.VerifyingKey:
    """The unretired key named by the token's `kid` (031 for any other algorithm or kid)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise AppError(errors.TOKEN_INVALID, headers=INVALID_TOKEN_CHALLENGE) from None
    if header.get("alg") != algorithm:  # HS256 once EdDSA is on, "none", another curve...
        raise AppError(errors.TOKEN_ALGORITHM_INVALID, headers=INVALID_TOKEN_CHALLENGE)
    key = ring.verifying_key(header.get("kid"))
    if key is None:  # no kid, an unknown or retired key, a key of another algorithm
        raise AppError(errors.TOKEN_ALGORITHM_INVALID, headers=INVALID_TOKEN_CHALLENGE)
    return key


@functools.lru_cache(maxsize=8192)
def _verified_claims(token: str, secret: str, algorithm: str) -> dict:
    """The claims of an HS256 token once checked (`_checked_claims`) with `secret`.

    Cached per exact token string (a client sends the same token on every
    request until it expires), so that the signature check and PyJWT's parsing
    run once per token and worker instead of once per request: a cached token's
    signature was verified with the same key. Expiry is checked by the caller
    on every use; invalid tokens raise and are not cached.
    """
    return _checked_claims(token, secret, algorithm)


@functools.lru_cache(maxsize=8192)
def _verified_with_key(token: str, algorithm: str) -> tuple[dict, str]:
    """The claims of an EdDSA / ES256 token once checked with the key its `kid` names, and that kid.

    Cached like `_verified_claims`, header parsing included (PyJWT's costs more
    than the rest of a cached request). A kid is the thumbprint of its public
    key, so it names one key for ever: a token verified under it stays
    verified, and the caller only checks on each use that the kid is still
    unretired. An unknown kid raises, so it is looked up again next time.
    """
    key = _verifying_key(token, algorithm)
    return _checked_claims(token, key.public_key, algorithm), key.kid


def _checked_claims(token: str, key, algorithm: str) -> dict:
    """The token's claims once its signature (with `key`), algorithm and claims are checked."""
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],  # never trust the token's own "alg"
            options={"require": ["sub", "sid", "iat", "exp", "jti"]},
        )
    except jwt.ExpiredSignatureError:
        raise AppError(errors.TOKEN_EXPIRED, headers=INVALID_TOKEN_CHALLENGE) from None
    except jwt.InvalidAlgorithmError:  # "none", RS256, HS512...: never accepted, whatever the signature
        raise AppError(errors.TOKEN_ALGORITHM_INVALID, headers=INVALID_TOKEN_CHALLENGE) from None
    except jwt.InvalidSignatureError:  # well formed, our algorithm, but not signed with our key (or altered)
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

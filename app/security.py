"""Passwords, tokens, and the request authentication behind `Blueprint.auth_required` (app/blueprint.py).

Passwords: bcrypt over HMAC-SHA256(salt, password). bcrypt alone ignores
everything after 72 bytes (and bcrypt >= 5 refuses such input), so two long
passwords sharing a prefix would both verify; pre-hashing keys the whole
password into 44 bytes. Keying the HMAC with the bcrypt salt (as passlib's
bcrypt_sha256 v2 does) stops a leaked plain SHA-256 list being tried against
our hashes.

Access tokens: JWT HS256 carrying `sub` (user id), `sid` (session id), `iat`,
`exp`, `jti`, checked on every request against the session's live state
(Redis first, the database when Redis is down), so that a revoked session is
refused on the very next request.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import bcrypt
import jwt
from flask import current_app, g, has_app_context, request

from app import cache, errors
from app.errors import AppError
from app.extensions import db

JWT_ALGORITHM = "HS256"

# ---------------------------------------------------------------- passwords


def _prehash(password: str, salt: bytes) -> bytes:
    digest = hmac.new(salt, password.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest)


# bcrypt runs in a few threads of this process at a lower CPU priority (nice
# +10): a burst of logins then uses the idle CPU but yields it at once to the
# threads serving everything else, so that hashing cannot starve reads. The
# request thread waits for the result (bcrypt releases the GIL meanwhile).
# At most PASSWORD_HASH_QUEUE_LIMIT hashes wait or run per process: beyond
# that the request is refused at once (503, Retry-After) instead of taking
# one more of the threads that every other route needs too.
HASH_NICENESS = 10
_hash_pool: ThreadPoolExecutor | None = None
_hash_pool_pid: int | None = None
_hash_pool_lock = threading.Lock()
_hashes_in_flight = 0


def _lower_priority() -> None:
    # Linux sets niceness per thread; elsewhere (or if refused) hashing simply runs at normal priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_NICENESS)


def _hash_queue_limit() -> int:
    return current_app.config.get("PASSWORD_HASH_QUEUE_LIMIT", 0) if has_app_context() else 0


def _queue_full(limit: int) -> bool:
    return bool(limit) and _hash_pool_pid == os.getpid() and _hashes_in_flight >= limit


def _busy() -> AppError:
    return AppError(errors.SERVICE_UNAVAILABLE, headers={"Retry-After": "1"})


def refuse_when_hashing_is_saturated() -> None:
    """503 now if this process's hash queue is full: called before a sign-in
    touches the database, so that a flood is turned away at the door."""
    if _queue_full(_hash_queue_limit()):
        raise _busy()


def _hashing(function, *args):
    global _hash_pool, _hash_pool_pid, _hashes_in_flight
    limit = _hash_queue_limit()
    with _hash_pool_lock:
        if _hash_pool is None or _hash_pool_pid != os.getpid():  # a forked worker needs its own threads
            _hash_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="bcrypt",
                                            initializer=_lower_priority)
            _hash_pool_pid = os.getpid()
            _hashes_in_flight = 0
        if _queue_full(limit):
            raise _busy()
        _hashes_in_flight += 1
        pool = _hash_pool
    try:
        return pool.submit(function, *args).result()
    finally:
        with _hash_pool_lock:
            _hashes_in_flight -= 1


def hash_password(password: str, rounds: int | None = None) -> str:
    """A bcrypt hash of the whole password (any length, any characters)."""
    salt = bcrypt.gensalt(rounds=rounds or current_app.config["BCRYPT_ROUNDS"])
    return _hashing(bcrypt.hashpw, _prehash(password, salt), salt).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """True when `password` matches; takes the hash's full bcrypt cost either way."""
    try:
        encoded = password_hash.encode("ascii")
        salt = encoded[:29]  # "$2b$12$" + 22 characters of salt
        return _hashing(bcrypt.checkpw, _prehash(password, salt), encoded)
    except (ValueError, UnicodeEncodeError):
        return False


PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


def password_problems(password: str) -> list[str]:
    """What makes `password` unacceptable (seed §15.1); empty when it is fine."""
    problems = []
    if not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        problems.append(f"Password must be {PASSWORD_MIN_LENGTH} to {PASSWORD_MAX_LENGTH} characters long.")
    if not any(c.isupper() for c in password):
        problems.append("Password must contain at least one uppercase letter.")
    if not any(c.isdigit() for c in password):
        problems.append("Password must contain at least one digit.")
    return problems


_dummy_hashes: dict[int, str] = {}


def dummy_password_hash() -> str:
    """A hash at the configured cost, to verify against when the account does
    not exist, so that an unknown email costs as much time as a wrong password."""
    rounds = current_app.config["BCRYPT_ROUNDS"]
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = hash_password(secrets.token_urlsafe(16), rounds)
    return _dummy_hashes[rounds]


# ---------------------------------------------------------- opaque tokens


def hash_token(token: str) -> str:
    """SHA-256 hex of an opaque token: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh random token and its hash: (plain for the client, hash for the database)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


# --------------------------------------------------------------------- JWT


def issue_access_token(user_id, session_id) -> tuple[str, int]:
    """A signed access token for `session_id`, and its lifetime in seconds."""
    lifetime = int(current_app.config["JWT_EXPIRATION_HOURS"] * 3600)
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": now,
        "exp": now + timedelta(seconds=lifetime),
        "jti": uuid.uuid4().hex,
        "type": "access",
    }
    token = jwt.encode(claims, current_app.config["JWT_SECRET_KEY"], algorithm=JWT_ALGORITHM)
    return token, lifetime


def decode_access_token(token: str) -> dict:
    """The verified claims of an access token; AppError with its own code otherwise."""
    claims = _verified_claims(token, current_app.config["JWT_SECRET_KEY"])
    # Checked on every use: a token verified while live stays in the cache after it expires.
    if claims["exp"] <= _clock():
        raise AppError(errors.TOKEN_EXPIRED, headers=_INVALID_TOKEN_CHALLENGE)
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
        raise AppError(errors.TOKEN_EXPIRED, headers=_INVALID_TOKEN_CHALLENGE) from None
    except jwt.InvalidAlgorithmError:  # "none", RS256, HS512...: never accepted, whatever the signature
        raise AppError(errors.TOKEN_ALGORITHM_INVALID, headers=_INVALID_TOKEN_CHALLENGE) from None
    except jwt.InvalidSignatureError:  # well formed, HS256, but not signed with our key (or altered)
        raise AppError(errors.TOKEN_SIGNATURE_INVALID, headers=_INVALID_TOKEN_CHALLENGE) from None
    except jwt.PyJWTError:
        raise AppError(errors.TOKEN_INVALID, headers=_INVALID_TOKEN_CHALLENGE) from None
    if claims.get("type") != "access":
        raise AppError(errors.TOKEN_INVALID, headers=_INVALID_TOKEN_CHALLENGE)
    try:
        claims["sub"] = uuid.UUID(claims["sub"])
        claims["sid"] = uuid.UUID(claims["sid"])
    except (ValueError, TypeError, AttributeError):
        raise AppError(errors.TOKEN_INVALID, headers=_INVALID_TOKEN_CHALLENGE) from None
    return claims


# RFC 6750 §3: every 401 of a Bearer route says so; a bad token also says why.
_INVALID_TOKEN_CHALLENGE = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


# ------------------------------------------------------ live-session check


def _session_key(session_id) -> str:
    return cache.key("auth", "session", session_id, "state")


REVOKED = b"revoked"


def session_is_live(session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
    """Whether the session is unexpired, unrevoked and its user may sign in.

    Read from Redis (24 h TTL, never past the session's expiry), in the same
    round trip as the account's cached snapshot (`app.account_cache`); on a miss or
    when Redis is down, from the database, refilling the cache. The refill is
    `SET NX` and revocation a plain `SET ... revoked`, so a refill racing a
    revocation can never leave a revoked session cached as live.
    """
    from app import account_cache

    # One round trip: the session's state and the account's cached snapshot
    # (which GET /users/me then serves without touching the database).
    fetched = cache.safe(lambda r: r.mget([_session_key(session_id), *account_cache.keys(user_id)]))
    if fetched is not None:
        cached, *account = fetched
        account_cache.accept(user_id, *account)
        if cached is not None:
            return cached == str(user_id).encode()

    from app.models import Session, User

    row = db.session.execute(
        db.select(Session.expires_at, Session.revoked_at, User.is_active, User.deleted_at)
        .join(User, User.id == Session.user_id)
        .where(Session.id == session_id, Session.user_id == user_id)
    ).first()
    now = datetime.now(UTC)
    live = bool(row and row.revoked_at is None and row.expires_at > now and row.is_active and row.deleted_at is None)
    if live:
        ttl = min(cache.SESSION_TTL, int((row.expires_at - now).total_seconds()))
        if ttl > 0:
            cache.safe(lambda r: r.set(_session_key(session_id), str(user_id), ex=ttl, nx=True))
    return live


def mark_sessions_revoked(session_ids) -> None:
    """Publish revocations (already committed to the database) to the cache."""
    keys = [_session_key(sid) for sid in session_ids]
    if not keys:
        return

    def _mark(r):
        pipe = r.pipeline(transaction=False)
        for k in keys:
            pipe.set(k, REVOKED, ex=cache.SESSION_TTL)
        pipe.execute()

    cache.safe(_mark)


def _forget_cached_sessions(client) -> None:
    # After an outage this process may have missed publishing revocations;
    # drop every cached session state so that the next reads go to the database.
    pattern = cache.key("auth", "session", "*", "state")
    for k in client.scan_iter(match=pattern, count=500):
        client.delete(k)


cache.on_recovery(_forget_cached_sessions)


# ------------------------------------------------------------------ guards


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AppError(errors.TOKEN_MISSING, headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def authenticate() -> dict:
    """Check the request's Bearer token and its session; sets `g.user_id`, `g.session_id`."""
    claims = decode_access_token(_bearer_token())
    if not session_is_live(claims["sid"], claims["sub"]):
        raise AppError(errors.SESSION_REVOKED, headers=_INVALID_TOKEN_CHALLENGE)
    g.user_id = claims["sub"]
    g.session_id = claims["sid"]
    g.token_claims = claims
    return claims


def current_user():
    """The signed-in user (loaded once per request), or None outside `auth_required`."""
    if "current_user" not in g:
        from app.models import User

        user_id = g.get("user_id")
        g.current_user = db.session.get(User, user_id) if user_id else None
    return g.current_user

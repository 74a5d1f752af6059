"""Password hashing: bcrypt over an HMAC-SHA256 pre-hash, in a few niced threads.

bcrypt alone ignores everything after 72 bytes (and bcrypt >= 5 refuses such
input), so two long passwords sharing a prefix would both verify; pre-hashing
keys the whole password into 44 bytes. Keying the HMAC with the bcrypt salt
(as passlib's bcrypt_sha256 v2 does) stops a leaked plain SHA-256 list being
tried against our hashes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import os
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import bcrypt
from flask import current_app, has_app_context

from app import errors
from app.errors import AppError


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
            _hash_pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="bcrypt", initializer=_lower_priority)
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


@contextlib.contextmanager
def connection_released() -> Iterator[None]:
    """Hold no pooled database connection through the bcrypt call in the block.

    bcrypt takes a quarter of a second of CPU at cost 12 (longer when hashes
    queue): a request holding its connection meanwhile would starve the pool
    for every other route. This ends the current transaction of `db.session`
    first (a rollback: the caller must have nothing unwritten to keep), so
    objects read before are expired and read again, as they are then, when
    next used; the next statement after the block checks a connection out
    again. Callers therefore re-check what they read (the account may have
    changed meanwhile) in the statement that acts on it.
    """
    from app.extensions import db

    db.session.rollback()
    yield


def hash_password(password: str, rounds: int | None = None) -> str:
    """A bcrypt hash of the whole password (any length, any characters)."""
    salt = bcrypt.gensalt(rounds=rounds or current_app.config["BCRYPT_ROUNDS"])
    return _hashing(bcrypt.hashpw, _prehash(password, salt), salt).decode("ascii")


def verify_password(password: str, password_hash: str | None) -> bool:
    """True when `password` matches; takes the hash's full bcrypt cost either way.

    An account without a password (`None`, docs/oidc.md) matches nothing, after
    the same cost against a dummy hash."""
    if password_hash is None:
        verify_password(password, dummy_password_hash())
        return False
    try:
        encoded = password_hash.encode("ascii")
        salt = encoded[:29]  # "$2b$12$" + 22 characters of salt
        return _hashing(bcrypt.checkpw, _prehash(password, salt), encoded)
    except (ValueError, UnicodeEncodeError):
        return False


_dummy_hashes: dict[int, str] = {}


def dummy_password_hash() -> str:
    """A hash at the configured cost, to verify against when the account does
    not exist, so that an unknown email costs as much time as a wrong password."""
    rounds = current_app.config["BCRYPT_ROUNDS"]
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = hash_password(secrets.token_urlsafe(16), rounds)
    return _dummy_hashes[rounds]

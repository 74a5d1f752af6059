"""Whether a session is live, cached in Redis so that a revoked session is
refused on the very next request on every instance, and read from the
database when Redis is down (nobody is logged out by an outage)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from app import cache, errors
from app.errors import AppError
from app.extensions import db


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
    """Publish revocations to the cache, before the transaction that makes
    them commits (app.auth.sessions), so that a revocation never fails open.

    Redis unreachable: nothing to do, the database decides while it is gone and
    the first process to reach it again drops every cached state. Redis answering
    but refusing the write (READONLY replica, out of memory): it would go on
    serving the session as live, so raises AppError 503 SERVER_UNAVAILABLE_012
    and the revoking request commits nothing.
    """
    keys = [_session_key(sid) for sid in session_ids]
    if not keys:
        return

    def _mark(r):
        pipe = r.pipeline(transaction=False)
        for k in keys:
            pipe.set(k, REVOKED, ex=cache.SESSION_TTL)
        pipe.execute()

    try:
        cache.must_write(_mark)
    except cache.WriteRefused:
        raise AppError(
            errors.SERVICE_UNAVAILABLE,
            "Sessions cannot be ended right now; nothing was changed. Try again shortly.",
            headers={"Retry-After": "5"},
        ) from None


def forget_sessions(session_ids) -> None:
    """Drop the cached state of these sessions: the next check reads the database."""
    keys = [_session_key(sid) for sid in session_ids]
    cache.safe(lambda r: r.delete(*keys))


def _forget_cached_sessions(client) -> None:
    # After an outage this process may have missed publishing revocations;
    # drop every cached session state so that the next reads go to the database.
    pattern = cache.key("auth", "session", "*", "state")
    for k in client.scan_iter(match=pattern, count=500):
        client.delete(k)


cache.on_recovery(_forget_cached_sessions)

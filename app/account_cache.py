"""A snapshot of each account in Redis, fetched together with the session's
state in the one round trip that authenticates a request (see
`app.security.session_cache.session_is_live`), so that GET /users/me touches no database.

Keys (docs/architecture.md §4): `{env}:user:cache:user:{id}:account` holds
`{"v": version, "g": generation, "data": {...}}`; `...:account_version` is
bumped after every commit that changed the user's row, and the global
`{env}:user:cache:accounts:generation` after a bulk UPDATE/DELETE of users
that does not say which account it touches (see `touching`). A snapshot
counts only while both numbers match, so a reader that loaded the row just
before a write cannot leave a stale snapshot behind: the write's bump makes
it void. When Redis is down
nothing is cached and the database answers; on Redis's return every snapshot
is dropped (writes made meanwhile bumped no version).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from functools import lru_cache

from flask import current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app import cache
from app.commit_hooks import AfterCommit

FIELDS = ("id", "email", "full_name", "is_verified", "is_active", "is_admin", "created_at", "updated_at", "deleted_at")
ALL = "*"
"""`changed(ALL)`: every account may have changed."""


def entry_key(user_id) -> str:
    return cache.key("user", "cache", f"user:{user_id}", "account")


def version_key(user_id) -> str:
    return cache.key("user", "cache", f"user:{user_id}", "account_version")


def generation_key() -> str:
    return cache.key("user", "cache", "accounts", "generation")


def keys(user_id) -> list[str]:
    """The keys to fetch (in this order) with the session state: entry, version, generation."""
    return [entry_key(user_id), version_key(user_id), generation_key()]


def _number(raw) -> int:
    return int(raw) if raw is not None else 0


@lru_cache(maxsize=4096)
def _decode(raw_entry: bytes) -> tuple | None:
    # A snapshot's bytes decode to the same thing every time: once per worker
    # (callers copy `data` before changing it).
    try:
        decoded = json.loads(raw_entry)
        return decoded["v"], decoded["g"], decoded["data"]
    except (ValueError, KeyError, TypeError):
        return None


def accept(user_id, raw_entry, raw_version, raw_generation) -> None:
    """Remember, for this request, what Redis said about the account: the
    snapshot if it is current, and the versions a fresh snapshot must carry."""
    version, generation = _number(raw_version), _number(raw_generation)
    decoded = _decode(raw_entry) if raw_entry is not None else None
    current = decoded is not None and decoded[0] == version and decoded[1] == generation
    g.account_cache = {
        "user_id": user_id,
        "snapshot": decoded[2] if current else None,
        "entry": raw_entry if current else None,
        "v": version,
        "g": generation,
    }


def current_entry(user_id) -> bytes | None:
    """The bytes of `user_id`'s current snapshot, as fetched while authenticating
    this request, or None. Whatever is derived from a snapshot alone
    (`account_in`) may be kept under these bytes: they change with it."""
    state = g.get("account_cache") if has_app_context() else None
    if not state or state["user_id"] != user_id:
        return None
    return state["entry"]


def account_in(entry: bytes) -> dict | None:
    """The account a snapshot's bytes hold (datetimes as `datetime`), or None if they are not a snapshot."""
    decoded = _decode(entry)
    return _account(decoded[2]) if decoded is not None else None


def cached_account(user_id) -> dict | None:
    """The current snapshot of `user_id` fetched while authenticating this request, if any.

    A dict with the account's public fields (datetimes as `datetime`), or None:
    then read the database and `store()` what was read.
    """
    state = g.get("account_cache") if has_app_context() else None
    if not state or state["user_id"] != user_id or state["snapshot"] is None:
        return None
    return _account(state["snapshot"])


def _account(snapshot: dict) -> dict:
    data = dict(snapshot)
    data["id"] = uuid.UUID(data["id"])
    for name in ("created_at", "updated_at", "deleted_at"):
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    return data


def store(user, extra: dict | None = None) -> None:
    """Cache `user` (as read from the database in this request) under the
    versions seen while authenticating; nothing when those are unknown.

    `extra`: more JSON values kept with the snapshot (GET /users/me's
    `sign_in_methods`); whoever changes what they derive from calls
    `changed()` for the account (app.auth.methods does for passkeys and identities)."""
    state = g.get("account_cache")
    if not state or state["user_id"] != user.id:
        return
    data = dict(extra or {})
    for name in FIELDS:
        value = getattr(user, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else str(value) if name == "id" else value
    payload = json.dumps({"v": state["v"], "g": state["g"], "data": data})
    ttl = current_app.config["PROFILE_CACHE_TTL_SECONDS"]
    cache.safe(lambda r: r.set(entry_key(user.id), payload, ex=ttl))


def _invalidate(ids) -> None:
    def _bump(r):
        pipe = r.pipeline(transaction=False)
        for user_id in ids:
            if user_id == ALL:
                pipe.incr(generation_key())
            else:
                pipe.incr(version_key(user_id))
                pipe.expire(version_key(user_id), cache.SESSION_TTL)
        pipe.execute()

    cache.safe(_bump)


# ----------------------------------------------- invalidation on every write
#
# A changed account's snapshot is voided after the commit (docs/architecture.md §4):
# - a User changed through the ORM (new, modified or deleted objects) is noticed at flush;
# - a bulk UPDATE/DELETE of users says which account it touches, in the service that
#   runs it: `.execution_options(**account_cache.touching(user_id))`. One that says
#   nothing may have touched any account, so every snapshot is voided (correct, but it
#   empties the cache: mark the statements of hot paths);
# - anything else (raw SQL) calls `changed(user_id)` / `changed(ALL)` itself.


def _void_snapshots(ids) -> None:
    if has_app_context():
        _invalidate(ids)


_changed_accounts = AfterCommit("changed_accounts", _void_snapshots, unique=True)
_TOUCHES = "gatehouse_account"


def changed(user_id, session=None) -> None:
    """Void `user_id`'s snapshot (`ALL`: every snapshot) once the current transaction commits."""
    _changed_accounts.add(user_id, session)


def touching(user_id) -> dict:
    """Execution options of a bulk UPDATE/DELETE of users that touches only `user_id`'s row."""
    return {_TOUCHES: user_id}


@event.listens_for(OrmSession, "after_flush")
def _collect_changed(session, flush_context):
    from app.models import User

    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, User) and obj.id is not None:
            changed(obj.id, session)


@event.listens_for(OrmSession, "do_orm_execute")
def _collect_bulk(state):
    from app.models import User

    if (state.is_update or state.is_delete) and state.bind_mapper is not None and state.bind_mapper.class_ is User:
        changed(state.execution_options.get(_TOUCHES) or ALL, state.session)


def _forget_all(client) -> None:
    # Writes made while Redis was down bumped nothing: void every snapshot.
    client.incr(generation_key())


cache.on_recovery(_forget_all)

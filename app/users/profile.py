"""The caller's profile (avatar, bio, preferences) and its Redis cache.

Reads go through Redis under the key
`{env}:user:cache:user:{id}:profile` for PROFILE_CACHE_TTL_SECONDS; when Redis
is down they go to the database. Every write deletes the entry after its
commit.

A delete alone would leave a race: a reader that loaded the old row just
before the write could store it just after the delete, and it would be served
until the TTL ran out. So each write also sets a fresh random version
(`...:profile_version`); a reader stores the entry tagged with the version it
saw *before* reading the database, and an entry whose tag is not the current
version is a miss.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from flask import current_app
from sqlalchemy.exc import IntegrityError

from app import cache, errors
from app.errors import AppError
from app.extensions import db
from app.models import UserProfile

# Longer than any entry can live (PROFILE_CACHE_TTL_SECONDS is at most an hour).
VERSION_TTL_SECONDS = 2 * 3600


def _entry_key(user_id) -> str:
    return cache.key("user", "cache", f"user:{user_id}", "profile")


def _version_key(user_id) -> str:
    return cache.key("user", "cache", f"user:{user_id}", "profile_version")


def _as_dict(row: UserProfile | None) -> dict:
    if row is None:
        return {"avatar_url": None, "bio": None, "preferences": {}, "created_at": None, "updated_at": None}
    return {
        "avatar_url": row.avatar_url,
        "bio": row.bio,
        "preferences": row.preferences or {},
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def _encode(version: str | None, data: dict) -> str:
    stamps = {k: data[k].isoformat() if data[k] else None for k in ("created_at", "updated_at")}
    return json.dumps({"version": version, "profile": {**data, **stamps}}, separators=(",", ":"))


def _decode(raw: bytes) -> tuple[str | None, dict]:
    entry = json.loads(raw)
    data = entry["profile"]
    for k in ("created_at", "updated_at"):
        data[k] = datetime.fromisoformat(data[k]) if data[k] else None
    return entry["version"], data


def get_profile(user_id: uuid.UUID) -> dict:
    """The profile of `user_id` (defaults until first written), from the cache
    when it holds the current version, else from the database."""
    entry_key, version_key = _entry_key(user_id), _version_key(user_id)
    cached = cache.safe(lambda r: r.mget(entry_key, version_key))
    if cached is None:  # Redis is down: the database answers alone
        return _as_dict(_load(user_id))
    raw, version = cached
    version = version.decode() if version is not None else None
    if raw is not None:
        try:
            entry_version, data = _decode(raw)
            if entry_version == version:
                return data
        except (ValueError, KeyError, TypeError):
            pass  # an unreadable entry is a miss; it is overwritten below
    data = _as_dict(_load(user_id))
    ttl = current_app.config["PROFILE_CACHE_TTL_SECONDS"]
    cache.safe(lambda r: r.set(entry_key, _encode(version, data), ex=ttl))
    return data


def _load(user_id: uuid.UUID) -> UserProfile | None:
    return db.session.scalar(db.select(UserProfile).where(UserProfile.user_id == user_id))


def replace_profile(user_id: uuid.UUID, values: dict) -> dict:
    """Replace the profile of `user_id` with `values` (avatar_url, bio,
    preferences), creating it on first write; the cache entry is dropped after
    the commit. Returns the stored profile."""
    for attempt in (1, 2):
        row = db.session.scalar(db.select(UserProfile).where(UserProfile.user_id == user_id).with_for_update())
        if row is None:
            row = UserProfile(user_id=user_id)
            db.session.add(row)
        row.avatar_url = values["avatar_url"]
        row.bio = values["bio"]
        row.preferences = values["preferences"]
        try:
            db.session.commit()
            break
        except IntegrityError:
            # Two first writes raced and the other inserted first: update its row.
            # Failing twice means the account itself went away meanwhile.
            db.session.rollback()
            if attempt == 2:
                raise AppError(errors.USER_NOT_FOUND) from None
    invalidate(user_id)
    return _as_dict(row)


def invalidate(user_id) -> None:
    """Drop the cached profile of `user_id` (call after the commit)."""
    entry_key, version_key = _entry_key(user_id), _version_key(user_id)

    def _drop(r):
        pipe = r.pipeline(transaction=True)
        pipe.set(version_key, uuid.uuid4().hex, ex=VERSION_TTL_SECONDS)
        pipe.delete(entry_key)
        pipe.execute()

    cache.safe(_drop)


def _forget_cached_profiles(client) -> None:
    # After an outage this process may have missed invalidations: drop every
    # cached profile so that the next reads go to the database.
    for k in client.scan_iter(match=_entry_key("*"), count=500):
        client.delete(k)


cache.on_recovery(_forget_cached_profiles)

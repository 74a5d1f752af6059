"""Feature flags (docs/architecture.md §4, README: Feature flags) and maintenance mode.

The flags that exist are those of configuration: `enable_new_ui` and
`maintenance_mode` (both off), plus any that `FEATURE_FLAGS`
(`name=true|false,...`) adds or re-defaults. An unknown name is 404
`FLAG_NOT_FOUND_030`; flags are not created through the API, since code that
reads a flag ships with its default.

What a flag says for a user, first match wins:

1. that user's override  `{env}:flags:flag:{name}:users`   (hash user id -> "true"/"false")
2. the global value      `{env}:flags:flag:{name}:enabled` ("true"/"false")
3. the configured default.

Flags live in Redis without expiry (the shipped compose file makes Redis
persistent). Reads fail soft: with Redis down a flag reads as its default,
except maintenance mode, which keeps the last value this process saw. Writes
fail loudly (503), so an operator never believes a change was made when it
was not.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid

import redis
from flask import current_app

from app import cache, errors
from app.context import RequestContext
from app.errors import AppError
from app.extensions import db, redis_client

log = logging.getLogger("gatehouse.flags")
MAINTENANCE = "maintenance_mode"
TRUE, FALSE = b"true", b"false"
_FAILED = object()

# Requests maintenance mode lets through: probes, metrics, the API's
# documentation, the admin flag routes (so that it can be switched off) and
# CORS preflights.
EXEMPT_PATHS = frozenset({"/health", "/ready", "/metrics", "/api/openapi.json", "/.well-known/jwks.json"})
EXEMPT_PREFIXES = ("/api/docs", "/api/v1/admin/flags")


def _global_key(name: str) -> str:
    return cache.key("flags", "flag", name, "enabled")


def _users_key(name: str) -> str:
    return cache.key("flags", "flag", name, "users")


def defaults() -> dict[str, bool]:
    """Every known flag and its configured default."""
    return current_app.config["FEATURE_FLAGS"]


def _require_known(name: str) -> bool:
    if name not in defaults():
        raise AppError(errors.FLAG_NOT_FOUND)
    return defaults()[name]


def _as_bool(raw, default: bool) -> bool:
    return default if raw is None else raw in (TRUE, "true")


def is_enabled(name: str, user_id=None) -> bool:
    """Whether flag `name` is on (for `user_id` when given); the default when
    Redis cannot be read. 404 for an unknown flag."""
    default = _require_known(name)

    def _read(r):
        pipe = r.pipeline(transaction=False)
        pipe.get(_global_key(name))
        pipe.hget(_users_key(name), str(user_id or ""))
        return pipe.execute()

    result = cache.safe(_read)
    if result is None:
        return default
    value, override = result
    return _as_bool(override if override is not None else value, default)


def flags_for(user_id) -> dict[str, bool]:
    """Every known flag as it applies to `user_id`, in one round trip."""
    known = defaults()

    def _read(r):
        pipe = r.pipeline(transaction=False)
        for name in known:
            pipe.get(_global_key(name))
            pipe.hget(_users_key(name), str(user_id))
        return pipe.execute()

    result = cache.safe(_read)
    if result is None:
        return dict(known)
    values = {}
    for index, (name, default) in enumerate(known.items()):
        value, override = result[2 * index], result[2 * index + 1]
        values[name] = _as_bool(override if override is not None else value, default)
    return values


def _state(name: str, value, overrides: dict) -> dict:
    default = defaults()[name]
    return {
        "name": name,
        "enabled": _as_bool(value, default),
        "default": default,
        "source": "default" if value is None else "set",
        "overrides": [
            {"user_id": (k.decode() if isinstance(k, bytes) else k), "enabled": _as_bool(v, default)} for k, v in sorted(overrides.items())
        ],
    }


def _read_states(names) -> dict[str, dict] | None:
    def _read(r):
        pipe = r.pipeline(transaction=False)
        for name in names:
            pipe.get(_global_key(name))
            pipe.hgetall(_users_key(name))
        return pipe.execute()

    result = cache.safe(_read)
    if result is None:
        return None
    return {name: _state(name, result[2 * i], result[2 * i + 1]) for i, name in enumerate(names)}


def flag_state(name: str) -> dict:
    """Flag `name`: its global value, default, where the value comes from, and
    the per-user overrides. 404 unknown; 503 when Redis cannot be read (an
    admin must not mistake a default for the live value)."""
    _require_known(name)
    states = _read_states([name])
    if states is None:
        raise AppError(errors.SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    return states[name]


def all_flag_states() -> list[dict]:
    """`flag_state` of every known flag, by name."""
    states = _read_states(sorted(defaults()))
    if states is None:
        raise AppError(errors.SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})
    return list(states.values())


def _check_user(name: str, user_id: uuid.UUID) -> str:
    from app.models import User

    if name == MAINTENANCE:
        raise AppError(
            errors.VALIDATION_FAILED,
            "maintenance_mode applies to everyone; it has no per-user override.",
            field="user_id",
            details=[{"field": "user_id", "message": "Not allowed for maintenance_mode."}],
        )
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        raise AppError(errors.USER_NOT_FOUND, field="user_id")
    return str(user.id)


def _write(operation) -> None:
    if cache.safe(operation, _FAILED) is _FAILED:
        raise AppError(errors.SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})


def _audit(name: str, enabled: bool | None, user_id: str | None, ctx: RequestContext) -> None:
    # Best effort: the change has already taken effect, and maintenance mode
    # is typically switched on precisely while the database is unavailable.
    from sqlalchemy.exc import SQLAlchemyError

    from app.audit import FLAG_CHANGED, record_event

    try:
        record_event(
            FLAG_CHANGED,
            ctx=ctx,
            user_id=ctx.user_id,
            details={
                "flag": name,
                "enabled": enabled,
                "target_user_id": user_id,
                "via": "api" if ctx.from_request else "cli",
            },
        )
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.error("flag %s changed but not audited: database unavailable (%s)", name, type(exc).__name__)


def set_flag(name: str, enabled: bool, user_id: uuid.UUID | None, ctx: RequestContext) -> dict:
    """Turn flag `name` on or off, for everyone or (with `user_id`) for one
    user. Audited (the actor is `ctx.user_id`). 404 unknown flag or user; 503
    when Redis is down."""
    _require_known(name)
    target = _check_user(name, user_id) if user_id else None
    value = TRUE if enabled else FALSE
    if target:
        _write(lambda r: r.hset(_users_key(name), target, value))
    else:
        _write(lambda r: r.set(_global_key(name), value))
    if name == MAINTENANCE:
        _remember_maintenance(enabled)
    _audit(name, enabled, target, ctx)
    return flag_state(name)


def unset_flag(name: str, user_id: uuid.UUID | None, ctx: RequestContext) -> dict:
    """Drop the global value (back to the default) or one user's override. Audited."""
    _require_known(name)
    if user_id:
        target = str(user_id)
        _write(lambda r: r.hdel(_users_key(name), target))
    else:
        target = None
        _write(lambda r: r.delete(_global_key(name)))
        if name == MAINTENANCE:
            _remember_maintenance(defaults()[MAINTENANCE])
    _audit(name, None, target, ctx)
    return flag_state(name)


# ------------------------------------------------------ maintenance mode
#
# Every request asks whether maintenance mode is on, so each process keeps the
# value it last read and re-reads Redis every MAINTENANCE_CHECK_SECONDS.
# docs/scaling.md wants every process to follow a change within 1 s in both directions,
# always; what used to break it (issue 14, docs/scaling.md):
#
# - The read went through `cache.safe`, whose circuit breaker skips Redis for
#   COOL_DOWN_SECONDS (2 s) after ANY Redis failure in the process (one slow
#   reply to any query under load is enough, and the recovery hooks that run
#   afterwards can fail and re-open it): the flag stayed frozen at its old value
#   for 2 s or more. It now reads Redis itself, whatever the breaker says.
# - A value read was stored under the time the read began, by whichever thread
#   finished last: a read that started before a change and finished after a
#   newer read (or after this process's own write) put the old value back. A
#   value now carries the time its read was issued, and only a newer one
#   replaces it.
# - Every thread whose copy was stale read Redis at once; one thread per
#   process refreshes now, the others answer with the copy they have.


class _MaintenanceState:
    """This process's copy of maintenance_mode."""

    def __init__(self):
        self.value: bool | None = None
        self.as_of = float("-inf")  # monotonic time of the Redis read (or write) the value comes from
        self.next_check = float("-inf")
        self.lock = threading.Lock()  # guards the three fields above
        self.refreshing = threading.Lock()  # held by the one thread reading Redis

    def store(self, value: bool, as_of: float) -> None:
        # An older read never replaces what a newer read or write saw.
        with self.lock:
            if as_of >= self.as_of:
                self.value, self.as_of = value, as_of


def _maintenance_state() -> _MaintenanceState:
    return current_app.extensions.setdefault("gatehouse-maintenance", _MaintenanceState())


def _remember_maintenance(value: bool) -> None:
    # Called after this process wrote the key: its own requests follow at once.
    _maintenance_state().store(value, time.monotonic())


def _read_maintenance() -> bytes | None | object:
    """The raw key, or _FAILED. Not through `cache.safe`: the breaker must not
    freeze maintenance mode after some other query's failure."""
    try:
        return redis_client().get(_global_key(MAINTENANCE))
    except (redis.exceptions.RedisError, OSError) as exc:
        log.warning("maintenance_mode not re-read, keeping the last value: %s", type(exc).__name__)
        return _FAILED


def maintenance_active() -> bool:
    """Whether maintenance mode is on. Each process re-reads Redis every
    MAINTENANCE_CHECK_SECONDS (one thread reads, the others answer with the
    value in hand), so every process follows a change within that plus one
    Redis round trip; while Redis cannot be read the last value read stays in
    force (the configured default before any read)."""
    state = _maintenance_state()
    default = defaults()[MAINTENANCE]
    if time.monotonic() < state.next_check or not state.refreshing.acquire(blocking=False):
        return default if state.value is None else state.value
    try:
        issued = time.monotonic()
        raw = _read_maintenance()
        if raw is not _FAILED:
            state.store(_as_bool(raw, default), issued)
        elif state.value is None:
            state.store(default, float("-inf"))
        state.next_check = issued + current_app.config["MAINTENANCE_CHECK_SECONDS"]
        return state.value
    finally:
        state.refreshing.release()


def is_exempt(path: str, method: str) -> bool:
    """Requests served during maintenance."""
    return method == "OPTIONS" or path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)

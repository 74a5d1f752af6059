"""Redis keys, TTLs and fail-soft access.

Every key is built by `key()` with the pattern of docs/architecture.md §4,
`{environment}:{service}:{resource}:{identifier}:{attribute}`. Redis is a
cache here, never the only copy: when it is unreachable, `safe()` returns the
fallback and callers read the database instead. After a failure Redis is
skipped for a short cool-down so that an outage does not add a connect timeout
to every request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import current_app

from app.extensions import redis_client

log = logging.getLogger("gatehouse.cache")
T = TypeVar("T")

SESSION_TTL = 24 * 3600
RATE_LIMIT_TTL = 60
COOL_DOWN_SECONDS = 2.0

_down_until = 0.0
_was_down = False
_recovery_hooks: list[Callable[[redis.Redis], None]] = []


def on_recovery(hook: Callable[[redis.Redis], None]) -> None:
    """Run `hook(client)` when Redis answers again after this process saw it fail."""
    _recovery_hooks.append(hook)


def key(service: str, resource: str, identifier: Any, attribute: str) -> str:
    """The one place Redis keys are made, e.g. `prod:auth:session:<sid>:state`."""
    return f"{current_app.config['KEY_ENV']}:{service}:{resource}:{identifier}:{attribute}"


_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)


def _reachable_client() -> redis.Redis | None:
    """The client, or None during the cool-down after a failure; when Redis
    answers again after one, the recovery hooks run first (writes this process
    meant to make may have been lost: repair before anything else)."""
    global _was_down
    if time.monotonic() < _down_until:
        return None
    client = redis_client()
    if _was_down:
        for hook in _recovery_hooks:
            hook(client)
        _was_down = False
        log.info("redis is back")
    return client


def _went_down() -> None:
    global _down_until, _was_down
    _down_until = time.monotonic() + COOL_DOWN_SECONDS
    _was_down = True


def safe(operation: Callable[[redis.Redis], T], fallback: T = None) -> T:
    """Run `operation(client)`; on a Redis failure log it, return `fallback`."""
    try:
        client = _reachable_client()
        return fallback if client is None else operation(client)
    except _UNREACHABLE as exc:
        _went_down()
        log.warning("redis unavailable, using the database: %s", type(exc).__name__)
        return fallback
    except redis.exceptions.RedisError as exc:
        log.warning("redis error, using the database: %s", type(exc).__name__)
        return fallback


class WriteRefused(Exception):
    """Redis answered but refused a write (a READONLY replica, out of memory, MISCONF)."""


def must_write(operation: Callable[[redis.Redis], T]) -> bool:
    """Run a write that must not be lost quietly (a revocation): True when it was
    made; False when Redis is unreachable (down, or in the cool-down after a
    failure: every process then reads the database, and the first one to reach
    Redis again runs the `on_recovery` hooks); raises `WriteRefused` when Redis
    answers but refuses the write -- it may still be serving reads of what it
    holds, so the caller must not go on as if the write had been made.
    """
    try:
        client = _reachable_client()
        if client is None:
            return False
        operation(client)
        return True
    except _UNREACHABLE as exc:
        _went_down()
        log.warning("redis unavailable for a write, the database decides: %s", type(exc).__name__)
        return False
    except redis.exceptions.RedisError as exc:
        log.error("redis refused a write: %s", type(exc).__name__)
        raise WriteRefused(type(exc).__name__) from exc


def reset_circuit() -> None:
    """End the cool-down so that the next call tries Redis at once (the
    readiness probe uses it after a successful ping; tests between cases)."""
    global _down_until
    _down_until = 0.0

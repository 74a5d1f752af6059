"""Extension objects, created unbound here and bound to the app in `create_app`."""

from __future__ import annotations

import ipaddress

import fakeredis
import redis
from flask import current_app, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from sqlalchemy.orm import DeclarativeBase

from app.openapi import Api


class Base(DeclarativeBase):
    pass


def client_ip() -> str:
    """The caller's address, at most 45 characters (the longest IPv6 text, and
    the width of the columns that store it). ProxyFix has already applied
    `TRUSTED_PROXY_COUNT` hops of `X-Forwarded-For`, so `remote_addr` is never a
    spoofed header value -- unless more hops are configured than there are
    proxies, when it is whatever the client wrote (hence the cut)."""
    return (request.remote_addr or "unknown")[:45]


def rate_limit_key() -> str:
    """Whom a per-IP limit counts (docs/security.md §5): the client's IPv4 address, or the
    /64 network of its IPv6 address -- one subscriber usually holds a whole /64,
    so counting single IPv6 addresses would give one client 2^64 budgets. An
    IPv4-mapped IPv6 address (`::ffff:192.0.2.1`) counts as its IPv4 address."""
    ip = client_ip()
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return ip


class RedisConnection:
    """The app's Redis client: a real server when `REDIS_URL` is set, else an
    in-process stand-in (fakeredis) shared by everything in this process."""

    def __init__(self):
        self.client: redis.Redis | None = None

    def init_app(self, app):
        if app.config.get("REDIS_URL"):
            self.client = connect_redis(app.config, **redis_options(app.config["REDIS_SOCKET_TIMEOUT"]))
        else:
            self.client = fakeredis.FakeRedis(server=_embedded_server())
        app.extensions["gatehouse-redis"] = self


def redis_options(timeout: float) -> dict:
    """Client options for every Redis connection we make. redis-py's default
    retries with backoff turn one refused connection into seconds of waiting;
    Redis is a cache here, so fail fast and let the caller fall back."""
    return {
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
        "retry": Retry(NoBackoff(), 0),
        "health_check_interval": 30,
    }


def connect_redis(config, **options) -> redis.Redis:
    """A client of the configured Redis: REDIS_URL, or, with REDIS_SENTINELS,
    the primary the sentinels name for REDIS_SENTINEL_MASTER. A Sentinel-managed
    client asks the sentinels again whenever a connection fails or meets a
    demoted primary (READONLY), so after a failover its next connections go
    to the new primary (docs/scaling.md)."""
    if not config.get("REDIS_SENTINELS"):
        return redis.Redis.from_url(config["REDIS_URL"], **options)
    from redis.sentinel import Sentinel

    timeout = config["REDIS_SOCKET_TIMEOUT"]
    sentinel = Sentinel(config["REDIS_SENTINELS"], sentinel_kwargs=sentinel_options(timeout))
    return sentinel.master_for(config["REDIS_SENTINEL_MASTER"], db=config["REDIS_DB"], password=config["REDIS_PASSWORD"], **options)


def sentinel_options(timeout: float) -> dict:
    """Options of the connections to the sentinels themselves: as quick to give up as the data's."""
    return {"socket_timeout": timeout, "socket_connect_timeout": timeout}


_EMBEDDED_SERVER = None


def _embedded_server():
    global _EMBEDDED_SERVER
    if _EMBEDDED_SERVER is None:
        _EMBEDDED_SERVER = fakeredis.FakeServer()
    return _EMBEDDED_SERVER


def redis_client() -> redis.Redis:
    """The Redis client of the current app."""
    return current_app.extensions["gatehouse-redis"].client


def get_queue(name: str) -> Queue:
    """The RQ queue `name`; synchronous (jobs run inline) in the embedded default."""
    return Queue(name, connection=redis_client(), is_async=not current_app.config["JOBS_INLINE"])


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
api = Api()
redis_store = RedisConnection()
limiter = Limiter(key_func=rate_limit_key)


@limiter.request_filter
def skip_unlimited_routes() -> bool:
    """True (skip the limiter) on a route without a limit of its own.

    Gatehouse sets no default or application-wide limits, so such a route has
    nothing to count; without this filter Flask-Limiter would still resolve
    and evaluate an empty set of limits on every request (about a twentieth of
    the CPU an authenticated GET costs, bench/README.md). Routes are limited
    only through Blueprint.rate_limited, which marks their view function
    (tests/test_blueprint.py checks that the marks and the limiter agree)."""
    view = current_app.view_functions.get(request.endpoint)
    return view is not None and not getattr(view, "rate_limited", False)


cors = CORS()

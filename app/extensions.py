"""Extension objects, created unbound here and bound to the app in `create_app`."""

from __future__ import annotations

import fakeredis
import redis
from flask import current_app, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from redis.backoff import NoBackoff
from redis.retry import Retry
from rq import Queue
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


# Headers of error responses, as the OpenAPI document describes them.
REQUEST_ID_HEADER = {
    "description": "The request's trace id (the error body's `trace_id`); an incoming X-Request-ID or "
                   "traceparent trace id when given.",
    "schema": {"type": "string"},
}
RETRY_AFTER_HEADER = {"description": "Seconds to wait before retrying.", "required": True,
                      "schema": {"type": "integer", "minimum": 0}}


class DocumentedApi(Api):
    """flask-smorest's Api whose error responses (the components every route's
    4xx/5xx refer to) also document the headers they carry: X-Request-ID on
    all, Retry-After on 429 and 503."""

    def _register_responses(self):
        import http

        from flask_smorest.utils import prepare_response

        self.spec.components.header("X_REQUEST_ID", REQUEST_ID_HEADER)
        self.spec.components.header("RETRY_AFTER", RETRY_AFTER_HEADER)
        # As flask-smorest's own, plus the headers.
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            if status >= 400:
                response["headers"] = {"X-Request-ID": "X_REQUEST_ID"}
                if status in (429, 503):
                    response["headers"]["Retry-After"] = "RETRY_AFTER"
            prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Default error response", "schema": self.ERROR_SCHEMA,
                    "headers": {"X-Request-ID": "X_REQUEST_ID"}}
        prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def client_ip() -> str:
    """The caller's address, at most 45 characters (the longest IPv6 text, and
    the width of the columns that store it). ProxyFix has already applied
    `TRUSTED_PROXY_COUNT` hops of `X-Forwarded-For`, so `remote_addr` is never a
    spoofed header value -- unless more hops are configured than there are
    proxies, when it is whatever the client wrote (hence the cut)."""
    return (request.remote_addr or "unknown")[:45]


class RedisConnection:
    """The app's Redis client: a real server when `REDIS_URL` is set, else an
    in-process stand-in (fakeredis) shared by everything in this process."""

    def __init__(self):
        self.client: redis.Redis | None = None

    def init_app(self, app):
        url = app.config.get("REDIS_URL")
        if url:
            self.client = redis.Redis.from_url(url, **redis_options(app.config["REDIS_SOCKET_TIMEOUT"]))
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
api = DocumentedApi()
redis_store = RedisConnection()
limiter = Limiter(key_func=client_ip)
cors = CORS()

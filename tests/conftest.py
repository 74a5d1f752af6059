"""Shared fixtures: one app on the real PostgreSQL and Redis for the session,
a clean database and Redis DB before every test.

Isolation: tables are emptied and the tests' own Redis DB (15 by default)
is flushed before each test. Point parallel runs elsewhere with
TEST_DATABASE_URL / TEST_REDIS_URL.

Do not hold an app context open while calling the test client: Flask would
reuse it for the request and `g` would leak between requests. Use
`with app.app_context():` blocks (or the `in_app` helper) for direct DB work.
"""

from __future__ import annotations

import os
import socket
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis
from marshmallow import Schema, fields, validate
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.blueprint import Blueprint

ROOT = Path(__file__).resolve().parent.parent
# Under pytest-xdist each worker gets its own database and Redis DB, so that
# workers never see each other's rows or keys.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKER_INDEX = int(_XDIST_WORKER[2:]) if _XDIST_WORKER.startswith("gw") else 0
_BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/gatehouse_test"
)
TEST_DATABASE_URL = _BASE_DATABASE_URL + (f"_{_XDIST_WORKER}" if _WORKER_INDEX else "")
_BASE_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
if _WORKER_INDEX:
    _redis_base, _redis_db = _BASE_REDIS_URL.rsplit("/", 1)
    # Worker 1 uses base-7 (15 -> 8, 14 -> 7, ...), so that runs based on
    # different DBs among 9-15 never share one.
    TEST_REDIS_URL = f"{_redis_base}/{(int(_redis_db) - 7 * _WORKER_INDEX) % 16}"
else:
    TEST_REDIS_URL = _BASE_REDIS_URL
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"
# ENCRYPTION_KEYS of the tests (one base64url 32-byte key), for the app and the processes tests start.
TEST_ENCRYPTION_KEY = "dGVzdC1lbmNyeXB0aW9uLWtleS0wMTIzNDU2Nzg5YWI="


def ensure_database(url: str) -> None:
    """Create the database named in `url` if it does not exist yet."""
    parsed = make_url(url)
    conninfo = dict(host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
                    user=parsed.username or "postgres", dbname="postgres", autocommit=True)
    if parsed.password:
        conninfo["password"] = parsed.password
    with psycopg.connect(**conninfo) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def test_config(**overrides) -> dict:
    settings = {
        "APP_ENV": "testing",
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": TEST_REDIS_URL,
        "JWT_SECRET_KEY": TEST_SECRET,
        "ENCRYPTION_KEYS": [TEST_ENCRYPTION_KEY],
        "BCRYPT_ROUNDS": 4,
        "RATELIMIT_ENABLED": True,
        "MAIL_BACKEND": "console",
    }
    settings.update(overrides)
    return settings


# --- a test-only blueprint exercising the error machinery independently of features
probe = Blueprint("probe", __name__, url_prefix="/api/v1/_probe")


class ProbeSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2))
    age = fields.Integer(required=True)
    nested = fields.Nested(
        type("ProbeNested", (Schema,), {"inner": fields.Integer(required=True)}), required=False
    )


@probe.route("/echo", methods=["POST"])
@probe.arguments(ProbeSchema)
@probe.response(200)
def probe_echo(body):
    return {"status": "success", "data": body}


@probe.route("/whoami")
@probe.auth_required
@probe.response(200)
def probe_whoami():
    from flask import g

    return {"status": "success", "data": {"user_id": str(g.user_id), "session_id": str(g.session_id)}}


@probe.route("/boom")
def probe_boom():
    raise RuntimeError("secret-db-password=hunter2 SELECT * FROM users")


@pytest.fixture(scope="session")
def app():
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.extensions import api, db

    ensure_database(TEST_DATABASE_URL)
    application = create_app(test_config())
    api.register_blueprint(probe)
    with application.app_context():
        # Start from a blank schema and build it with the real migrations.
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(directory=str(ROOT / "migrations"))
    yield application
    with application.app_context():
        db.session.remove()
        downgrade(directory=str(ROOT / "migrations"), revision="base")
        db.engine.dispose()


@pytest.fixture(autouse=True)
def clean_state(request):
    """Empty tables and the tests' Redis DB before each test that uses the app."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    from app import cache
    from app.extensions import db, limiter, redis_store

    with app.app_context():
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        # DELETE, not TRUNCATE: on tables this small it is ~10x faster
        # (TRUNCATE takes exclusive locks and recreates files every time).
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
    redis_store.client.flushdb()
    cache.reset_circuit()
    limiter.reset()
    app.extensions.pop("gatehouse-maintenance", None)  # the per-process maintenance_mode cache
    yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def in_app(app):
    """`with in_app(): ...` runs a block inside an app context (for direct DB work)."""

    @contextmanager
    def _ctx():
        with app.app_context():
            yield

    return _ctx


@pytest.fixture
def redis_conn():
    return redis.Redis.from_url(TEST_REDIS_URL)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


DEFAULT_PASSWORD = "SecurePass123"


@pytest.fixture
def make_user(app):
    """Create a user straight in the database: `make_user(email=..., is_admin=True)`."""
    from app.extensions import db
    from app.models import User
    from app.security.passwords import hash_password

    def _make(email=None, password=DEFAULT_PASSWORD, full_name="Test User", **attributes):
        with app.app_context():
            user = User(email=(email or unique_email()).lower(), password_hash=hash_password(password),
                        full_name=full_name, **{"is_verified": True, **attributes})
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return _make


@pytest.fixture
def sign_in(app):
    """Start a real session for `user` and return its Authorization header
    (and the session id / refresh token as attributes of the dict)."""
    from app.auth.sessions import start_session
    from app.context import RequestContext
    from app.extensions import db
    from app.models import User
    from app.security.access_tokens import issue_access_token

    def _sign_in(user):
        with app.app_context():
            session, refresh_token = start_session(db.session.get(User, user.id), RequestContext())
            db.session.commit()
            token, _ = issue_access_token(user.id, session.id, auth_time=session.authenticated_at)
            headers = {"Authorization": f"Bearer {token}"}
            _sign_in.last = {"session_id": session.id, "refresh_token": refresh_token, "access_token": token}
            return headers

    return _sign_in


# --- email: a real SMTP server (aiosmtpd) and the app sending through it


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port, recording what it accepts."""
    import logging

    from tests.mailbox import SMTPServer

    logging.getLogger("mail.log").setLevel(logging.WARNING)
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_app(app, smtp_server, monkeypatch):
    """The app sending through `smtp_server` (as `app.smtp`), retry backoff 0.05 s * 2^n."""
    for key, value in smtp_server.mail_config().items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "EMAIL_RETRY_BASE_SECONDS", 0.05)
    app.smtp = smtp_server
    return app

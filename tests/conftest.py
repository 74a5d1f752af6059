"""Shared fixtures: one app on the real PostgreSQL and Redis for the session,
a clean database and Redis DB before every test.

Isolation: tables are emptied and the tests' own Redis DB (15 by default)
is flushed before each test. Point parallel runs elsewhere with
TEST_DATABASE_URL / TEST_REDIS_URL.

Do not hold an app context open while calling the test client: Flask would
reuse it for the request and `g` would leak between requests. Use
`with app.app_context():` blocks (or the `in_app` helper) for direct DB work.

What tests share besides fixtures (settings, test values, the probe
blueprint) is in tests/helpers; import it from there.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
import redis
from sqlalchemy import text

# Re-exported: tests written before tests/helpers existed import these from here.
from tests.helpers import (  # noqa: F401
    DEFAULT_PASSWORD,
    ROOT,
    TEST_DATABASE_URL,
    TEST_ENCRYPTION_KEY,
    TEST_REDIS_URL,
    TEST_SECRET,
    ensure_database,
    free_port,
    test_config,
    unique_email,
)
from tests.helpers.probe import probe


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
        # After a test that seeds 100,000 users (test_users_list), their cascading delete may outlast
        # the app's 10 s statement_timeout on a busy machine.
        db.session.execute(text("SET LOCAL statement_timeout = '120s'"))
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


@pytest.fixture
def make_user(app):
    """Create a user straight in the database: `make_user(email=..., is_admin=True)`."""
    from app.extensions import db
    from app.models import User
    from app.security.passwords import hash_password

    def _make(email=None, password=DEFAULT_PASSWORD, full_name="Test User", **attributes):
        with app.app_context():
            user = User(
                email=(email or unique_email()).lower(),
                password_hash=hash_password(password),
                full_name=full_name,
                **{"is_verified": True, **attributes},
            )
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


# --- OpenID Connect: the provider process and the app configured with it (tests/oidc_steps.py)
from tests.oidc_steps import oidc, provider_process  # noqa: E402, F401

"""Where the tests' services are, and the settings of the app under test.

Under pytest-xdist each worker gets its own database and Redis DB, so that
workers never see each other's rows or keys; TEST_DATABASE_URL and
TEST_REDIS_URL move them.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent.parent
# Under pytest-xdist each worker gets its own database and Redis DB, so that
# workers never see each other's rows or keys.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_WORKER_INDEX = int(_XDIST_WORKER[2:]) if _XDIST_WORKER.startswith("gw") else 0
_BASE_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/gatehouse_test")
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
    conninfo = dict(
        host=parsed.host or "127.0.0.1", port=parsed.port or 5432, user=parsed.username or "postgres", dbname="postgres", autocommit=True
    )
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


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for a process a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

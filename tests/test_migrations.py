"""The one Alembic chain upgrades and downgrades blank PostgreSQL and SQLite
databases, and matches the models."""

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, inspect

from tests.helpers import ROOT, TEST_DATABASE_URL, ensure_database

TABLES = {"users", "sessions", "refresh_tokens", "user_tokens", "user_profiles", "outbox_messages", "audit_events"}


def flask_db(database_url, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "APP_ENV")}
    env.update(DATABASE_URL=database_url, JWT_SECRET_KEY="m" * 40, APP_ENV="testing")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def tables(database_url):
    engine = create_engine(database_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture
def blank_postgres():
    name = f"gatehouse_migrations_{uuid.uuid4().hex[:8]}"
    url = TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + name
    ensure_database(url)
    yield url
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_postgres_upgrade_check_and_downgrade(blank_postgres):
    flask_db(blank_postgres, "upgrade")
    assert tables(blank_postgres) >= TABLES
    # The models and the migrations describe the same schema.
    assert "No new upgrade operations detected" in flask_db(blank_postgres, "check").stdout + flask_db(blank_postgres, "check").stderr
    flask_db(blank_postgres, "downgrade", "base")
    assert tables(blank_postgres) == {"alembic_version"}
    flask_db(blank_postgres, "upgrade")
    assert tables(blank_postgres) >= TABLES


def test_sqlite_upgrade_check_and_downgrade(tmp_path):
    url = f"sqlite:///{tmp_path / 'gatehouse.db'}"
    flask_db(url, "upgrade")
    assert tables(url) >= TABLES
    check = flask_db(url, "check")
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    flask_db(url, "downgrade", "base")
    assert tables(url) == {"alembic_version"}

"""PostgreSQL behind PgBouncer in transaction pooling mode (docs/scaling.md, issue
14): DATABASE_POOLER=pgbouncer turns off what transaction pooling breaks
(psycopg's server-side prepared statements, the `options` startup parameter)
and keeps the statement timeout per transaction; a slice of the suite runs
through a real PgBouncer (Debian's, a plain process on a free port)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from config import ConfigError, load_config
from tests.conftest import ROOT, TEST_DATABASE_URL, free_port
from tests.private_services import PrivateRedis, wait_for_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
# Files whose tests, between them, sign up, sign in, refresh (row locks, the
# reuse check), change and list users, write the audit trail and flags.
SLICE = ["tests/test_auth_refresh.py", "tests/test_users.py", "tests/test_flags.py"]


class PgBouncer:
    """PgBouncer (pool_mode = transaction, 2 server connections per database)
    in front of the tests' PostgreSQL, on a free loopback port."""

    def __init__(self):
        server = make_url(TEST_DATABASE_URL)
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="gatehouse-pgbouncer-"))
        self.server = (server.host or "127.0.0.1", server.port or 5432, server.username or "postgres")
        self.proc: subprocess.Popen | None = None

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.server[2]}@127.0.0.1:{self.port}/{database}"

    def start(self) -> PgBouncer:
        host, port, user = self.server
        (self.dir / "users.txt").write_text(f'"{user}" ""\n')
        (self.dir / "pgbouncer.ini").write_text(
            f"[databases]\n* = host={host} port={port}\n\n[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = trust\nauth_file = {self.dir}/users.txt\npool_mode = transaction\n"
            f"default_pool_size = 2\nmax_client_conn = 500\nignore_startup_parameters = extra_float_digits\n"
            f"logfile = {self.dir}/pgbouncer.log\npidfile = {self.dir}/pgbouncer.pid\n"
        )
        # PgBouncer will not run as root: as root it runs as the postgres user.
        as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
        if as_user:
            shutil.chown(self.dir, "postgres")
        self.proc = subprocess.Popen(
            [PGBOUNCER, *as_user, str(self.dir / "pgbouncer.ini")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def test_pgbouncer_setting_turns_off_prepared_statements_and_startup_options():
    base = {
        "APP_ENV": "production",
        "DATABASE_URL": "postgresql+psycopg://u:p@bouncer:6432/gatehouse",
        "REDIS_URL": "redis://r:6379/0",
        "JWT_SECRET_KEY": "x" * 48,
        "ENCRYPTION_KEYS": "dGVzdC1lbmNyeXB0aW9uLWtleS0wMTIzNDU2Nzg5YWI=",
    }
    direct = load_config(base)["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert "prepare_threshold" not in direct and "statement_timeout" in direct["options"]
    pooled = load_config({**base, "DATABASE_POOLER": "pgbouncer"})
    assert pooled["DATABASE_POOLER"] == "pgbouncer"
    connect_args = pooled["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert connect_args["prepare_threshold"] is None and "options" not in connect_args
    with pytest.raises(ConfigError, match="DATABASE_POOLER"):
        load_config({**base, "DATABASE_POOLER": "pgpool"})


needs_pgbouncer = pytest.mark.skipif(not os.path.exists(PGBOUNCER), reason="needs Debian's pgbouncer")


@pytest.fixture(scope="module")
def bouncer():
    running = PgBouncer().start()
    yield running
    running.stop()


@needs_pgbouncer
@pytest.mark.slow
def test_transaction_pooling_breaks_what_the_setting_turns_off_and_keeps_the_timeout(bouncer):
    from app import pgbouncer

    database = "postgres"  # no tables needed
    # What the app sent before DATABASE_POOLER: refused at connection time.
    with pytest.raises(psycopg.OperationalError, match="options"):
        psycopg.connect(
            host="127.0.0.1", port=bouncer.port, user="postgres", dbname=database, options="-c statement_timeout=1000", connect_timeout=5
        )
    settings = load_config(
        {
            "APP_ENV": "testing",
            "DATABASE_URL": bouncer.url(database),
            "DATABASE_POOLER": "pgbouncer",
            "DATABASE_STATEMENT_TIMEOUT_MS": "300",
        }
    )
    engine = create_engine(settings["SQLALCHEMY_DATABASE_URI"], **settings["SQLALCHEMY_ENGINE_OPTIONS"])
    pgbouncer.install(engine, 300)
    errors = []

    def same_query_many_times():
        # Past psycopg's prepare threshold, on 8 client connections sharing 2
        # server connections: a prepared statement would meet the wrong server.
        try:
            for i in range(20):
                with engine.begin() as conn:
                    assert conn.exec_driver_sql("SELECT %(n)s::int + 1", {"n": i}).scalar() == i + 1
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=same_query_many_times) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    with pytest.raises(OperationalError, match="statement timeout"), engine.begin() as conn:
        conn.exec_driver_sql("SELECT pg_sleep(2)")
    with engine.begin() as conn:  # SET LOCAL ended with its transaction; the next one sets it again
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "300ms"
    engine.dispose()


@needs_pgbouncer
@pytest.mark.slow
def test_a_slice_of_the_suite_passes_through_pgbouncer(bouncer):
    redis_server = PrivateRedis().start()
    try:
        env = {
            **os.environ,
            "TEST_DATABASE_URL": bouncer.url(make_url(TEST_DATABASE_URL).database + "_pgbouncer"),
            "TEST_REDIS_URL": redis_server.url.rsplit("/", 1)[0] + "/15",
            "DATABASE_POOLER": "pgbouncer",
        }
        env.pop("PYTEST_XDIST_WORKER", None)
        result = subprocess.run(
            [sys.executable, "-m", "pytest", *SLICE, "-n", "0", "--no-cov", "-q", "-p", "no:cacheprovider", "-m", "not slow", "-x"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        redis_server.kill()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and " failed" not in result.stdout

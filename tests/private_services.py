"""Private instances for the fault tests: redis-server, PostgreSQL, gunicorn
and the RQ worker, each on its own loopback port and stopped by the test that
started it. The machine's shared PostgreSQL (5432) and Redis (6379) are never
touched: a test that kills a service kills one of these.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from tests.helpers import ROOT, TEST_ENCRYPTION_KEY, TEST_SECRET, free_port


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def redis_server_command(port: int, *extra: str) -> list[str]:
    """redis-server on loopback `port`, in the foreground, keeping nothing on disk."""
    return [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--daemonize",
        "no",
        "--loglevel",
        "warning",
        *extra,
    ]


class PrivateRedis:
    """A throw-away redis-server on a free port; `kill()` is SIGKILL, `start()` brings it back on the same port."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        self.proc = subprocess.Popen(
            redis_server_command(self.port),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    stop = kill


def _postgres_bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise FileNotFoundError(f"{name} not found (PostgreSQL server binaries)")
    return candidates[-1]


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (initdb in a temporary directory, trust
    auth, fsync off) on a free port. initdb refuses root, so as root the
    cluster belongs to the `postgres` system user."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="gatehouse-pg-"))
        self.data = self.dir / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.dir, "postgres")
        subprocess.run(
            [*self._as, _postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> PrivatePostgres:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            [
                *self._as,
                _postgres_bin("pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.dir / "log"),
                "-w",
                "-t",
                "30",
                "start",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return self

    def stop(self) -> None:
        """An immediate shutdown: clients see their connections drop and new ones refused."""
        subprocess.run(
            [*self._as, _postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def service_env(database_url: str, redis_url: str, **extra) -> dict:
    """The environment of a gunicorn or worker started by a fault test: the test
    settings (the tests' secret, cheap bcrypt) on the given services."""
    env = dict(os.environ)
    env.update(
        APP_ENV="testing",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        JWT_SECRET_KEY=TEST_SECRET,
        ENCRYPTION_KEYS=TEST_ENCRYPTION_KEY,
        BCRYPT_ROUNDS="4",
        LOG_LEVEL="WARNING",
        MAIL_BACKEND="console",
        PYTHONPATH=str(ROOT),
        DATABASE_CONNECT_TIMEOUT="2",
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def migrate(env: dict) -> None:
    """`flask --app wsgi db upgrade` against the environment's database, as production does."""
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


class Gunicorn:
    """`gunicorn -c deploy/gunicorn.conf.py wsgi:app` (one worker, four threads) on a free port."""

    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(env, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        self.log = tempfile.NamedTemporaryFile(prefix="gatehouse-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 30.0) -> Gunicorn:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"gunicorn exited:\n{self.output()}"
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        raise TimeoutError(f"gunicorn did not answer:\n{self.output()}")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-5000:]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

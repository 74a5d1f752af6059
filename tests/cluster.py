"""Several Gatehouse instances on one PostgreSQL and one Redis, as an operator
runs them (docs/scaling.md): gunicorn masters (deploy/gunicorn.conf.py), `python
worker.py` processes sending to an SMTP sink, nginx (Debian's, as a plain
process) in front with every master as an upstream. Each on a free loopback
port; everything is stopped by `stop()`.

The cluster has a database of its own (the tests' database name + `_cluster`,
rebuilt with `flask db upgrade`), so that the per-test clean-up of the other
tests never runs under its feet."""

from __future__ import annotations

import itertools
import re
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests
from sqlalchemy.engine import make_url

from tests.conftest import DEFAULT_PASSWORD, ROOT, TEST_DATABASE_URL, ensure_database, free_port, unique_email
from tests.mailbox import SMTPServer
from tests.private_services import Gunicorn, migrate, service_env

NGINX = "/usr/sbin/nginx"
API = "/api/v1"
_addresses = itertools.count(1)


def fresh_ip() -> str:
    """A client address no other request of this run used (sent as the one trusted X-Forwarded-For hop)."""
    n = next(_addresses)
    return f"198.18.{(n >> 8) & 255}.{n & 255}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _connect(url: str) -> psycopg.Connection:
    """An autocommit psycopg connection to the SQLAlchemy `url`'s database."""
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    )


def rebuild_database(url: str) -> None:
    ensure_database(url)
    with _connect(url) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def nginx_config(directory: Path, upstreams: list[str], listen: str) -> Path:
    """deploy/nginx.conf with loopback upstreams and listen port, pid and temp paths in `directory`."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    line = re.search(r"server web:8000([^;]*);", text)
    servers = "\n        ".join(f"server {upstream}{line.group(1)};" for upstream in upstreams)
    text = text.replace(line.group(0), servers)
    text = text.replace("listen 80;", f"listen {listen};").replace("listen [::]:80;", "")
    text = text.replace("worker_processes auto;", "worker_processes 1;")
    text = text.replace(
        "http {",
        "http {\n"
        + "\n".join(f"    {kind}_temp_path {directory}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        1,
    )
    path = directory / "nginx.conf"
    path.write_text(f"pid {directory}/nginx.pid;\n" + text)
    return path


class Cluster:
    """`Cluster(tmp, masters=2, workers=2).start()`: `.masters` (Gunicorn), `.url`
    (nginx), `.smtp.mailbox`, `.admin` (headers of a signed-in admin)."""

    def __init__(
        self, directory: Path, masters: int = 2, workers: int = 2, redis_url: str | None = None, database_url: str | None = None, **env
    ):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url or TEST_DATABASE_URL + "_cluster"
        self.smtp = SMTPServer()
        self.env = service_env(
            self.database_url,
            redis_url or "",
            **{
                "TRUSTED_PROXY_COUNT": 1,
                "WEB_CONCURRENCY": 2,
                "GUNICORN_THREADS": 8,
                "GUNICORN_GRACEFUL_TIMEOUT": 5,
                "MAIL_BACKEND": "smtp",
                "MAIL_SERVER": "127.0.0.1",
                "MAIL_PORT": self.smtp.port,
                "MAIL_TIMEOUT": 5,
                "EMAIL_WORKERS": 2,
                "OUTBOX_SWEEP_INTERVAL_SECONDS": 1,
                **env,
            },
        )
        self.n_masters, self.n_workers = masters, workers
        self.masters: list[Gunicorn] = []
        self.workers: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> Cluster:
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        rebuild_database(self.database_url)
        migrate(self.env)
        self.smtp.start()
        # Every process boots the app (seconds on a loaded machine): all at once.
        self.masters = [Gunicorn(self.env) for _ in range(self.n_masters)]
        with ThreadPoolExecutor(self.n_masters) as pool:
            booting = [pool.submit(master.start, 120) for master in self.masters]
            for index in range(self.n_workers):
                log = open(self.directory / f"worker-{index}.log", "wb")  # noqa: SIM115 (the process writes to it)
                self.workers.append(
                    subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
                )
            for future in booting:
                future.result()
        assert all(worker.poll() is None for worker in self.workers), "worker.py exited"
        port = free_port()
        config = nginx_config(self.directory, [f"127.0.0.1:{m.port}" for m in self.masters], f"127.0.0.1:{port}")
        self.nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(self.directory), "-e", str(self.directory / "nginx-error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.directory / "nginx.log", "wb"),  # noqa: SIM115
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "nginx did not answer"
            time.sleep(0.05)
        self.admin_email = self.new_user(self.masters[0].url)
        with _connect(self.database_url) as conn:
            conn.execute("UPDATE users SET is_admin = true WHERE email = %s", (self.admin_email,))
        self.admin = bearer(self.login(self.masters[0].url, self.admin_email)["access_token"])

    # ------------------------------------------------------------ API steps

    def post(self, base: str, path: str, body: dict | None = None, headers: dict | None = None, ip: str | None = None):
        headers = {**(headers or {}), "X-Forwarded-For": ip or fresh_ip()}
        return requests.post(base + API + path, json=body, headers=headers, timeout=15)

    def login(self, base: str, email: str, password: str = DEFAULT_PASSWORD) -> dict:
        response = self.post(base, "/auth/login", {"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def register(self, base: str, email: str | None = None, ip: str | None = None):
        body = {"email": email or unique_email(), "password": DEFAULT_PASSWORD, "full_name": "Ada Lovelace", "terms_accepted": True}
        return self.post(base, "/auth/register", body, ip=ip)

    def new_user(self, base: str) -> str:
        """Register on `base`, verify through the emailed link; returns the email."""
        email = unique_email()
        assert self.register(base, email).status_code == 201
        deadline = time.monotonic() + 60
        while not self.smtp.mailbox.to(email):
            assert time.monotonic() < deadline, f"no email to {email}"
            time.sleep(0.05)
        token = re.search(r"token=([A-Za-z0-9_.\-]+)", self.smtp.mailbox.to(email)[0].get_body(("plain",)).get_content())
        verified = self.post(base, "/auth/verify-email", {"token": token.group(1)})
        assert verified.status_code == 200, verified.text
        return email

    # ------------------------------------------------------------ stop

    def kill_master(self, master: Gunicorn, timeout: float = 90.0) -> None:
        """SIGKILL a gunicorn master; returns once its orphaned workers (which
        finish what they were serving, then notice and exit) are gone."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.proc.pid)], capture_output=True, text=True)
        orphans = [int(p) for p in out.stdout.split()]
        master.proc.send_signal(signal.SIGKILL)
        master.proc.wait()
        deadline = time.monotonic() + timeout
        while any(Path(f"/proc/{pid}").exists() for pid in orphans):
            assert time.monotonic() < deadline, "the killed master's workers did not exit"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.nginx and self.nginx.poll() is None:
            self.nginx.terminate()
            self.nginx.wait(timeout=10)
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        for master in self.masters:
            master.stop()
        self.smtp.stop()

"""A real gunicorn (deploy/gunicorn.conf.py) on the tests' database and Redis,
for the few tests that need several worker processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers import ROOT, TEST_DATABASE_URL, TEST_ENCRYPTION_KEY, TEST_REDIS_URL, TEST_SECRET, free_port


class LiveServer:
    """`with LiveServer(tmp_path, workers=2) as server: requests.get(server.url + "/health")`.

    Its stderr (every log line) is kept in `server.log_path`."""

    def __init__(self, directory: Path, workers: int = 2, **env):
        self.directory = Path(directory)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics_dir = self.directory / "prometheus"
        self.log_path = self.directory / "gunicorn.log"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("PROMETHEUS_", "OTEL_", "GUNICORN_"))},
            "APP_ENV": "testing",
            "DATABASE_URL": TEST_DATABASE_URL,
            "REDIS_URL": TEST_REDIS_URL,
            "JWT_SECRET_KEY": TEST_SECRET,
            "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
            "BCRYPT_ROUNDS": "4",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            # One request per worker at a time: requests spread over the workers.
            "GUNICORN_WORKER_CLASS": "sync",
            "GUNICORN_THREADS": "1",
            "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir),
            **env,
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LiveServer:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_serving()
        except BaseException:
            self.__exit__()  # never leave a gunicorn behind
            raise
        return self

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/health", timeout=2).status_code == 200 and len(self.worker_pids()) >= int(
                    self.env["WEB_CONCURRENCY"]
                ):
                    return
            except requests.RequestException:  # refused, or accepted while the workers boot
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /health within 20 s")

    def worker_pids(self) -> list[int]:
        """The pids of the master's live worker processes."""
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

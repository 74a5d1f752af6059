"""Measure gunicorn worker classes and counts on this machine (how the
defaults of deploy/gunicorn.conf.py were chosen).

    python deploy/measure_gunicorn.py --database-url postgresql+psycopg://postgres@127.0.0.1/gatehouse_measure \
        --redis-url redis://127.0.0.1:6379/14 [--seconds 10] [--connections 16]

For each configuration it starts `gunicorn -c deploy/gunicorn.conf.py wsgi:app`
(APP_ENV=production, rate limits off: every request comes from 127.0.0.1) and
runs wrk (Debian's package) against GET /health and the authenticated
GET /api/v1/users/me (JWT check, session state from Redis, the user from
PostgreSQL). The database is migrated and one user is made; its Redis DB is
flushed. wrk shares the 2 cores with the server, as any local generator must.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIGS = [
    ("sync", 2, 1),
    ("sync", 3, 1),
    ("sync", 5, 1),
    ("gthread", 2, 4),
    ("gthread", 3, 4),
    ("gthread", 2, 8),
    ("gthread", 5, 2),
]


def mint_token(env: dict) -> str:
    from app import create_app
    from app.auth.sessions import start_session
    from app.context import RequestContext
    from app.extensions import db
    from app.models import User
    from app.security.access_tokens import issue_access_token
    from app.security.passwords import hash_password

    app = create_app(
        {
            "APP_ENV": "testing",
            "DATABASE_URL": env["DATABASE_URL"],
            "REDIS_URL": env["REDIS_URL"],
            "JWT_SECRET_KEY": env["JWT_SECRET_KEY"],
            "BCRYPT_ROUNDS": 4,
        }
    )
    with app.app_context():
        user = User(
            email=f"measure-{time.time_ns()}@example.com", password_hash=hash_password("Measure123"), full_name="Measure", is_verified=True
        )
        db.session.add(user)
        db.session.commit()
        session, _ = start_session(user, RequestContext())
        db.session.commit()
        return issue_access_token(user.id, session.id)[0]


def wrk(url: str, seconds: int, connections: int, token: str | None) -> tuple[float, str]:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if token:
        command[1:1] = ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99 + (f" ({non2xx.group(1)} non-2xx)" if non2xx else "")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--configs", help="class:workers:threads,... (default: the list above)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per configuration")
    args = parser.parse_args()
    configs = [(c, int(w), int(t)) for c, w, t in (item.split(":") for item in args.configs.split(","))] if args.configs else CONFIGS
    env = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "JWT_SECRET_KEY": "measure-" + "x" * 40,
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    token = mint_token(env)
    print(f"{'class':<8} {'workers':>7} {'threads':>7} | {'/health req/s':>13} {'p99':>10} | {'/users/me req/s':>15} {'p99':>10}")
    for worker_class, workers, threads in [c for c in configs for _ in range(args.repeat)]:
        port = 18000 + os.getpid() % 1000
        with tempfile.TemporaryDirectory() as metrics:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT,
                env={
                    **env,
                    "GUNICORN_BIND": f"127.0.0.1:{port}",
                    "WEB_CONCURRENCY": str(workers),
                    "GUNICORN_WORKER_CLASS": worker_class,
                    "GUNICORN_THREADS": str(threads),
                    "PROMETHEUS_MULTIPROC_DIR": metrics,
                },
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                base = f"http://127.0.0.1:{port}"
                for _ in range(200):
                    try:
                        if requests.get(base + "/health", timeout=1).ok:
                            break
                    except requests.RequestException:
                        time.sleep(0.1)
                time.sleep(1)  # every worker booted
                health = wrk(base + "/health", args.seconds, args.connections, None)
                me = wrk(base + "/api/v1/users/me", args.seconds, args.connections, token)
            finally:
                server.terminate()
                server.wait(timeout=30)
        print(f"{worker_class:<8} {workers:>7} {threads:>7} | {health[0]:>13.0f} {health[1]:>10} | {me[0]:>15.0f} {me[1]:>10}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

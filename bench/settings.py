"""Where the benchmark runs: its own database and Redis DB, and the service's environment.

Everything here can be overridden from the environment (BENCH_DATABASE_URL,
BENCH_REDIS_URL, BENCH_USERS, ...), so that the same runner works on another
machine.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/gatehouse_bench")
# Redis DB 9 is the benchmark's; it is flushed at the start of every run.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
JWT_SECRET = "bench-secret-key-that-is-long-enough-for-production-0123456789"
# Production refuses to start without ENCRYPTION_KEYS (a base64url 32-byte key); a fixed one is enough here.
ENCRYPTION_KEY = os.environ.get("BENCH_ENCRYPTION_KEY", "YmVuY2gta2V5LWJlbmNoLWtleS1iZW5jaC1rZXktMzI=")
USERS = int(os.environ.get("BENCH_USERS", "100000"))
# Every seeded user has this password (one hash, computed once at BCRYPT_ROUNDS).
PASSWORD = "BenchPass123"
EMAIL_FORMAT = "bench-{:06d}@bench.example"
EMAIL_DOMAIN = "@bench.example"
BCRYPT_ROUNDS = int(os.environ.get("BCRYPT_ROUNDS", "12"))


def service_env(**overrides) -> dict:
    """The environment the service runs with in production, pointed at the bench database."""
    env = dict(os.environ)
    env.update(
        APP_ENV="production",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        JWT_SECRET_KEY=JWT_SECRET,
        ENCRYPTION_KEYS=ENCRYPTION_KEY,
        BCRYPT_ROUNDS=str(BCRYPT_ROUNDS),
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "INFO"),  # production default: one JSON line per request
        MAIL_BACKEND="console",
        PYTHONPATH=str(ROOT),
    )
    env.update({k: str(v) for k, v in overrides.items()})
    return env

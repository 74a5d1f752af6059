"""Seed the benchmark database: migrations, then 100,000 users (half with a profile).

    python -m bench.seed            # idempotent: seeds only what is missing
    python -m bench.seed --reset    # drop everything and seed again

All users share one password hash (computed once at BCRYPT_ROUNDS), so seeding
takes seconds: the rows are made by `INSERT ... SELECT generate_series`.
Every run also removes what earlier runs added (sessions, registrations,
audit events, outbox rows), so that each run starts from the same state.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import psycopg
from sqlalchemy.engine import make_url

from bench import settings


def _conninfo(url: str, dbname: str | None = None) -> dict:
    parsed = make_url(url)
    info = dict(
        host=parsed.host or "127.0.0.1",
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        dbname=dbname or parsed.database,
        autocommit=True,
    )
    if parsed.password:
        info["password"] = parsed.password
    return info


def ensure_database() -> None:
    """Create the bench database if it does not exist (on the server of BENCH_DATABASE_URL)."""
    name = make_url(settings.DATABASE_URL).database
    with psycopg.connect(**_conninfo(settings.DATABASE_URL, "postgres")) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    """`flask --app wsgi db upgrade`, exactly as production applies migrations."""
    flask = str(settings.ROOT / ".venv" / "bin" / "flask")
    if not (settings.ROOT / ".venv" / "bin" / "flask").exists():
        flask = "flask"
    subprocess.run(
        [flask, "--app", "wsgi", "db", "upgrade"], cwd=settings.ROOT, env=settings.service_env(), check=True, stdout=subprocess.DEVNULL
    )


def password_hash() -> str:
    sys.path.insert(0, str(settings.ROOT))
    from app.security.passwords import hash_password

    return hash_password(settings.PASSWORD, rounds=settings.BCRYPT_ROUNDS)


def seed(reset: bool = False) -> dict:
    """Make the database hold exactly the seeded users; returns what it did."""
    started = time.perf_counter()
    ensure_database()
    with psycopg.connect(**_conninfo(settings.DATABASE_URL)) as conn:
        if reset:
            conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    migrate()
    with psycopg.connect(**_conninfo(settings.DATABASE_URL)) as conn:
        # What earlier runs added.
        conn.execute("TRUNCATE sessions, refresh_tokens, user_tokens, outbox_messages, audit_events")
        conn.execute("DELETE FROM users WHERE email NOT LIKE %s", ("bench-%" + settings.EMAIL_DOMAIN,))
        have = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        rounds_ok = conn.execute(
            "SELECT count(*) = 0 FROM users WHERE password_hash NOT LIKE %s", (f"$2b${settings.BCRYPT_ROUNDS:02d}$%",)
        ).fetchone()[0]
        profiles = conn.execute("SELECT count(*) FROM user_profiles").fetchone()[0]
        inserted = 0
        if have != settings.USERS or profiles != settings.USERS // 2 or not rounds_ok:
            conn.execute("TRUNCATE users CASCADE")
            hashed = password_hash()
            # created_at spread over a year so that sorting and paging by it mean something.
            with conn.transaction():
                conn.execute(
                    """
                INSERT INTO users (email, password_hash, full_name, is_verified, is_active, is_admin, created_at, updated_at)
                SELECT format('bench-%%s' || %(domain)s, lpad(n::text, 6, '0')), %(hash)s,
                       'Bench User ' || n, true, true, n = 1,
                       now() - (n || ' minutes')::interval * 5, now()
                FROM generate_series(1, %(count)s) AS n
                """,
                    {"domain": settings.EMAIL_DOMAIN, "hash": hashed, "count": settings.USERS},
                )
                conn.execute(
                    """
                INSERT INTO user_profiles (user_id, avatar_url, bio, preferences)
                SELECT id, 'https://avatars.example/' || id || '.png', 'Seeded for the benchmark.',
                       '{"theme": "dark", "language": "en"}'::jsonb
                FROM users WHERE substring(email from 7 for 6)::int % 2 = 0
                """
                )
            inserted = settings.USERS
        # Fresh statistics so that plans match a long-running database.
        conn.execute("VACUUM ANALYZE")
        users = conn.execute("SELECT count(*) FROM users").fetchone()[0]
        profiles = conn.execute("SELECT count(*) FROM user_profiles").fetchone()[0]
    return {"users": users, "profiles": profiles, "inserted": inserted, "seconds": round(time.perf_counter() - started, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reset", action="store_true", help="drop the schema and seed from scratch")
    args = parser.parse_args()
    print(seed(reset=args.reset))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The time of one sign-in at the configured bcrypt cost, end to end in-process.

    python -m bench.login_time            # BCRYPT_ROUNDS=12 unless set

POST /api/v1/auth/login through the Flask app (schema, service, PostgreSQL,
Redis, audit row, session row, JWT) with no HTTP server or network in front,
one at a time, median of `samples`; also the medians of an unknown-email and
a wrong-password login, which must match (timing parity). Uses the bench
database and Redis DB (bench/settings.py), migrating it if needed; removes
what it created.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import uuid

from bench import settings


def measure(rounds: int = settings.BCRYPT_ROUNDS, samples: int = 15) -> dict:
    sys.path.insert(0, str(settings.ROOT))
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.models import User
    from app.security.passwords import hash_password

    app = create_app(
        {
            "APP_ENV": "testing",
            "DATABASE_URL": settings.DATABASE_URL,
            "REDIS_URL": settings.REDIS_URL,
            "JWT_SECRET_KEY": settings.JWT_SECRET,
            "BCRYPT_ROUNDS": rounds,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        }
    )
    email = f"login-time-{uuid.uuid4().hex[:8]}@bench.example"
    with app.app_context():
        upgrade(directory=str(settings.ROOT / "migrations"))
        user = User(email=email, password_hash=hash_password(settings.PASSWORD), full_name="Login Time", is_verified=True)
        db.session.add(user)
        db.session.commit()
        user_id = user.id
    client = app.test_client()

    def timed(address, password, status):
        started = time.perf_counter()
        response = client.post("/api/v1/auth/login", json={"email": address, "password": password})
        took = time.perf_counter() - started
        assert response.status_code == status, response.get_json()
        return took

    try:
        timed(email, settings.PASSWORD, 200)  # warm-up (connections, dummy hash)
        timed(f"nobody-{uuid.uuid4().hex}@bench.example", "WrongPass123", 401)
        ok, unknown, wrong = [], [], []
        for i in range(samples):
            ok.append(timed(email, settings.PASSWORD, 200))
            unknown.append(timed(f"nobody-{uuid.uuid4().hex}@bench.example", "WrongPass123", 401))
            if i < 8:  # stay under the lockout threshold
                wrong.append(timed(email, "WrongPass123", 401))
                ok.append(timed(email, settings.PASSWORD, 200))  # a success resets the failure count
    finally:
        with app.app_context():
            db.session.execute(db.delete(User).where(User.id == user_id))
            db.session.commit()

    def ms(values):
        return round(statistics.median(values) * 1000, 1)

    return {
        "rounds": rounds,
        "login_ok_ms": ms(ok),
        "login_ok_min_ms": round(min(ok) * 1000, 1),
        "login_ok_max_ms": round(max(ok) * 1000, 1),
        "login_unknown_email_ms": ms(unknown),
        "login_wrong_password_ms": ms(wrong),
        "samples": {"ok": len(ok), "unknown": len(unknown), "wrong": len(wrong)},
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))

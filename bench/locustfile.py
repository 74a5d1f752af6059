"""The mixed-traffic scenario (bench/README.md): 1000 concurrent users on a realistic mix.

    locust -f bench/locustfile.py --headless -u 1000 -r 50 -t 90s --host http://127.0.0.1:PORT

(`python -m bench.run` runs it with the right environment.) Each simulated user
is one seeded account with its own signed-in session (BENCH_TOKENS: one
"email token" per line, minted by the runner) and its own client address
(X-Forwarded-For from the documentation range 2001:db8::/32; the service runs
with TRUSTED_PROXY_COUNT=1 as behind the shipped nginx, so per-IP rate limits
apply per user). Between requests a user thinks for 3-7 s. The mix, by weight:
reading the account (100) and the profile (60), updating the profile (12) and
the name (8), logging in again (1) and a new visitor registering (1).
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import uuid

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("BENCH_PASSWORD", "BenchPass123")
_accounts: list[tuple[str, str]] = []
_next = itertools.count()
_lock = threading.Lock()


def _account(n: int) -> tuple[str, str]:
    with _lock:
        if not _accounts:
            with open(os.environ["BENCH_TOKENS"]) as handle:
                for line in handle:
                    email, token = line.split()
                    _accounts.append((email, token))
    return _accounts[n % len(_accounts)]


class Visitor(FastHttpUser):
    wait_time = between(3, 7)

    def on_start(self):
        n = next(_next)
        self.email, token = _account(n)
        self.address = f"2001:db8::{n // 65536:x}:{n % 65536:x}"
        self.auth = {"Authorization": f"Bearer {token}", "X-Forwarded-For": self.address}

    @task(100)
    def read_account(self):
        self.client.get("/api/v1/users/me", headers=self.auth, name="GET /users/me")

    @task(60)
    def read_profile(self):
        self.client.get("/api/v1/users/me/profile", headers=self.auth, name="GET /users/me/profile")

    @task(12)
    def update_profile(self):
        body = {
            "bio": f"Updated {random.randint(1, 10**6)}",
            "avatar_url": "https://avatars.example/a.png",
            "preferences": {"theme": random.choice(["dark", "light"])},
        }
        self.client.put("/api/v1/users/me/profile", json=body, headers=self.auth, name="PUT /users/me/profile")

    @task(8)
    def rename(self):
        body = {"full_name": f"Bench User {random.randint(1, 10**6)}"}
        self.client.patch("/api/v1/users/me", json=body, headers=self.auth, name="PATCH /users/me")

    @task(1)
    def log_in_again(self):
        body = {"email": self.email, "password": PASSWORD}
        with self.client.post(
            "/api/v1/auth/login", json=body, headers={"X-Forwarded-For": self.address}, name="POST /auth/login", catch_response=True
        ) as response:
            if response.status_code == 200:
                token = response.json()["data"]["access_token"]
                self.auth = {"Authorization": f"Bearer {token}", "X-Forwarded-For": self.address}
                response.success()
            else:
                response.failure(f"status {response.status_code}")

    @task(1)
    def register(self):
        body = {
            "email": f"new-{uuid.uuid4().hex}@visitors.example",
            "password": PASSWORD,
            "full_name": "New Visitor",
            "terms_accepted": True,
        }
        self.client.post("/api/v1/auth/register", json=body, headers={"X-Forwarded-For": self.address}, name="POST /auth/register")

"""Email worker figures: the throughput of one `python worker.py` process
sending to a local SMTP server, and the time from a registration to its
verification email arriving.

    python -m bench.email_throughput [--messages 2000] [--workers 5] [--registrations 30]

1. Throughput: `--messages` verification emails are committed to the outbox
   (and so enqueued on email_queue) while no worker runs; then one
   `python worker.py` (EMAIL_WORKERS=`--workers`, MAIL_BACKEND=smtp) starts and
   drains them into an aiosmtpd sink on a loopback port. Messages per second =
   messages / (last arrival - first arrival), so that the worker's start-up
   does not count; also the CPU time the worker's processes spent per message
   meanwhile (from /proc), a figure that other load on the machine does not
   distort.
2. Registration to inbox: with that worker idle, `--registrations`
   POST /api/v1/auth/register requests, one at a time, through the app
   in-process (schema, service, bcrypt at BCRYPT_ROUNDS, commit, enqueue);
   for each, the time from sending the request to the SMTP sink holding the
   message, and from the response (the commit is done) to arrival.

Uses its own database and Redis DB (BENCH_EMAIL_DATABASE_URL,
default gatehouse_bench_email; BENCH_EMAIL_REDIS_URL, default DB 12, flushed).
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_EMAIL_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/gatehouse_bench_email")
REDIS_URL = os.environ.get("BENCH_EMAIL_REDIS_URL", "redis://127.0.0.1:6379/12")
SECRET = "bench-email-secret-key-that-is-long-enough-0123456789"
ROUNDS = int(os.environ.get("BCRYPT_ROUNDS", "12"))


class Sink:
    """aiosmtpd handler noting when each recipient's message arrived."""

    def __init__(self):
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        now = time.monotonic()
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.arrived.setdefault(rcpt.lower(), now)
        return "250 OK"

    def wait(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while len(self.arrived) < count and time.monotonic() < deadline:
            time.sleep(0.01)


def _tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process `pid` and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
            for task in os.listdir(f"/proc/{current}/task"):
                stack += [int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _percentiles(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {}
    return {
        "p50_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(values[min(len(values) - 1, int(0.95 * len(values)))] * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--registrations", type=int, default=30)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    import redis
    from aiosmtpd.controller import Controller
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.email.outbox import queue_email
    from app.extensions import db
    from tests.helpers import ensure_database, free_port

    ensure_database(DATABASE_URL)
    redis.Redis.from_url(REDIS_URL).flushdb()
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    mail = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    app = create_app(
        {
            "APP_ENV": "testing",
            "DATABASE_URL": DATABASE_URL,
            "REDIS_URL": REDIS_URL,
            "JWT_SECRET_KEY": SECRET,
            "BCRYPT_ROUNDS": ROUNDS,
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            **mail,
        }
    )
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.session.execute(text("TRUNCATE outbox_messages, audit_events, user_tokens, users CASCADE"))
        db.session.commit()

    # 1. throughput: a backlog, then one worker process drains it
    run = uuid.uuid4().hex[:8]
    with app.app_context():
        for start in range(0, args.messages, 500):
            for n in range(start, min(start + 500, args.messages)):
                queue_email(
                    f"load-{run}-{n}@bench.example",
                    "verify_email",
                    {"full_name": "Bench", "link": f"http://localhost/verify-email?token={n}", "expires_in_hours": 48},
                )
            db.session.commit()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAIL_")}
    env.update(
        APP_ENV="testing",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        JWT_SECRET_KEY=SECRET,
        EMAIL_WORKERS=str(args.workers),
        LOG_LEVEL="WARNING",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
    )
    worker = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result: dict = {"workers": args.workers, "bcrypt_rounds": ROUNDS, "cpus": os.cpu_count()}
    try:
        sink.wait(1, timeout=120)
        cpu_start, first_count = _tree_cpu_seconds(worker.pid), len(sink.arrived)
        sink.wait(args.messages, timeout=600)
        cpu_used = _tree_cpu_seconds(worker.pid) - cpu_start
        times = sorted(sink.arrived.values())
        result["throughput"] = {
            "messages": args.messages,
            "delivered": len(times),
            "messages_per_s": round((len(times) - 1) / (times[-1] - times[0]), 1) if len(times) > 1 else None,
            # CPU the worker processes spent per message while draining (independent of other load
            # on the machine): 1000 / this is what one fully available core can send per second.
            "worker_cpu_ms_per_message": round(cpu_used * 1000 / max(1, len(times) - first_count), 2),
            "load_average_1m": round(os.getloadavg()[0], 2),
        }

        # 2. registration -> inbox, one registration at a time against an idle worker
        client = app.test_client()
        from_request, from_commit = [], []
        for n in range(args.registrations):
            email = f"reg-{run}-{n}@bench.example"
            started = time.monotonic()
            response = client.post(
                "/api/v1/auth/register",
                json={"email": email, "password": "BenchPass123", "full_name": "Inbox Timer", "terms_accepted": True},
            )
            answered = time.monotonic()
            assert response.status_code == 201, response.get_json()
            sink.wait(len(sink.arrived) + 1, timeout=30)
            if email in sink.arrived:
                from_request.append(sink.arrived[email] - started)
                from_commit.append(sink.arrived[email] - answered)
            time.sleep(0.2)
        result["registration_to_inbox"] = {
            "registrations": args.registrations,
            "delivered": len(from_request),
            **_percentiles(from_request),
        }
        result["response_to_inbox"] = _percentiles(from_commit)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        controller.stop()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

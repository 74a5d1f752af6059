"""Registration-to-inbox time: POST /api/v1/auth/register until the verification
email reaches an SMTP server, through the outbox, Redis, RQ and `python worker.py`.

The service runs under gunicorn as in production, the worker as `python worker.py`
(MAIL_BACKEND=smtp) and the inbox is an aiosmtpd sink on a loopback port that
notes when each message arrives. Registrations are paced at `rate` per second
(each costs one bcrypt hash).
"""

from __future__ import annotations

import inspect
import json
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

from bench import settings
from bench.email_throughput import Sink


def _post(url: str, body: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:  # no answer in time: counted as not created
        return 0


def measure(count: int, tmp: Path, rate: float = 2.0) -> dict:
    """p50/p95/max seconds from each registration's POST to its email's arrival."""
    from aiosmtpd.controller import Controller

    from app.email import jobs
    from bench.run import Gunicorn, free_port, venv_bin

    if "NotImplementedError" in inspect.getsource(jobs.deliver_email):
        return {"skipped": "the email worker (app/email/jobs.py) is not on main yet"}
    inbox = Sink()
    smtp_port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    env = settings.service_env(
        RATELIMIT_ENABLED="false",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp_port),
        BENCH_DB_TIMES_DIR=str(settings.RESULTS / "db"),
    )
    worker_log = open(settings.RESULTS / "worker-email.log", "w")  # noqa: SIM115
    worker = subprocess.Popen([venv_bin("python"), "worker.py"], cwd=settings.ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT)
    sent: dict[str, float] = {}
    statuses: dict[str, int] = {}
    answered: dict[str, float] = {}
    try:
        with Gunicorn("bench.served:app", env, "/health", "email") as server:
            url = server.url + "/api/v1/auth/register"
            time.sleep(3)  # the worker's start-up

            def register(email):
                sent[email] = time.monotonic()
                statuses[email] = _post(
                    url, {"email": email, "password": settings.PASSWORD, "full_name": "Inbox Timer", "terms_accepted": True}
                )
                answered[email] = time.monotonic()

            threads = []
            for _ in range(count):
                email = f"inbox-{uuid.uuid4().hex[:12]}@visitors.example"
                thread = threading.Thread(target=register, args=(email,))
                thread.start()
                threads.append(thread)
                time.sleep(1 / rate)
            for thread in threads:
                thread.join()
            # Wait for this run's own messages only: the worker also delivers whatever
            # else is in the outbox (other recipients), which must not end the wait.
            created = [e for e in sent if statuses.get(e) == 201]
            joined = time.monotonic()
            deadline = joined + 60
            while time.monotonic() < deadline and any(e not in inbox.arrived for e in created):
                time.sleep(0.2)
            waited = time.monotonic() - joined
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        worker_log.close()
        controller.stop()
    delays = sorted(inbox.arrived[e] - sent[e] for e in created if e in inbox.arrived)
    result = {
        "sent": len(sent),
        "created": len(created),
        "delivered": len(delays),
        "rate_per_s": rate,
        "p50_s": None,
        "p95_s": None,
        "max_s": None,
        "waited_s": round(waited, 1),
        "other_recipients": len(inbox.arrived.keys() - sent.keys()),
        "answer_max_s": round(max((answered[e] - t for e, t in sent.items() if e in answered), default=0), 3),
    }
    if len(created) < len(sent):
        result["not_created"] = dict(Counter(str(code) for code in statuses.values() if code != 201))
    if delays:
        result.update(
            p50_s=round(statistics.median(delays), 3),
            p95_s=round(delays[min(len(delays) - 1, int(0.95 * len(delays)))], 3),
            max_s=round(delays[-1], 3),
        )
    if len(delays) < len(created):
        result["p95_s"] = None
        result["undelivered"] = len(created) - len(delays)
    return result

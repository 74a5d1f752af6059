"""`python worker.py` as a process: real RQ workers with their scheduler,
retries until the SMTP server comes back, JSON logs, graceful SIGTERM.

Slow: each test starts worker processes (and servers)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import redis

from app.extensions import db
from app.models import OutboxMessage
from tests.auth_client import register
from tests.helpers import ROOT, TEST_DATABASE_URL, TEST_ENCRYPTION_KEY, TEST_REDIS_URL, TEST_SECRET, unique_email
from tests.mailbox import SMTPServer
from tests.outbox_steps import outbox_row, queue_message
from tests.private_services import PrivateRedis

pytestmark = pytest.mark.slow


def wait_until(condition, timeout=15.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not reached in time")


@pytest.fixture
def start_worker(tmp_path):
    """`start_worker(smtp_port, **env)` runs `python worker.py` against the tests' database and Redis."""
    processes = []

    def _start(smtp_port, **env_overrides):
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "WEBHOOK_"))}
        env.update(
            APP_ENV="testing",
            DATABASE_URL=TEST_DATABASE_URL,
            REDIS_URL=TEST_REDIS_URL,
            JWT_SECRET_KEY=TEST_SECRET,
            ENCRYPTION_KEYS=TEST_ENCRYPTION_KEY,
            EMAIL_WORKERS="2",
            MAIL_BACKEND="smtp",
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(smtp_port),
            MAIL_TIMEOUT="5",
            OUTBOX_SWEEP_INTERVAL_SECONDS="0.5",
        )
        env.update({k: str(v) for k, v in env_overrides.items()})
        log_path = tmp_path / f"worker-{len(processes)}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        process.log_path = log_path
        processes.append(process)
        wait_until(lambda: log_path.read_text().count("Listening on") >= 2, timeout=20)
        return process

    yield _start
    for process in processes:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_worker_retries_with_backoff_until_smtp_server_is_back(app, start_worker):
    server = SMTPServer()  # down: connections are refused
    worker = start_worker(server.port, EMAIL_RETRY_BASE_SECONDS="0.5")  # retries after 1, 2, 4 s
    to = unique_email()
    message_id = queue_message(app, to)
    wait_until(lambda: outbox_row(app, message_id).attempts >= 1 and outbox_row(app, message_id).status == OutboxMessage.STATUS_PENDING)
    first_failure = time.monotonic()
    server.start()
    try:
        [mail] = server.mailbox.wait_for(1, timeout=15)
        waited = mail.received_at - first_failure
        row = wait_until(lambda: (r := outbox_row(app, message_id)).status == OutboxMessage.STATUS_SENT and r)
        assert row.attempts in (2, 3) and waited >= 0.5
        assert mail.envelope_to == [to]
        time.sleep(0.5)
        assert len(server.mailbox.messages) == 1
    finally:
        server.stop()
    worker.terminate()
    assert worker.wait(timeout=30) == 0
    # Every line the worker wrote is one JSON object (app, RQ and pool logs alike).
    lines = worker.log_path.read_text().splitlines()
    assert lines and all(json.loads(line)["level"] for line in lines)


def test_sigterm_lets_the_job_in_flight_finish(app, start_worker):
    server = SMTPServer().start()
    server.mailbox.data_delay = 2.0  # a slow SMTP server: the job is mid-conversation when SIGTERM comes
    try:
        worker = start_worker(server.port)
        message_id = queue_message(app, unique_email())
        wait_until(lambda: outbox_row(app, message_id).status == OutboxMessage.STATUS_SENDING)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
        assert len(server.mailbox.messages) == 1
        row = outbox_row(app, message_id)
        assert row.status == OutboxMessage.STATUS_SENT and row.attempts == 1
    finally:
        server.stop()


def test_the_workers_send_concurrently(app, start_worker):
    """EMAIL_WORKERS (2 here, 5 by default) processes work email_queue side by side:
    two messages to a slow SMTP server are in flight at the same time."""
    server = SMTPServer().start()
    server.mailbox.data_delay = 2.0
    try:
        worker = start_worker(server.port)
        assert worker.log_path.read_text().count("Listening on") == 2
        ids = [queue_message(app, unique_email()) for _ in range(2)]
        wait_until(lambda: all(outbox_row(app, i).status == OutboxMessage.STATUS_SENDING for i in ids), timeout=10)
        assert len(server.mailbox.wait_for(2, timeout=15)) == 2
    finally:
        server.stop()


def test_worker_sweeper_delivers_what_was_committed_while_redis_was_down(app, start_worker, monkeypatch):
    from app.extensions import redis_options, redis_store

    private = PrivateRedis().start()
    server = SMTPServer().start()
    try:
        start_worker(server.port, REDIS_URL=private.url, OUTBOX_SWEEP_GRACE_SECONDS="1")
        # The web side uses the same Redis, which now goes down.
        monkeypatch.setattr(redis_store, "client", redis.Redis.from_url(private.url, **redis_options(0.2)))
        private.kill()
        message_id = queue_message(app, unique_email())  # committed; the enqueue fails
        assert outbox_row(app, message_id).status == OutboxMessage.STATUS_PENDING
        time.sleep(1.0)
        private.start()  # back, empty: the job never existed
        assert len(server.mailbox.wait_for(1, timeout=30)) == 1
        wait_until(lambda: outbox_row(app, message_id).status == OutboxMessage.STATUS_SENT)
    finally:
        server.stop()
        private.kill()


def test_retry_is_delivered_when_no_scheduler_took_over_after_an_unclean_restart(app, client, start_worker, redis_conn):
    # The previous `python worker.py` was killed (SIGKILL, OOM, host restart) less than a
    # minute ago: its scheduler's locks are still held. The new workers find them taken at
    # start and RQ only tries again at its 10-minute maintenance, so a retry RQ holds in its
    # scheduled registry would wait that long; the sweeper must not count such an overdue
    # job as carrying the message.
    for queue in (app.config["EMAIL_QUEUE"], app.config["NOTIFICATION_QUEUE"]):
        redis_conn.set(f"rq:scheduler-lock:{queue}", "killed-predecessor", ex=60)
    server = SMTPServer()  # down: the first attempt fails and is scheduled for a retry
    start_worker(server.port, EMAIL_RETRY_BASE_SECONDS="0.5", OUTBOX_SWEEP_GRACE_SECONDS="1")
    to = unique_email()
    assert register(client, email=to).status_code == 201
    with app.app_context():
        message_id = db.session.query(OutboxMessage.id).filter(OutboxMessage.payload["to"].as_string() == to).scalar()
    wait_until(lambda: (r := outbox_row(app, message_id)).attempts >= 1 and r.status == OutboxMessage.STATUS_PENDING)
    server.start()
    try:
        [mail] = server.mailbox.wait_for(1, timeout=15)
        assert mail.envelope_to == [to]
        wait_until(lambda: outbox_row(app, message_id).status == OutboxMessage.STATUS_SENT)
        time.sleep(1.0)
        assert len(server.mailbox.messages) == 1
    finally:
        server.stop()

"""Steps shared by the email, webhook and dead-letter tests: commit an outbox
message, run a real RQ worker in this process, read or stage outbox rows.
(The `smtp_server` and `smtp_app` fixtures are in conftest.py.)"""

from __future__ import annotations

import signal
import time
import uuid

import redis
from rq import SimpleWorker

from tests.helpers import TEST_REDIS_URL

VERIFY_CONTEXT = {"full_name": "Ada Lovelace", "link": "http://localhost:5000/verify-email?token=SeCrEtToKeN123", "expires_in_hours": 48}


def run_worker(app) -> None:
    """Work through both queues once with a real RQ worker in this process
    (its scheduler first enqueues the retries that are due)."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with app.app_context():
            worker = SimpleWorker(
                [app.config["EMAIL_QUEUE"], app.config["NOTIFICATION_QUEUE"]], connection=redis.Redis.from_url(TEST_REDIS_URL)
            )
            worker.work(burst=True, with_scheduler=True)
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def work_until(app, condition, timeout: float = 10.0):
    """Run `run_worker` until `condition()` is truthy (retries come due on
    RQ's whole-second schedule); returns its value."""
    deadline = time.monotonic() + timeout
    while True:
        run_worker(app)
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def queue_message(app, to: str, template: str = "verify_email", context: dict | None = None) -> uuid.UUID:
    """Commit an outbox email the way a service does; returns its id."""
    from app.email.outbox import queue_email
    from app.extensions import db

    with app.app_context():
        message = queue_email(to, template, dict(VERIFY_CONTEXT if context is None else context))
        db.session.commit()
        return message.id


def outbox_row(app, message_id):
    """The outbox row as stored now (detached)."""
    from app.extensions import db
    from app.models import OutboxMessage

    with app.app_context():
        db.session.expire_all()
        row = db.session.get(OutboxMessage, message_id)
        db.session.expunge(row)
        return row


def update_row(app, message_id, **values) -> None:
    """Set columns of an outbox row directly (to stage a crash or an old message)."""
    from sqlalchemy import update

    from app.extensions import db
    from app.models import OutboxMessage

    with app.app_context():
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
        db.session.commit()

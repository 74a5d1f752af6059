"""The outbox sweeper: what the queue lost, the database still has."""

from datetime import timedelta

import redis
from rq import Queue

from app.models import OutboxMessage, utcnow
from tests.helpers import free_port, unique_email
from tests.outbox_steps import VERIFY_CONTEXT, outbox_row, queue_message, run_worker, update_row


def sweep(app):
    from app.email.sweeper import sweep as run_sweep

    with app.app_context():
        return run_sweep()


def test_sweeper_enqueues_what_was_committed_while_redis_was_down(smtp_app, monkeypatch, redis_conn):
    from app.extensions import redis_options, redis_store

    with monkeypatch.context() as down:
        down.setattr(redis_store, "client", redis.Redis(port=free_port(), **redis_options(0.2)))
        message_id = queue_message(smtp_app, unique_email())  # the commit succeeds, the enqueue cannot
    assert outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_PENDING
    assert Queue("email_queue", connection=redis_conn).count == 0

    assert sweep(smtp_app).enqueued == 0  # within the grace period: maybe still on its way
    monkeypatch.setitem(smtp_app.config, "OUTBOX_SWEEP_GRACE_SECONDS", 0)
    assert sweep(smtp_app).enqueued == 1
    run_worker(smtp_app)
    assert len(smtp_app.smtp.mailbox.wait_for(1)) == 1
    assert outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_SENT


def test_sweeper_never_puts_a_second_job_next_to_a_waiting_one(smtp_app, monkeypatch, redis_conn):
    monkeypatch.setitem(smtp_app.config, "OUTBOX_SWEEP_GRACE_SECONDS", 0)
    message_id = queue_message(smtp_app, unique_email())
    sweep(smtp_app)
    sweep(smtp_app)
    assert Queue("email_queue", connection=redis_conn).job_ids == [f"outbox-{message_id}"]
    run_worker(smtp_app)
    assert len(smtp_app.smtp.mailbox.wait_for(1)) == 1


def test_sweeper_recovers_a_message_whose_worker_died_mid_attempt(smtp_app):
    message_id = queue_message(smtp_app, unique_email())
    # The worker claimed it and was killed: the row is "sending", its lease long over.
    update_row(smtp_app, message_id, status=OutboxMessage.STATUS_SENDING, attempts=1, locked_until=utcnow() - timedelta(seconds=1))
    assert sweep(smtp_app).recovered == 1
    run_worker(smtp_app)
    assert len(smtp_app.smtp.mailbox.wait_for(1)) == 1
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_SENT and row.attempts == 2


def test_sweeper_leaves_an_attempt_in_progress_alone(smtp_app):
    message_id = queue_message(smtp_app, unique_email())
    update_row(smtp_app, message_id, status=OutboxMessage.STATUS_SENDING, attempts=1, locked_until=utcnow() + timedelta(seconds=60))
    assert not sweep(smtp_app)
    assert outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_SENDING


def test_sweeper_expires_messages_not_delivered_in_time(app):
    message_id = queue_message(app, unique_email())
    update_row(app, message_id, expires_at=utcnow() - timedelta(seconds=1), scrub_after=utcnow() - timedelta(seconds=1))
    assert sweep(app).expired == 1
    row = outbox_row(app, message_id)
    assert row.status == OutboxMessage.STATUS_DEAD
    assert row.last_error == "expired: not delivered within 3600 s of being queued"
    assert "SeCrEtToKeN123" not in str(row.payload)


def test_sweeper_removes_the_link_of_a_dead_message_once_it_expired(smtp_app):
    to = unique_email()
    smtp_app.smtp.mailbox.refuse[to] = "550 5.1.1 No such user"
    message_id = queue_message(smtp_app, to)
    run_worker(smtp_app)
    assert outbox_row(smtp_app, message_id).payload["context"]["link"] == VERIFY_CONTEXT["link"]
    assert sweep(smtp_app).scrubbed == 0
    update_row(smtp_app, message_id, scrub_after=utcnow() - timedelta(seconds=1))
    assert sweep(smtp_app).scrubbed == 1
    row = outbox_row(smtp_app, message_id)
    assert "SeCrEtToKeN123" not in str(row.payload) and row.scrub_after is None

"""`flask --app wsgi email dlq list|requeue|purge` and `email sweep`."""

import uuid

import pytest

from app.models import OutboxMessage
from tests.helpers import unique_email
from tests.outbox_steps import outbox_row, queue_message, run_worker, work_until


def dlq(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["email", "dlq", *args], input=input)


def dead_letter(app, to=None, context=None, template="verify_email"):
    """A message refused with 550: it lands in email_dead_letter_queue."""
    to = to or unique_email("refused")
    app.smtp.mailbox.refuse[to] = "550 5.1.1 No such user"
    message_id = queue_message(app, to, template=template, context=context)
    run_worker(app)
    assert outbox_row(app, message_id).status == OutboxMessage.STATUS_DEAD
    return message_id, to


def test_list_shows_each_dead_message_with_its_queue_and_reason(smtp_app):
    message_id, to = dead_letter(smtp_app)
    result = dlq(smtp_app, "list")
    assert result.exit_code == 0, result.output
    assert "email_dead_letter_queue: 1  notification_dlq: 0" in result.output
    [line] = [line for line in result.output.splitlines() if str(message_id) in line]
    assert "email_dead_letter_queue" in line and f"verify_email to {to}" in line
    assert "attempts=1" in line and "recipient refused: 550 5.1.1 No such user" in line


def test_requeue_by_id_delivers_once_the_problem_is_fixed(smtp_app):
    message_id, to = dead_letter(smtp_app)
    smtp_app.smtp.mailbox.refuse.clear()  # the operator fixed the mailbox
    result = dlq(smtp_app, "requeue", str(message_id))
    assert result.exit_code == 0, result.output
    assert f"requeued {message_id}" in result.output
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_PENDING and row.attempts == 0 and row.last_error is None
    work_until(smtp_app, lambda: outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_SENT)
    assert len(smtp_app.smtp.mailbox.to(to)) == 1


def test_requeue_all_requeues_every_dead_message(smtp_app):
    ids = [dead_letter(smtp_app)[0] for _ in range(3)]
    smtp_app.smtp.mailbox.refuse.clear()
    result = dlq(smtp_app, "requeue", "--all")
    assert result.exit_code == 0, result.output
    assert "3 requeued, 0 skipped" in result.output
    work_until(smtp_app, lambda: all(outbox_row(smtp_app, i).status == OutboxMessage.STATUS_SENT for i in ids))
    assert len(smtp_app.smtp.mailbox.messages) == 3


def test_requeue_skips_an_email_whose_link_was_removed(smtp_app):
    context = {"full_name": "Ada", "link": "http://x/reset?token=t", "expires_in_hours": 0}
    message_id, _ = dead_letter(smtp_app, template="reset_password", context=context)
    result = dlq(smtp_app, "requeue", str(message_id))
    assert result.exit_code == 1
    assert "link expired and was removed" in result.output
    assert outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_DEAD


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give message IDs or --all"),
        (["--all", "0b0e0d5c-7b43-4a59-9a52-4d2b5b1b2f39"], "give message IDs or --all"),
        (["not-a-uuid"], "outbox message UUIDs"),
        (["--all", "--queue", "nope"], "unknown dead-letter queue 'nope'"),
    ],
)
def test_requeue_refuses_bad_arguments(app, args, message):
    result = dlq(app, "requeue", *args)
    assert result.exit_code == 2
    assert message in result.output


def test_requeue_of_a_message_not_in_a_dead_letter_queue_is_reported(smtp_app):
    missing = uuid.uuid4()
    result = dlq(smtp_app, "requeue", str(missing))
    assert result.exit_code == 1
    assert f"skipped {missing}: not in a dead-letter queue" in result.output


def test_purge_deletes_dead_messages_after_confirmation(smtp_app):
    first, _ = dead_letter(smtp_app)
    second, _ = dead_letter(smtp_app)
    delivered = queue_message(smtp_app, unique_email())
    run_worker(smtp_app)

    assert dlq(smtp_app, "purge", input="n\n").exit_code == 1  # aborted
    assert outbox_row(smtp_app, first) is not None

    result = dlq(smtp_app, "purge", str(first), "--yes")
    assert result.exit_code == 0 and "1 purged" in result.output
    result = dlq(smtp_app, "purge", input="y\n")
    assert result.exit_code == 0 and "1 purged" in result.output
    from app.extensions import db

    with smtp_app.app_context():
        remaining = {m.id for m in db.session.query(OutboxMessage)}
    assert remaining == {delivered}
    assert second not in remaining


def test_sweep_command_reports_what_it_did(app):
    result = app.test_cli_runner().invoke(args=["email", "sweep"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "0 expired, 0 recovered, 0 enqueued, 0 scrubbed"

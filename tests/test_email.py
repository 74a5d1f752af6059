"""Email delivery through the outbox: templates, SMTP (a real aiosmtpd
server), a real RQ worker on the tests' Redis, retries, the dead-letter path,
idempotency, and what the logs may show."""

import logging
from datetime import timedelta

import pytest
from rq.registry import ScheduledJobRegistry

from app.models import OutboxMessage, utcnow
from tests.helpers import unique_email
from tests.mailbox import SMTPServer
from tests.outbox_steps import VERIFY_CONTEXT, outbox_row, queue_message, run_worker, update_row, work_until

CONTRACT_TEMPLATES = [
    (
        "verify_email",
        {"full_name": "Ada", "link": "https://app.example/verify-email?token=t0k", "expires_in_hours": 48},
        "Confirm your email address",
    ),
    (
        "reset_password",
        {"full_name": "Ada", "link": "https://app.example/reset-password?token=t0k", "expires_in_hours": 1},
        "Reset your password",
    ),
    (
        "change_email_confirm",
        {"full_name": "Ada", "link": "https://app.example/verify-email?token=t0k", "new_email": "new@example.com", "expires_in_hours": 48},
        "Confirm your new email address",
    ),
    (
        "change_email_notice",
        {"full_name": "Ada", "new_email": "new@example.com", "link": "https://app.example/reset-password?token=t0k", "expires_in_hours": 1},
        "Your email address is about to change",
    ),
    ("password_changed", {"full_name": "Ada"}, "Your password was changed"),
    ("mfa_enabled", {"full_name": "Ada", "at": "2026-12-03 10:00 UTC"}, "Two-factor sign-in is on"),
    ("mfa_disabled", {"full_name": "Ada", "at": "2026-12-03 10:00 UTC"}, "Two-factor sign-in is off"),
    ("mfa_reset", {"full_name": "Ada", "at": "2026-12-03 10:00 UTC"}, "An administrator reset your two-factor sign-in"),
    ("recovery_codes_regenerated", {"full_name": "Ada", "at": "2026-12-03 10:00 UTC"}, "New recovery codes for your account"),
    ("recovery_code_used", {"full_name": "Ada", "at": "2026-12-03 10:00 UTC", "remaining": 2}, "A recovery code was used"),
]


@pytest.mark.parametrize("name, context, subject", CONTRACT_TEMPLATES)
def test_every_contract_template_renders_subject_text_and_html(name, context, subject):
    from app.email.rendering import render, template_names

    rendered = render(name, context)
    assert name in template_names()
    assert rendered.subject == subject
    assert "Ada" in rendered.text and "Ada" in rendered.html
    assert rendered.html.lstrip().startswith("<!DOCTYPE html>")
    for value in (context.get("link"), context.get("new_email")):
        if value:
            assert value in rendered.text and value in rendered.html
    if "expires_in_hours" in context:
        hours = context["expires_in_hours"]
        assert f"{hours} hour" in rendered.text


def test_html_part_escapes_user_supplied_names():
    from app.email.rendering import render

    rendered = render("password_changed", {"full_name": '<script>alert("x")</script>'})
    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<script>" in rendered.text  # the text part is not HTML


def test_committed_email_is_delivered_with_text_and_html_parts(smtp_app):
    to = unique_email("ada")
    message_id = queue_message(smtp_app, to)
    assert outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_PENDING

    run_worker(smtp_app)

    [mail] = smtp_app.smtp.mailbox.wait_for(1)
    assert mail.envelope_to == [to]
    assert mail["To"] == to and mail["Subject"] == "Confirm your email address"
    assert mail["From"] == smtp_app.config["MAIL_DEFAULT_SENDER"]
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert VERIFY_CONTEXT["link"] in text.get_content()
    assert VERIFY_CONTEXT["link"] in html.get_content() and "<a href=" in html.get_content()
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_SENT and row.attempts == 1 and row.sent_at is not None
    assert mail["Message-ID"] == row.message_id == f"<{message_id}@localhost>"


def test_sent_message_no_longer_holds_its_link_in_the_database(smtp_app):
    message_id = queue_message(smtp_app, unique_email())
    assert outbox_row(smtp_app, message_id).payload["context"]["link"] == VERIFY_CONTEXT["link"]
    run_worker(smtp_app)
    payload = outbox_row(smtp_app, message_id).payload
    assert "SeCrEtToKeN123" not in str(payload)
    assert payload["scrubbed"] is True and payload["context"]["full_name"] == "Ada Lovelace"


def test_rolled_back_change_queues_no_email(smtp_app, redis_conn):
    from app.email.outbox import queue_email
    from app.extensions import db

    with smtp_app.app_context():
        queue_email(unique_email(), "verify_email", VERIFY_CONTEXT)
        db.session.rollback()
        assert db.session.query(OutboxMessage).count() == 0
    run_worker(smtp_app)
    assert smtp_app.smtp.mailbox.messages == []


@pytest.mark.parametrize(
    "template, context, reason",
    [
        ("no_such_template", VERIFY_CONTEXT, "unknown template 'no_such_template'"),
        ("../../etc/passwd", VERIFY_CONTEXT, "unknown template"),
        ("_layout", VERIFY_CONTEXT, "unknown template"),
        ("verify_email", {"full_name": "Ada"}, "'link' is undefined"),
    ],
)
def test_message_that_cannot_be_rendered_is_dead_lettered_without_retry(smtp_app, template, context, reason):
    message_id = queue_message(smtp_app, unique_email(), template=template, context=context)
    run_worker(smtp_app)
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_DEAD and row.attempts == 1
    assert reason in row.last_error
    assert smtp_app.smtp.mailbox.messages == []


@pytest.mark.parametrize("address", ["not-an-address", "two@@example.com", "a@b@example.com", "x@example.com\r\nBcc: y@evil.test"])
def test_malformed_recipient_is_dead_lettered(smtp_app, address):
    message_id = queue_message(smtp_app, address)
    run_worker(smtp_app)
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_DEAD and row.last_error == "malformed recipient address"
    assert smtp_app.smtp.mailbox.messages == []


def test_permanent_refusal_goes_to_dead_letter_queue_with_the_reason(smtp_app):
    to = unique_email("gone")
    smtp_app.smtp.mailbox.refuse[to] = "550 5.1.1 <gone>: Recipient address rejected: User unknown"
    message_id = queue_message(smtp_app, to)
    run_worker(smtp_app)
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_DEAD and row.attempts == 1
    assert row.last_error.startswith("recipient refused: 550 5.1.1")
    # The verification link still works for 48 h: kept so that a requeue can deliver it.
    assert row.payload["context"]["link"] == VERIFY_CONTEXT["link"]


def test_dead_letter_drops_a_link_that_no_longer_works(smtp_app):
    to = unique_email("gone")
    smtp_app.smtp.mailbox.refuse[to] = "550 5.1.1 User unknown"
    context = {"full_name": "Ada", "link": "http://x/reset?token=SeCrEt", "expires_in_hours": 0}
    message_id = queue_message(smtp_app, to, template="reset_password", context=context)
    run_worker(smtp_app)
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_DEAD and "SeCrEt" not in str(row.payload)


def test_retry_delays_are_two_to_the_n_seconds_by_default(app):
    from app.email.delivery import retry_delay

    with app.app_context():
        assert app.config["EMAIL_RETRY_BASE_SECONDS"] == 1.0 and app.config["EMAIL_MAX_RETRIES"] == 3
        assert [retry_delay(n) for n in (1, 2, 3)] == [2, 4, 8]


def test_4xx_reply_is_retried_with_backoff_then_delivered(smtp_app, redis_conn):
    to = unique_email()
    smtp_app.smtp.mailbox.refuse_all_with = "451 4.3.0 Mail server temporarily rejected message"
    message_id = queue_message(smtp_app, to)
    before = utcnow()
    run_worker(smtp_app)

    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_PENDING and row.attempts == 1
    assert row.last_error.startswith("recipient refused: 451")
    # First retry after base * 2^1 = 0.1 s, scheduled with RQ's scheduler.
    assert before + timedelta(seconds=0.1) <= row.next_attempt_at <= utcnow() + timedelta(seconds=0.1)
    with smtp_app.app_context():
        assert f"outbox-{message_id}" in ScheduledJobRegistry("email_queue", connection=redis_conn).get_job_ids()

    smtp_app.smtp.mailbox.refuse_all_with = None
    work_until(smtp_app, lambda: outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_SENT)
    assert len(smtp_app.smtp.mailbox.to(to)) == 1
    assert outbox_row(smtp_app, message_id).attempts == 2


def test_smtp_server_down_then_back_delivers_the_message(app, monkeypatch):
    server = SMTPServer()  # not started yet: connections are refused
    for key, value in server.mail_config().items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "EMAIL_RETRY_BASE_SECONDS", 0.05)
    message_id = queue_message(app, unique_email())
    run_worker(app)
    row = outbox_row(app, message_id)
    assert row.status == OutboxMessage.STATUS_PENDING and "unavailable: ConnectionRefusedError" in row.last_error
    server.start()
    try:
        work_until(app, lambda: outbox_row(app, message_id).status == OutboxMessage.STATUS_SENT)
        assert len(server.mailbox.wait_for(1)) == 1
    finally:
        server.stop()


def test_last_transient_failure_goes_to_dead_letter_queue_after_three_retries(app, monkeypatch):
    from app.email import jobs

    server = SMTPServer()  # never started
    for key, value in server.mail_config().items():
        monkeypatch.setitem(app.config, key, value)
    monkeypatch.setitem(app.config, "EMAIL_RETRY_BASE_SECONDS", 0.05)
    message_id = queue_message(app, unique_email())
    run_worker(app)  # attempt 1
    delays = []
    with app.app_context():
        for _ in range(3):  # what RQ's scheduler runs at each retry
            result = jobs.deliver_email(str(message_id))
            delays.append(result.intervals[0] if result else None)
    assert delays == [0.2, 0.4, None]  # retries 2 and 3 rescheduled, attempt 4 gives up
    row = outbox_row(app, message_id)
    assert row.status == OutboxMessage.STATUS_DEAD and row.attempts == 4
    assert row.last_error.startswith("gave up after 4 attempts: SMTP server 127.0.0.1:")


def test_job_not_started_within_its_ttl_expires_into_dead_letter_queue(smtp_app):
    message_id = queue_message(smtp_app, unique_email())
    update_row(smtp_app, message_id, expires_at=utcnow() - timedelta(seconds=1))
    run_worker(smtp_app)
    row = outbox_row(smtp_app, message_id)
    assert row.status == OutboxMessage.STATUS_DEAD
    assert row.last_error == "expired: not delivered within 3600 s of being queued"
    assert smtp_app.smtp.mailbox.messages == []


def test_job_redelivered_after_sending_but_before_acknowledging_sends_once(smtp_app, redis_conn):
    from app.email import jobs

    message_id = queue_message(smtp_app, unique_email())
    # A worker ran the job and sent the message, then died before RQ heard of it:
    # the job is still on the queue and will be handed out again.
    with smtp_app.app_context():
        assert jobs.deliver_email(str(message_id)) is None
    assert len(smtp_app.smtp.mailbox.wait_for(1)) == 1

    run_worker(smtp_app)
    assert len(smtp_app.smtp.mailbox.messages) == 1
    assert outbox_row(smtp_app, message_id).attempts == 1


def test_message_being_sent_by_another_worker_is_not_sent_again(smtp_app):
    from app.email import jobs

    message_id = queue_message(smtp_app, unique_email())
    update_row(smtp_app, message_id, status=OutboxMessage.STATUS_SENDING, attempts=1, locked_until=utcnow() + timedelta(seconds=60))
    with smtp_app.app_context():
        assert jobs.deliver_email(str(message_id)) is None
    assert smtp_app.smtp.mailbox.messages == []


def test_inline_jobs_with_console_backend_log_the_message(app, monkeypatch, caplog):
    # The embedded default: no worker, the job runs inside the commit.
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    caplog.set_level(logging.INFO, logger="gatehouse.email")
    message_id = queue_message(app, unique_email())
    row = outbox_row(app, message_id)
    assert row.status == OutboxMessage.STATUS_SENT
    console = [r for r in caplog.records if "console backend" in r.getMessage()]
    assert len(console) == 1
    assert "Confirm your email address" in console[0].getMessage()
    assert VERIFY_CONTEXT["link"] in console[0].getMessage()  # development: the link is the point


def test_console_backend_in_production_leaves_the_body_out_of_the_log(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "JOBS_INLINE", True)
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    caplog.set_level(logging.DEBUG)
    queue_message(app, unique_email())
    assert "SeCrEtToKeN123" not in caplog.text
    assert "body not logged in production" in caplog.text


def test_smtp_delivery_logs_never_show_the_link_or_token(smtp_app, caplog):
    caplog.set_level(logging.DEBUG)
    to = unique_email()
    smtp_app.smtp.mailbox.refuse_all_with = "451 4.3.0 try later"
    message_id = queue_message(smtp_app, to)
    run_worker(smtp_app)
    smtp_app.smtp.mailbox.refuse_all_with = None
    work_until(smtp_app, lambda: outbox_row(smtp_app, message_id).status == OutboxMessage.STATUS_SENT)
    logged = caplog.text + " ".join(str(vars(r)) for r in caplog.records if r.name.startswith(("gatehouse", "rq")))
    assert "SeCrEtToKeN123" not in logged
    assert "email sent" in caplog.text


def test_delivery_outcomes_are_counted_for_metrics(smtp_app):
    from tests.test_metrics import scrape, value

    refused = unique_email("gone")
    smtp_app.smtp.mailbox.refuse[refused] = "550 5.1.1 User unknown"
    queue_message(smtp_app, unique_email("ada"))
    queue_message(smtp_app, refused)
    run_worker(smtp_app)
    samples = scrape(smtp_app.test_client())
    assert value(samples, "jobs_total", kind="email", outcome="sent") == 1
    assert value(samples, "jobs_total", kind="email", outcome="dead_lettered") == 1

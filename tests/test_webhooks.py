"""Account events posted to WEBHOOK_URL through notification_queue: signed
JSON, retried like email, dead-lettered into notification_dlq. A real local
HTTP receiver and a real RQ worker."""

import json
import time
from datetime import timedelta

import pytest

from app.email.webhooks import sign, verify_signature
from app.models import OutboxMessage
from tests.auth_client import register
from tests.outbox_steps import outbox_row, run_worker, update_row, work_until
from tests.webhook_receiver import WebhookReceiver

SECRET = "whsec-test-0123456789abcdef"


@pytest.fixture
def receiver(app, monkeypatch):
    """A running receiver; the app posts its events there (0.05 s * 2^n backoff)."""
    server = WebhookReceiver().start()
    monkeypatch.setitem(app.config, "WEBHOOK_URL", server.url)
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", SECRET)
    monkeypatch.setitem(app.config, "EMAIL_RETRY_BASE_SECONDS", 0.05)
    yield server
    server.stop()


def record(app, event_type="auth.login_failed", user_id=None, outcome="failure", details=None):
    """Record an audit event the way a service does; returns (event id, outbox id)."""
    from app import audit
    from app.context import RequestContext
    from app.extensions import db

    with app.app_context():
        event = audit.record_event(event_type, ctx=RequestContext(), user_id=user_id, outcome=outcome, details=details or {"reason": "x"})
        db.session.commit()
        outbox = db.session.query(OutboxMessage).filter_by(kind=OutboxMessage.KIND_WEBHOOK).all()
        [message] = [m for m in outbox if m.payload["event"]["id"] == str(event.id)]
        return event.id, message.id


def test_event_is_posted_as_json_signed_with_hmac_sha256(app, receiver):
    event_id, outbox_id = record(app, details={"reason": "wrong_password"})
    run_worker(app)
    [request] = receiver.wait_for(1)
    headers, body = request["headers"], request["body"]
    assert request["path"] == "/hooks/gatehouse" and headers["Content-Type"] == "application/json"
    assert verify_signature(
        SECRET, headers["X-Gatehouse-Timestamp"], headers["X-Gatehouse-Delivery"], body, headers["X-Gatehouse-Signature"]
    )
    assert abs(int(headers["X-Gatehouse-Timestamp"]) - time.time()) < 30
    assert headers["X-Gatehouse-Event"] == "auth.login_failed"
    assert headers["X-Gatehouse-Delivery"] == str(outbox_id)
    event = json.loads(body)
    assert event["id"] == str(event_id) and event["type"] == "auth.login_failed"
    assert event["outcome"] == "failure" and event["details"] == {"reason": "wrong_password"}
    assert set(event) == {"id", "type", "user_id", "outcome", "ip", "details", "created_at"}
    assert outbox_row(app, outbox_id).status == OutboxMessage.STATUS_SENT


@pytest.mark.parametrize("change", ["body", "secret", "timestamp", "stale", "signature", "delivery"])
def test_webhook_signature_fails_when_anything_is_changed(change):
    """`delivery`: a captured request replayed within the 5 minutes under a new
    X-Gatehouse-Delivery (what receivers deduplicate on) does not verify."""
    body, now, delivery = b'{"type":"auth.logout"}', 1_800_000_000, "0b9f7c1e-5d7a-4a57-9a53-1f0c2b6d9e10"
    timestamp = str(now)
    signature = sign(SECRET, timestamp, delivery, body)
    assert verify_signature(SECRET, timestamp, delivery, body, signature, now=now)
    secret = SECRET
    if change == "delivery":
        delivery = "7d3c2a10-8e4b-4f6e-b1a2-3c4d5e6f7a8b"
    elif change == "body":
        body = b'{"type":"auth.logout","x":1}'
    elif change == "secret":
        secret = "another-secret"
    elif change == "timestamp":
        timestamp = str(now + 1)
    elif change == "stale":
        now += 301  # a replay after the 5-minute tolerance
    else:
        signature = "sha256=" + "0" * 64
    assert not verify_signature(secret, timestamp, delivery, body, signature, now=now)


def test_receiver_errors_are_retried_with_the_same_delivery_id(app, receiver):
    receiver.statuses = [503, 429]
    _, outbox_id = record(app)
    work_until(app, lambda: outbox_row(app, outbox_id).status == OutboxMessage.STATUS_SENT)
    deliveries = receiver.wait_for(3)
    assert len(deliveries) == 3 and outbox_row(app, outbox_id).attempts == 3
    assert {d["headers"]["X-Gatehouse-Delivery"] for d in deliveries} == {str(outbox_id)}
    assert len({d["body"] for d in deliveries}) == 1


def test_unreachable_receiver_is_a_transient_failure(app, receiver):
    receiver.stop()
    _, outbox_id = record(app)
    run_worker(app)
    row = outbox_row(app, outbox_id)
    assert row.status == OutboxMessage.STATUS_PENDING and row.attempts == 1
    assert row.last_error == "webhook receiver unavailable: ConnectionError"


def test_last_receiver_error_goes_to_notification_dlq_after_three_retries(app, receiver):
    """The email rules hold for webhooks: 3 retries backing off 2^n (base 0.05 s here), then dead."""
    from app.email import jobs

    receiver.statuses = [503] * 4
    _, outbox_id = record(app)
    run_worker(app)  # attempt 1
    delays = []
    with app.app_context():
        for _ in range(3):  # what RQ's scheduler runs at each retry
            result = jobs.deliver_webhook(str(outbox_id))
            delays.append(result.intervals[0] if result else None)
    assert delays == [0.2, 0.4, None]  # retries 2 and 3 rescheduled, attempt 4 gives up
    assert len(receiver.wait_for(4)) == 4
    row = outbox_row(app, outbox_id)
    assert row.status == OutboxMessage.STATUS_DEAD and row.attempts == 4
    assert row.last_error.startswith("gave up after 4 attempts: ")
    listing = app.test_cli_runner().invoke(args=["email", "dlq", "list", "--queue", "notification_dlq"]).output
    assert f"{outbox_id}\tnotification_dlq\tattempts=4" in listing


@pytest.mark.parametrize("status", [400, 401, 404, 410, 301])
def test_refused_event_goes_to_notification_dlq(app, receiver, status):
    receiver.statuses = [status]
    _, outbox_id = record(app)
    run_worker(app)
    row = outbox_row(app, outbox_id)
    assert row.status == OutboxMessage.STATUS_DEAD and row.attempts == 1
    assert row.last_error == f"webhook receiver refused the event: {status}"
    listing = app.test_cli_runner().invoke(args=["email", "dlq", "list", "--queue", "notification_dlq"]).output
    assert f"{outbox_id}\tnotification_dlq\tattempts=1" in listing and "event auth.login_failed" in listing


def test_no_webhook_is_queued_without_webhook_url(app):
    from app import audit
    from app.context import RequestContext
    from app.extensions import db

    assert app.config["WEBHOOK_URL"] is None
    with app.app_context():
        audit.record_event(audit.LOGOUT, ctx=RequestContext())
        db.session.commit()
        assert db.session.query(OutboxMessage).count() == 0


def test_sign_up_posts_the_registered_event(app, client, receiver):
    response = register(client)
    assert response.status_code == 201, response.json
    run_worker(app)
    events = [json.loads(r["body"]) for r in receiver.wait_for(1)]
    assert [e["type"] for e in events] == ["user.registered"]
    assert events[0]["user_id"] == response.json["data"]["user_id"]


def test_an_event_not_posted_within_30_minutes_expires_into_notification_dlq(app, receiver, redis_conn):
    """README, Email and account events: notification_queue's jobs live 30 minutes (email's an hour), then dead-letter."""
    from rq.job import Job

    from app.models import utcnow

    before = utcnow()
    _, outbox_id = record(app)
    after = utcnow()
    row = outbox_row(app, outbox_id)
    assert before + timedelta(minutes=30) <= row.expires_at <= after + timedelta(minutes=30)
    job = Job.fetch(f"outbox-{outbox_id}", connection=redis_conn)
    assert job.origin == "notification_queue" and job.ttl == 1800

    update_row(app, outbox_id, expires_at=utcnow() - timedelta(seconds=1))
    run_worker(app)
    row = outbox_row(app, outbox_id)
    assert row.status == OutboxMessage.STATUS_DEAD
    assert row.last_error == "expired: not delivered within 1800 s of being queued"
    assert receiver.requests == []

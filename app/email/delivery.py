"""One delivery attempt of an outbox message, and the row's state machine.

    pending --claim--> sending --ok--------------------> sent
       ^                  |----transient, tries left--> pending (next_attempt_at)
       |                  '----permanent / last try---> dead (the dead-letter queue)
       '--- sweeper: lease of a "sending" row ran out (worker killed mid-attempt)

Claiming is one conditional UPDATE, so that two workers handed the same
message (a redelivered or re-enqueued job) cannot both send it, and a message
already sent is never sent again. The row is marked sent right after the
server accepted it; only a crash between those two steps can repeat a
message, and the repeat then carries the same Message-ID (or webhook delivery
id).

Attempts run on a session of their own on `db.engine`, never the scoped
`db.session`: when jobs run inline they run inside another session's commit
hook. No connection is held during the network call.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, update
from sqlalchemy.orm import Session

from app.email.failures import DeliveryFailure, PermanentFailure, TransientFailure
from app.extensions import db
from app.models import OutboxMessage, utcnow
from app.observability import record_job_outcome

log = logging.getLogger("gatehouse.email")

# Context values that grant access (the emailed link carries a token): they
# leave the database once they are of no more use.
SECRET_KEYS = ("link", "token")
SCRUBBED = "[removed]"
# RQ schedules retries on whole seconds (rounded down) and hosts' clocks differ a little:
# a retry may run shortly before `next_attempt_at`.
_EARLY_SLACK = timedelta(seconds=2)


def _session() -> Session:
    return Session(db.engine, expire_on_commit=False)


def queue_names(kind: str) -> tuple[str, str]:
    """(queue, dead-letter queue) of a message kind."""
    config = current_app.config
    if kind == OutboxMessage.KIND_EMAIL:
        return config["EMAIL_QUEUE"], config["EMAIL_DLQ"]
    return config["NOTIFICATION_QUEUE"], config["NOTIFICATION_DLQ"]


def ttl_seconds(kind: str) -> int:
    """How long a message of `kind` may wait to be delivered before it expires."""
    config = current_app.config
    return config["EMAIL_JOB_TTL_SECONDS"] if kind == OutboxMessage.KIND_EMAIL else config["NOTIFICATION_JOB_TTL_SECONDS"]


def retry_delay(attempt: int) -> float:
    """Backoff before retry number `attempt` (1, 2, 3): EMAIL_RETRY_BASE_SECONDS * 2^attempt."""
    return current_app.config["EMAIL_RETRY_BASE_SECONDS"] * 2**attempt


def scrub(payload: dict) -> dict:
    """`payload` without the secrets of its context (the link and its token)."""
    context = payload.get("context")
    if not isinstance(context, dict) or not any(k in context for k in SECRET_KEYS):
        return payload
    cleaned = {k: (SCRUBBED if k in SECRET_KEYS else v) for k, v in context.items()}
    return {**payload, "context": cleaned, "scrubbed": True}


def is_scrubbed(payload: dict) -> bool:
    return bool(payload.get("scrubbed"))


def attempt(kind: str, outbox_id) -> float | None:
    """Make one delivery attempt of outbox message `outbox_id`.

    Returns the delay in seconds after which the caller must retry, or None
    when this job has nothing more to do (sent, dead-lettered, or the message
    is not this job's to send: already sent, dead, in flight elsewhere, not
    yet due).
    """
    try:
        oid = uuid.UUID(str(outbox_id))
    except ValueError:
        log.error("outbox job with a malformed id", extra={"outbox_id": str(outbox_id)[:64]})
        return None
    now = utcnow()
    message = _claim(kind, oid, now)
    if message is None:
        return None
    number = message.attempts
    if message.expires_at is not None and now > message.expires_at:
        _finish_dead(message, number, f"expired: not delivered within {ttl_seconds(kind)} s of being queued")
        return None
    try:
        _send(message)
    except DeliveryFailure as failure:
        return _after_failure(message, number, failure)
    except Exception as exc:
        # A bug or an unexpected library error: retried like a transient failure, then dead-lettered.
        log.exception("outbox %s: unexpected error while delivering", oid, extra={"outbox_id": str(oid)})
        return _after_failure(message, number, TransientFailure(f"unexpected error: {type(exc).__name__}"))
    _finish_sent(message, number)
    return None


def _claim(kind: str, oid: uuid.UUID, now: datetime) -> OutboxMessage | None:
    config = current_app.config
    table = OutboxMessage
    lease = now + timedelta(seconds=config["EMAIL_JOB_TIMEOUT_SECONDS"] + 30)
    claimable = or_(
        and_(table.status == table.STATUS_PENDING, or_(table.next_attempt_at.is_(None), table.next_attempt_at <= now + _EARLY_SLACK)),
        # The previous attempt's lease ran out: its worker died (it is retried, at least once).
        and_(table.status == table.STATUS_SENDING, table.locked_until < now),
    )
    if kind == table.KIND_EMAIL:
        from app.email.sender import message_id_for

        message_id = message_id_for(oid, config["MAIL_DEFAULT_SENDER"])
    else:
        message_id = str(oid)
    columns = (table.id, table.kind, table.payload, table.attempts, table.message_id, table.expires_at, table.scrub_after)
    with _session() as session:
        row = session.execute(
            update(table)
            .where(table.id == oid, table.kind == kind, claimable)
            .values(
                status=table.STATUS_SENDING,
                attempts=table.attempts + 1,
                locked_until=lease,
                updated_at=now,
                # Fixed at the first attempt: every retry repeats the same id.
                message_id=func.coalesce(table.message_id, message_id),
            )
            .returning(*columns)
            .execution_options(synchronize_session=False)
        ).first()
        session.commit()
    if row is None:
        log.info("outbox %s: nothing to do (sent, dead, in flight or not due)", oid, extra={"outbox_id": str(oid)})
        return None
    # A detached snapshot of the claimed row (never added to a session).
    return OutboxMessage(**row._mapping)


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    payload = message.payload
    if message.kind == OutboxMessage.KIND_EMAIL:
        from app.email import rendering, sender

        context = payload.get("context")
        if is_scrubbed(payload) or not isinstance(context, dict):
            raise PermanentFailure("the message's link was removed (expired); the user must ask for a new one")
        defaults = {"frontend_url": config["FRONTEND_URL"]}
        rendered = rendering.render(payload.get("template"), {**defaults, **context}, locale=payload.get("locale"))
        email = sender.build_message(
            to=payload.get("to"), rendered=rendered, sender=config["MAIL_DEFAULT_SENDER"], message_id=message.message_id
        )
        sender.send(email, config)
        log.info(
            "email sent",
            extra={
                "outbox_id": str(message.id),
                "template": payload.get("template"),
                "message_id": message.message_id,
                "attempt": message.attempts,
            },
        )
    else:
        from app.email import webhooks

        webhooks.post(payload.get("event"), delivery_id=message.message_id, config=config)
        log.info("webhook delivered", extra={"outbox_id": str(message.id), "attempt": message.attempts})


def _after_failure(message: OutboxMessage, number: int, failure: DeliveryFailure) -> float | None:
    max_retries = current_app.config["EMAIL_MAX_RETRIES"]
    if failure.permanent:
        _finish_dead(message, number, failure.reason)
        return None
    if number > max_retries:
        _finish_dead(message, number, f"gave up after {number} attempts: {failure.reason}")
        return None
    delay = retry_delay(number)
    _guarded_update(
        message,
        number,
        status=OutboxMessage.STATUS_PENDING,
        last_error=failure.reason,
        next_attempt_at=utcnow() + timedelta(seconds=delay),
        locked_until=None,
    )
    record_job_outcome(message.kind, "retried")
    log.warning(
        "outbox %s: attempt %d failed, retrying in %.1f s: %s",
        message.id,
        number,
        delay,
        failure.reason,
        extra={"outbox_id": str(message.id), "attempt": number},
    )
    return delay


def _finish_sent(message: OutboxMessage, number: int) -> None:
    _guarded_update(
        message,
        number,
        status=OutboxMessage.STATUS_SENT,
        sent_at=utcnow(),
        locked_until=None,
        next_attempt_at=None,
        last_error=None,
        payload=scrub(message.payload),
        scrub_after=None,
    )
    record_job_outcome(message.kind, "sent")


def _finish_dead(message: OutboxMessage, number: int, reason: str) -> None:
    _, dlq = queue_names(message.kind)
    values = dict(status=OutboxMessage.STATUS_DEAD, last_error=reason[:1000], locked_until=None, next_attempt_at=None)
    # The link stays while it could still be used, so that a requeue from the
    # dead-letter queue can deliver it; the sweeper removes it at `scrub_after`.
    if message.scrub_after is None or message.scrub_after <= utcnow():
        values.update(payload=scrub(message.payload), scrub_after=None)
    _guarded_update(message, number, **values)
    record_job_outcome(message.kind, "dead_lettered")
    log.error("outbox %s moved to %s: %s", message.id, dlq, reason, extra={"outbox_id": str(message.id), "attempt": number, "queue": dlq})


def _guarded_update(message: OutboxMessage, number: int, **values) -> None:
    # Only the attempt that holds the row may finish it.
    table = OutboxMessage
    with _session() as session:
        updated = session.execute(
            update(table)
            .where(table.id == message.id, table.status == table.STATUS_SENDING, table.attempts == number)
            .values(updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
    if updated != 1:
        log.warning("outbox %s: attempt %d lost its claim before finishing", message.id, number, extra={"outbox_id": str(message.id)})

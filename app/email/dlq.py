"""The dead-letter queues: outbox messages with status "dead".

`email_dead_letter_queue` holds dead emails, `notification_dlq` dead
webhooks. They live in the database rather than in Redis because a dead
letter waits for an operator, possibly for days, and must survive a Redis
restart like everything else the outbox holds. `last_error` says why each
message died.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from app.email import delivery
from app.extensions import db
from app.models import OutboxMessage, utcnow


@dataclass(frozen=True)
class Requeued:
    requeued: list[uuid.UUID]
    skipped: list[tuple[uuid.UUID, str]]


def kinds_of(queue: str | None) -> tuple[str, ...]:
    """The message kinds in dead-letter queue `queue` (both when None); ValueError for an unknown name."""
    config = current_app.config
    by_name = {config["EMAIL_DLQ"]: OutboxMessage.KIND_EMAIL, config["NOTIFICATION_DLQ"]: OutboxMessage.KIND_WEBHOOK}
    if queue is None:
        return tuple(by_name.values())
    if queue not in by_name:
        raise ValueError(f"unknown dead-letter queue {queue!r}: use {' or '.join(by_name)}")
    return (by_name[queue],)


def _dead(kinds):
    return select(OutboxMessage).where(OutboxMessage.status == OutboxMessage.STATUS_DEAD, OutboxMessage.kind.in_(kinds))


def list_dead(queue: str | None = None, limit: int = 100) -> list[OutboxMessage]:
    """Dead messages, oldest death first."""
    return list(db.session.scalars(_dead(kinds_of(queue)).order_by(OutboxMessage.updated_at, OutboxMessage.id).limit(limit)))


def count_dead() -> dict[str, int]:
    """{dead-letter queue name: number of messages in it}."""
    rows = db.session.execute(
        select(OutboxMessage.kind, func.count()).where(OutboxMessage.status == OutboxMessage.STATUS_DEAD).group_by(OutboxMessage.kind)
    ).all()
    counts = {delivery.queue_names(kind)[1]: 0 for kind in (OutboxMessage.KIND_EMAIL, OutboxMessage.KIND_WEBHOOK)}
    for kind, number in rows:
        counts[delivery.queue_names(kind)[1]] = number
    return counts


def requeue(message_ids: list[uuid.UUID] | None = None, queue: str | None = None) -> Requeued:
    """Give dead messages (the given ones, or all of `queue`) a fresh start:
    attempts from zero and a new TTL; then put them on their RQ queue (if
    Redis is down, the sweeper does it later). A dead email whose link was
    already removed is skipped: the user must ask for a new link."""
    from app.email.outbox import enqueue

    kinds = kinds_of(queue)
    statement = _dead(kinds)
    if message_ids is not None:
        statement = statement.where(OutboxMessage.id.in_(message_ids))
    found = {m.id: m for m in db.session.scalars(statement)}
    skipped = [(mid, "not in a dead-letter queue") for mid in (message_ids or []) if mid not in found]
    now = utcnow()
    requeued = []
    for message in found.values():
        if message.kind == OutboxMessage.KIND_EMAIL and delivery.is_scrubbed(message.payload):
            skipped.append((message.id, "its link expired and was removed; the user must ask for a new one"))
            continue
        message.status = OutboxMessage.STATUS_PENDING
        message.attempts = 0
        message.last_error = None
        message.next_attempt_at = message.locked_until = message.enqueued_at = None
        message.expires_at = now + timedelta(seconds=delivery.ttl_seconds(message.kind))
        requeued.append(message)
    db.session.commit()
    for message in requeued:
        enqueue(message.kind, message.id)
    return Requeued([m.id for m in requeued], skipped)


def purge(message_ids: list[uuid.UUID] | None = None, queue: str | None = None) -> int:
    """Delete dead messages (the given ones, or all of `queue`); returns how many."""
    statement = delete(OutboxMessage).where(OutboxMessage.status == OutboxMessage.STATUS_DEAD, OutboxMessage.kind.in_(kinds_of(queue)))
    if message_ids is not None:
        statement = statement.where(OutboxMessage.id.in_(message_ids))
    deleted = db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return deleted

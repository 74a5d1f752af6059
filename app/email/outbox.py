"""The transactional outbox.

`queue_email` (and `queue_webhook`) add a row to the *caller's* transaction;
the message exists if and only if the change that caused it was committed.
Right after the commit the row's id is put on its RQ queue; if Redis is down
at that moment the row simply waits for the worker's sweeper. Nothing here
commits.
"""

from __future__ import annotations

import logging
import uuid

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from app.extensions import db, get_queue
from app.models import OutboxMessage

log = logging.getLogger("gatehouse.outbox")
_PENDING_KEY = "gatehouse_outbox_pending"


def queue_email(to: str, template: str, context: dict) -> OutboxMessage:
    """Queue `template` (see app/email/templates) to `to`, in the current transaction."""
    return _add(OutboxMessage.KIND_EMAIL, {"to": to, "template": template, "context": context})


def queue_webhook(event_payload: dict) -> OutboxMessage:
    """Queue an account event for the configured WEBHOOK_URL, in the current transaction."""
    return _add(OutboxMessage.KIND_WEBHOOK, {"event": event_payload})


def _add(kind: str, payload: dict) -> OutboxMessage:
    message = OutboxMessage(id=uuid.uuid4(), kind=kind, payload=payload, status=OutboxMessage.STATUS_PENDING)
    db.session.add(message)
    db.session.info.setdefault(_PENDING_KEY, []).append((kind, message.id))
    return message


def enqueue(kind: str, message_id) -> bool:
    """Put one outbox message on its RQ queue; False (and it waits for the sweeper) if Redis is down."""
    from app.email import jobs

    config = current_app.config
    if kind == OutboxMessage.KIND_EMAIL:
        queue_name, func, ttl = config["EMAIL_QUEUE"], jobs.deliver_email, config["EMAIL_JOB_TTL_SECONDS"]
    else:
        queue_name, func, ttl = config["NOTIFICATION_QUEUE"], jobs.deliver_webhook, config["NOTIFICATION_JOB_TTL_SECONDS"]
    try:
        # job_id = outbox id: RQ keeps one job per message however often it is enqueued.
        get_queue(queue_name).enqueue(func, str(message_id), job_id=f"outbox-{message_id}", ttl=ttl)
        return True
    except Exception as exc:  # Redis down: the row stays pending and the sweeper retries
        log.warning("could not enqueue outbox message %s: %s", message_id, type(exc).__name__)
        return False


@event.listens_for(OrmSession, "after_commit")
def _enqueue_committed(session):
    pending = session.info.pop(_PENDING_KEY, None)
    for kind, message_id in pending or ():
        enqueue(kind, message_id)


@event.listens_for(OrmSession, "after_rollback")
def _forget_rolled_back(session):
    session.info.pop(_PENDING_KEY, None)

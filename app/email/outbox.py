"""The transactional outbox.

`queue_email` (and `queue_webhook`) add a row to the *caller's* transaction;
the message exists if and only if the change that caused it was committed.
Right after the commit the row's id is put on its RQ queue; if Redis is down
at that moment the row simply waits for the worker's sweeper. Nothing here
commits.

A message has at most one live RQ job (job id `outbox-<id>`, enqueued with
`unique=True`), so that the after-commit hook and the sweeper can both try to
enqueue it without piling up duplicates; the delivery itself is guarded by
the row's state (app/email/delivery.py), so that even a duplicate job sends
nothing twice.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from datetime import timedelta

from flask import current_app
from rq.exceptions import DuplicateJobError, NoSuchJobError
from rq.job import Job, JobStatus

from app.commit_hooks import AfterCommit
from app.email import delivery
from app.extensions import db, get_queue
from app.i18n import DEFAULT_LOCALE
from app.models import OutboxMessage, utcnow

log = logging.getLogger("gatehouse.outbox")
# A finished job is kept briefly (RQ result); a crashed one a week, for `rq info` and debugging.
RESULT_TTL_SECONDS = 300
FAILURE_TTL_SECONDS = 7 * 24 * 3600
# RQ jobs in these states will still run: the message needs no other job.
_LIVE_JOB_STATUSES = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.CREATED}


def queue_email(to: str, template: str, context: dict, locale: str | None = None) -> OutboxMessage:
    """Queue `template` (see app/email/templates) to `to`, in the current transaction,
    written in `locale` (app.i18n.locale_for_user(user); English when None).
    The payload names a locale only when it is not English (the default)."""
    payload = {"to": to, "template": template, "context": context}
    if locale and locale != DEFAULT_LOCALE:
        payload["locale"] = locale
    return _add(OutboxMessage.KIND_EMAIL, payload)


def queue_webhook(event_payload: dict) -> OutboxMessage:
    """Queue an account event for the configured WEBHOOK_URL, in the current transaction."""
    return _add(OutboxMessage.KIND_WEBHOOK, {"event": event_payload})


def _add(kind: str, payload: dict) -> OutboxMessage:
    now = utcnow()
    message = OutboxMessage(
        id=uuid.uuid4(),
        kind=kind,
        payload=payload,
        status=OutboxMessage.STATUS_PENDING,
        expires_at=now + timedelta(seconds=delivery.ttl_seconds(kind)),
        scrub_after=_scrub_after(kind, payload, now),
    )
    db.session.add(message)
    _committed_messages.add((kind, message.id))
    return message


def _scrub_after(kind: str, payload: dict, now):
    # When the emailed link stops working, keeping it is of no use to anyone.
    context = payload.get("context") or {}
    if not any(k in context for k in delivery.SECRET_KEYS):
        return None
    try:
        hours = float(context.get("expires_in_hours"))
    except (TypeError, ValueError):
        return now + timedelta(seconds=delivery.ttl_seconds(kind))
    return now + timedelta(hours=hours)


def enqueue(kind: str, message_id, *, ttl: float | None = None, force: bool = False) -> bool:
    """Put one outbox message on its RQ queue; False (and it waits for the sweeper) if Redis is down.

    Does nothing when a live job already carries the message. `ttl` bounds
    how long the job may wait to start (default: the kind's full TTL);
    `force` first drops whatever job carried it (its attempt is known dead).
    """
    from app.email import jobs

    config = current_app.config
    func = jobs.deliver_email if kind == OutboxMessage.KIND_EMAIL else jobs.deliver_webhook
    queue_name, _ = delivery.queue_names(kind)
    job_id = f"outbox-{message_id}"
    options = dict(
        job_id=job_id,
        ttl=max(1, int(ttl if ttl is not None else delivery.ttl_seconds(kind))),
        job_timeout=config["EMAIL_JOB_TIMEOUT_SECONDS"],
        result_ttl=RESULT_TTL_SECONDS,
        failure_ttl=FAILURE_TTL_SECONDS,
        description=f"deliver {kind} {job_id}",
    )
    try:
        queue = get_queue(queue_name)
        if not queue.is_async:
            queue.enqueue(func, str(message_id), **options)
            return True
        if force:
            _drop_job(queue, job_id, only_finished=False)
        try:
            queue.enqueue(func, str(message_id), unique=True, **options)
        except DuplicateJobError:
            if not _drop_job(queue, job_id, only_finished=True):
                return True
            with contextlib.suppress(DuplicateJobError):  # enqueued by someone else meanwhile: carried
                queue.enqueue(func, str(message_id), unique=True, **options)
        return True
    except Exception as exc:  # Redis down: the row stays pending and the sweeper retries
        log.warning("could not enqueue outbox message %s: %s", message_id, type(exc).__name__)
        return False


def job_states(message_ids) -> dict:
    """{message id: status of the RQ job `outbox-<id>`, None without one} (one Redis round trip)."""
    connection = get_queue(current_app.config["EMAIL_QUEUE"]).connection
    message_ids = list(message_ids)
    pipe = connection.pipeline(transaction=False)
    for message_id in message_ids:
        pipe.hget(Job.key_for(f"outbox-{message_id}"), "status")
    return {mid: (status.decode() if status else None) for mid, status in zip(message_ids, pipe.execute(), strict=True)}


def is_live(status: str | None) -> bool:
    """Whether a job in `status` will still run."""
    return status in {live.value for live in _LIVE_JOB_STATUSES}


def _drop_job(queue, job_id: str, *, only_finished: bool) -> bool:
    """Delete the job `job_id` (only if it will not run again, when `only_finished`); True if none is left."""
    try:
        job = Job.fetch(job_id, connection=queue.connection)
    except NoSuchJobError:
        return True
    if only_finished and job.get_status(refresh=False) in _LIVE_JOB_STATUSES:
        return False
    job.delete()
    return True


def _enqueue_committed(messages) -> None:
    for kind, message_id in messages:
        enqueue(kind, message_id)


# Messages go on their queues right after the commit that wrote them.
_committed_messages = AfterCommit("outbox", _enqueue_committed)

"""The outbox sweeper: what the queue lost, the database still has.

Run by `python worker.py` every OUTBOX_SWEEP_INTERVAL_SECONDS (and by
`flask --app wsgi email sweep`). One pass:

1. expires pending messages past `expires_at` into their dead-letter queue
   (a job not started within EMAIL_JOB_TTL_SECONDS / NOTIFICATION_JOB_TTL_SECONDS);
2. takes back messages whose attempt outlived its lease (the worker was
   killed mid-attempt) and enqueues them again;
3. enqueues pending messages that have waited OUTBOX_SWEEP_GRACE_SECONDS past
   their queueing or due time without being picked up (Redis was down at
   commit, the web process died before enqueueing, a job was lost, a retry
   waits in RQ's scheduled registry while no RQ scheduler runs);
4. removes the link from dead messages once it has expired.

Every step is safe to run concurrently from several worker processes: the
updates are conditional and a message carries at most one live job.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from rq.job import JobStatus
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.email import delivery
from app.extensions import db
from app.models import OutboxMessage, utcnow

log = logging.getLogger("gatehouse.sweeper")


@dataclass
class SweepResult:
    expired: int = 0
    recovered: int = 0
    enqueued: int = 0
    scrubbed: int = 0
    unreachable: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.expired or self.recovered or self.enqueued or self.scrubbed)


def sweep() -> SweepResult:
    """One sweeping pass (see the module docstring); returns what it did."""
    config = current_app.config
    batch = config["OUTBOX_SWEEP_BATCH"]
    now = utcnow()
    result = SweepResult()
    with Session(db.engine, expire_on_commit=False) as session:
        result.expired = _expire_undelivered(session, now, batch)
        result.recovered = _recover_abandoned(session, now, batch)
        result.enqueued, result.unreachable = _enqueue_waiting(
            session, now, batch, now - timedelta(seconds=config["OUTBOX_SWEEP_GRACE_SECONDS"])
        )
        result.scrubbed = _scrub_dead(session, now, batch)
    if result:
        log.info(
            "outbox sweep: %d expired, %d recovered, %d enqueued, %d scrubbed",
            result.expired,
            result.recovered,
            result.enqueued,
            result.scrubbed,
        )
    return result


def _expire_undelivered(session: Session, now, batch: int) -> int:
    """Step 1: pending messages past `expires_at` go dead; returns how many."""
    table = OutboxMessage
    expired = session.execute(
        select(table.id, table.kind, table.scrub_after, table.payload)
        .where(table.status == table.STATUS_PENDING, table.expires_at < now)
        .limit(batch)
    ).all()
    count = 0
    for row in expired:
        values = dict(
            status=table.STATUS_DEAD,
            next_attempt_at=None,
            updated_at=now,
            last_error=f"expired: not delivered within {delivery.ttl_seconds(row.kind)} s of being queued",
        )
        if row.scrub_after is None or row.scrub_after <= now:
            values.update(payload=delivery.scrub(row.payload), scrub_after=None)
        count += session.execute(
            update(table)
            .where(table.id == row.id, table.status == table.STATUS_PENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        ).rowcount
        # One row per transaction: a worker claiming a row must never wait for the sweeper.
        session.commit()
    return count


def _recover_abandoned(session: Session, now, batch: int) -> int:
    """Step 2: attempts whose worker died go back to pending, with a fresh job at once; returns how many."""
    from app.email import outbox

    table = OutboxMessage
    abandoned = session.execute(
        select(table.id, table.kind, table.expires_at).where(table.status == table.STATUS_SENDING, table.locked_until < now).limit(batch)
    ).all()
    count = 0
    for row in abandoned:
        taken = session.execute(
            update(table)
            .where(table.id == row.id, table.status == table.STATUS_SENDING, table.locked_until < now)
            .values(
                status=table.STATUS_PENDING,
                locked_until=None,
                next_attempt_at=None,
                enqueued_at=now,
                updated_at=now,
                last_error="attempt interrupted (worker stopped); retrying",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
        if taken and outbox.enqueue(row.kind, row.id, ttl=_remaining(row.expires_at, now), force=True):
            count += 1
    return count


def _enqueue_waiting(session: Session, now, batch: int, cutoff) -> tuple[int, list]:
    """Step 3: pending messages nobody picked up since `cutoff` are enqueued
    again; returns how many, and the ids Redis could not take."""
    from app.email import outbox

    table = OutboxMessage
    waiting = session.execute(
        select(table.id, table.kind, table.expires_at)
        .where(table.status == table.STATUS_PENDING, func.coalesce(table.next_attempt_at, table.enqueued_at, table.created_at) < cutoff)
        .order_by(table.created_at)
        .limit(batch)
    ).all()
    session.commit()
    try:
        # A backlog waits in the queue: recognise its jobs in one round trip.
        states = outbox.job_states(row.id for row in waiting) if waiting else {}
    except Exception:
        states = {}  # Redis down: enqueue() below notices it too
    # Every row here is due since the grace period. A job of it still waiting in RQ's
    # scheduled registry has missed its time: no RQ scheduler runs (a killed worker's
    # scheduler lock outlives it by a minute, and RQ's workers only try to take it
    # again every 10 minutes). That job is replaced, not counted as carrying the row.
    stuck = {mid for mid, status in states.items() if status == JobStatus.SCHEDULED.value}
    live = {mid for mid, status in states.items() if outbox.is_live(status)} - stuck
    carried = [row.id for row in waiting if row.id in live]
    enqueued, unreachable = 0, []
    for row in waiting:
        if row.id in live:
            continue
        if not outbox.enqueue(row.kind, row.id, ttl=_remaining(row.expires_at, now), force=row.id in stuck):
            unreachable.append(row.id)
            break  # Redis is down: the next pass tries again
        carried.append(row.id)
        enqueued += 1
    if carried:
        # Looked at now: left alone for another grace period. One short
        # statement, so that no row stays locked while Redis is consulted.
        session.execute(
            update(table)
            .where(table.id.in_(carried), table.status == table.STATUS_PENDING)
            .values(enqueued_at=now)
            .execution_options(synchronize_session=False)
        )
        session.commit()
    return enqueued, unreachable


def _scrub_dead(session: Session, now, batch: int) -> int:
    """Step 4: dead messages whose link has expired lose it; returns how many."""
    table = OutboxMessage
    stale = session.execute(
        select(table.id, table.payload).where(table.status == table.STATUS_DEAD, table.scrub_after < now).limit(batch)
    ).all()
    session.commit()
    count = 0
    for row in stale:
        count += session.execute(
            update(table)
            .where(table.id == row.id, table.status == table.STATUS_DEAD)
            .values(payload=delivery.scrub(row.payload), scrub_after=None, updated_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.commit()
    return count


def _remaining(expires_at, now) -> float | None:
    # The job may wait only what is left of the message's time, not a fresh TTL.
    if expires_at is None:
        return None
    return max(1.0, (expires_at - now).total_seconds())


class Sweeper:
    """Runs `sweep()` every `interval` seconds when `tick()` is called often enough."""

    def __init__(self, interval: float):
        self.interval = interval
        self._next = 0.0

    def tick(self) -> None:
        if time.monotonic() < self._next:
            return
        self._next = time.monotonic() + self.interval
        try:
            sweep()
        except Exception:  # the database may be down: try again at the next interval
            log.exception("outbox sweep failed")

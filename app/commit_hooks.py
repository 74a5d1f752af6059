"""Work that must wait for the commit: what a transaction changed is published
(to Redis, to the job queue) only once the database has it, and never if the
transaction rolls back.

    _committed_messages = AfterCommit("outbox", _enqueue_committed)
    ...
    _committed_messages.add(message_id)   # inside the transaction
    # after_commit: _enqueue_committed([...]); after_rollback: forgotten

The items wait in the ORM session's `info`, so that each session (a request's
scoped session, the sweeper's own) publishes only its own changes. Used by
app.email.outbox (enqueueing) and app.account_cache (snapshot invalidation);
session revocations use `BeforeCommit` (published before the commit, which a
refused publication stops); see docs/architecture.md §3-§5.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession


class AfterCommit:
    """Items collected during a transaction, handed to `publish(items)` after its commit.

    `publish` runs inside SQLAlchemy's after_commit event: it must not use the
    committed session's transaction (it may start new work on other sessions,
    call Redis, enqueue jobs). `unique=True` collects a set instead of a list.
    """

    def __init__(self, name: str, publish: Callable[[Any], None], *, unique: bool = False):
        self.key = f"gatehouse_after_commit:{name}"
        self._publish = publish
        self._container = set if unique else list
        event.listen(OrmSession, "after_commit", self._committed)
        event.listen(OrmSession, "after_rollback", self._rolled_back)

    def pending(self, session=None):
        """The items collected so far in `session`'s transaction (default: `db.session`), to add to."""
        if session is None:
            from app.extensions import db

            session = db.session
        return session.info.setdefault(self.key, self._container())

    def add(self, item, session=None) -> None:
        """Publish `item` once the current transaction of `session` (default: `db.session`) commits."""
        self.extend((item,), session)

    def extend(self, items: Iterable, session=None) -> None:
        """`add` each of `items`."""
        pending = self.pending(session)
        if isinstance(pending, set):
            pending.update(items)
        else:
            pending.extend(items)

    def _committed(self, session) -> None:
        items = session.info.pop(self.key, None)
        if items:
            self._publish(items)

    def _rolled_back(self, session) -> None:
        session.info.pop(self.key, None)


class BeforeCommit:
    """Items collected during a transaction, handed to `publish(items)` just
    before its commit -- for a publication that must never be missing once the
    change is committed (a session revocation: docs/security.md §2, revocation never fails
    open). `publish` may raise to refuse the commit (the exception propagates
    from `commit()` and the caller's transaction is rolled back). If the commit
    then fails after all, `undo(items)` runs when the transaction ends.
    """

    def __init__(self, name: str, publish: Callable[[Any], None], *, undo: Callable[[Any], None]):
        self.key = f"gatehouse_before_commit:{name}"
        self._published_key = f"{self.key}:published"
        self._publish = publish
        self._undo = undo
        event.listen(OrmSession, "before_commit", self._committing)
        event.listen(OrmSession, "after_commit", self._committed)
        event.listen(OrmSession, "after_rollback", self._rolled_back)
        event.listen(OrmSession, "after_transaction_end", self._ended)

    def extend(self, items: Iterable, session=None) -> None:
        """Publish `items` when the current transaction of `session` (default: `db.session`) commits."""
        if session is None:
            from app.extensions import db

            session = db.session
        session.info.setdefault(self.key, []).extend(items)

    def _committing(self, session) -> None:
        items = session.info.pop(self.key, None)
        if items:
            self._publish(items)
            session.info[self._published_key] = items

    def _committed(self, session) -> None:
        session.info.pop(self._published_key, None)

    def _rolled_back(self, session) -> None:
        session.info.pop(self.key, None)

    def _ended(self, session, transaction) -> None:
        # Published, yet the commit did not complete (after_commit never ran).
        if transaction.parent is None and self._published_key in session.info:
            self._undo(session.info.pop(self._published_key))

"""RQ jobs. They take plain ids, never request or model objects, and open
their own database session (they may run inside another one's commit hook
when jobs run inline).

A transient failure makes the job return `rq.Retry` with the delay of that
attempt (EMAIL_RETRY_BASE_SECONDS * 2^n), which RQ's scheduler (run by the
workers of `python worker.py`) turns into a delayed re-run of the same job;
when jobs run inline nothing is retried in-process and the sweeper of a
worker picks the message up later.
"""

from __future__ import annotations

import logging
from contextlib import contextmanager

from flask import current_app, has_app_context
from rq import Retry

from app.email import delivery
from app.models import OutboxMessage

log = logging.getLogger("gatehouse.email")
_standalone_app = None


def deliver_email(message_id: str) -> Retry | None:
    """Send the outbox email `message_id` (at most once once it is marked sent)."""
    return _deliver(OutboxMessage.KIND_EMAIL, message_id)


def deliver_webhook(message_id: str) -> Retry | None:
    """Post the outbox webhook `message_id` (at most once once it is marked sent)."""
    return _deliver(OutboxMessage.KIND_WEBHOOK, message_id)


def _deliver(kind: str, message_id: str) -> Retry | None:
    with _app_context():
        delay = delivery.attempt(kind, message_id)
        if delay is None:
            return None
        return Retry(max=current_app.config["EMAIL_MAX_RETRIES"], interval=[delay])


@contextmanager
def _app_context():
    # `python worker.py` and inline jobs already run in the app's context; a
    # plain `rq worker` does not, so build the app once for that process.
    if has_app_context():
        yield
        return
    global _standalone_app
    if _standalone_app is None:
        from app import create_app

        _standalone_app = create_app()
    with _standalone_app.app_context():
        yield

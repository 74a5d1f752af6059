"""RQ jobs. They take plain ids, never request or model objects, and open
their own database session (they may run inside another one's commit hook
when jobs run inline)."""

from __future__ import annotations

import logging

log = logging.getLogger("gatehouse.email")


def deliver_email(message_id: str) -> None:
    """Send the outbox email `message_id` (implemented by the email issue)."""
    raise NotImplementedError


def deliver_webhook(message_id: str) -> None:
    """Post the outbox webhook `message_id` (implemented by the email issue)."""
    raise NotImplementedError

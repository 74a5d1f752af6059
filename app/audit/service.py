"""The audit trail of security events (and, when configured, their webhooks)."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import current_app

from app.context import RequestContext
from app.extensions import db
from app.models import AuditEvent, utcnow
from app.pagination import page_of


def record_event(
    event_type: str, *, ctx: RequestContext, user_id=None, outcome: str = "success", details: dict | None = None
) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits).

    IP and user agent are those of `ctx` (none from the CLI or a job). When
    WEBHOOK_URL is set the event is also queued for the webhook, in the same
    transaction.
    """
    ip = ctx.ip
    user_agent = (ctx.user_agent or "")[:512] or None
    event = AuditEvent(
        id=uuid.uuid4(),
        user_id=user_id,
        event_type=event_type,
        outcome=outcome,
        ip=ip,
        user_agent=user_agent,
        details=details or {},
        created_at=utcnow(),
    )
    db.session.add(event)
    if current_app.config.get("WEBHOOK_URL"):
        from app.email.outbox import queue_webhook

        queue_webhook(
            {
                "id": str(event.id),
                "type": event_type,
                "user_id": str(user_id) if user_id else None,
                "outcome": outcome,
                "ip": ip,
                "details": event.details,
                "created_at": event.created_at.isoformat(),
            }
        )
    return event


def list_events(
    page: int,
    page_size: int,
    user_id: uuid.UUID | None = None,
    event_type: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> tuple[list[AuditEvent], dict]:
    """One page of audit events matching the filters, newest first, and its
    pagination metadata {page, page_size, total, total_pages}.

    `created_after` is inclusive, `created_before` exclusive; a time without
    a zone is UTC.
    """
    conditions = []
    if user_id is not None:
        conditions.append(AuditEvent.user_id == user_id)
    if event_type is not None:
        conditions.append(AuditEvent.event_type == event_type)
    if created_after is not None:
        conditions.append(AuditEvent.created_at >= created_after)
    if created_before is not None:
        conditions.append(AuditEvent.created_at < created_before)
    # id breaks ties so that events of the same instant never repeat or vanish between pages.
    return page_of(AuditEvent, conditions, (AuditEvent.created_at.desc(), AuditEvent.id.desc()), page, page_size)

"""The audit trail of security events (and, when configured, their webhooks)."""

from __future__ import annotations

import uuid
from datetime import datetime

from flask import current_app, has_request_context, request

from app.extensions import client_ip, db
from app.models import AuditEvent, utcnow
from app.pagination import page_of

# The event types recorded; the admin audit endpoint filters on these.
REGISTERED = "user.registered"
VERIFIED = "user.verified"
LOGIN_SUCCEEDED = "auth.login_succeeded"
LOGIN_FAILED = "auth.login_failed"
LOGIN_LOCKED = "auth.login_locked"
REFRESH_REUSE_DETECTED = "auth.refresh_reuse_detected"
LOGOUT = "auth.logout"
LOGOUT_ALL = "auth.logout_all"
SESSION_REVOKED = "auth.session_revoked"
PASSWORD_RESET_REQUESTED = "auth.password_reset_requested"
PASSWORD_RESET = "auth.password_reset"
PASSWORD_CHANGED = "auth.password_changed"
EMAIL_CHANGED = "user.email_changed"
EMAIL_CHANGE_REQUESTED = "user.email_change_requested"
ACCOUNT_UPDATED = "user.updated"
ACCOUNT_DISABLED = "user.disabled"
ACCOUNT_DELETED = "user.deleted"
FLAG_CHANGED = "flag.changed"
# Two-factor sign-in (docs/mfa.md).
MFA_REQUIRED = "auth.mfa_required"
NEW_SIGN_IN = "auth.new_sign_in"
EVENT_TYPES = (
    REGISTERED, VERIFIED, LOGIN_SUCCEEDED, LOGIN_FAILED, LOGIN_LOCKED, REFRESH_REUSE_DETECTED, LOGOUT, LOGOUT_ALL,
    SESSION_REVOKED, PASSWORD_RESET, PASSWORD_CHANGED, EMAIL_CHANGED, EMAIL_CHANGE_REQUESTED, ACCOUNT_UPDATED,
    ACCOUNT_DISABLED, ACCOUNT_DELETED, PASSWORD_RESET_REQUESTED, FLAG_CHANGED, MFA_REQUIRED, NEW_SIGN_IN,
)


def record_event(event_type: str, *, user_id=None, outcome: str = "success", details: dict | None = None) -> AuditEvent:
    """Add an audit event to the current transaction (the caller commits).

    IP and user agent come from the current request when there is one. When
    WEBHOOK_URL is set the event is also queued for the webhook, in the same
    transaction.
    """
    ip = user_agent = None
    if has_request_context():
        ip = client_ip()
        user_agent = (request.user_agent.string or "")[:512] or None
    event = AuditEvent(
        id=uuid.uuid4(), user_id=user_id, event_type=event_type, outcome=outcome,
        ip=ip, user_agent=user_agent, details=details or {}, created_at=utcnow(),
    )
    db.session.add(event)
    if current_app.config.get("WEBHOOK_URL"):
        from app.email.outbox import queue_webhook

        queue_webhook({
            "id": str(event.id), "type": event_type, "user_id": str(user_id) if user_id else None,
            "outcome": outcome, "ip": ip, "details": event.details, "created_at": event.created_at.isoformat(),
        })
    return event


def list_events(page: int, page_size: int, user_id: uuid.UUID | None = None, event_type: str | None = None,
                created_after: datetime | None = None, created_before: datetime | None = None) -> tuple[list[AuditEvent], dict]:
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

"""The audit trail of security events (and, when configured, their webhooks)."""

from __future__ import annotations

import uuid

from flask import current_app, has_request_context, request

from app.extensions import client_ip, db
from app.models import AuditEvent, utcnow

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
PASSWORD_RESET = "auth.password_reset"
PASSWORD_CHANGED = "auth.password_changed"
EMAIL_CHANGED = "user.email_changed"
EMAIL_CHANGE_REQUESTED = "user.email_change_requested"
ACCOUNT_UPDATED = "user.updated"
ACCOUNT_DISABLED = "user.disabled"
ACCOUNT_DELETED = "user.deleted"


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

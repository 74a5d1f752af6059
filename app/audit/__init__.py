"""The audit trail of security events: `record_event` for every service, the
event types it records (events.py), and the admin route that lists them
(routes.py, schemas.py)::

    from app import audit
    audit.record_event(audit.LOGIN_FAILED, ctx=ctx, user_id=user.id, outcome="failure")
"""

from app.audit.events import *  # noqa: F403  (the event types)
from app.audit.service import list_events, record_event

__all__ = ["list_events", "record_event"]  # and the event types of app.audit.events

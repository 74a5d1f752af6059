"""The request-context value (app/context.py): built at the edge, taken by services."""

from __future__ import annotations

from app.context import RequestContext


def test_a_service_runs_without_a_request(app, make_user):
    """From the CLI, a job or a test: no address, no user agent, and nothing reads Flask's request."""
    from app import audit
    from app.auth import service
    from app.extensions import db
    from app.models import AuditEvent

    user = make_user()
    with app.app_context():
        service.logout_all(user.id, RequestContext())
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.event_type == audit.LOGOUT_ALL)).one()
        assert (event.ip, event.user_agent, event.user_id) == (None, None, user.id)


def test_a_route_passes_the_callers_address_agent_and_ids(client, make_user, sign_in, in_app):
    from app import audit
    from app.extensions import db
    from app.models import AuditEvent

    user = make_user()
    headers = sign_in(user)
    response = client.post("/api/v1/auth/logout", headers={**headers, "User-Agent": "probe/1.0", "X-Request-ID": "ctx-test-1"})
    assert response.status_code == 204
    with in_app():
        event = db.session.scalars(db.select(AuditEvent).where(AuditEvent.event_type == audit.LOGOUT)).one()
        assert (event.ip, event.user_agent, event.user_id) == ("127.0.0.1", "probe/1.0", user.id)
        assert event.details == {"session_id": str(sign_in.last["session_id"])}


def test_the_context_is_frozen():
    import dataclasses

    import pytest

    ctx = RequestContext(ip="192.0.2.1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.ip = "192.0.2.2"
    assert RequestContext().from_request is False
    assert RequestContext(request_id="abc").from_request is True

"""The request-context value services take: where a call comes from, and who makes it.

A route builds it once (`request_context()`) and passes it to the service,
which records it (sessions, audit events) or compares it (the lockout's known
clients, the refresh grace window) without reading Flask's `request` or `g`.
The CLI, jobs and tests pass `RequestContext()`: no address, no user agent,
no request id, nobody signed in. So a service runs the same from a route, the
CLI, a job or a test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask import g, request

from app.extensions import client_ip
from app.observability import current_request_id


@dataclass(frozen=True)
class RequestContext:
    """The call's origin and caller; every field is None outside a request."""

    ip: str | None = None
    """The client's address (after TRUSTED_PROXY_COUNT proxies), at most 45 characters."""
    user_agent: str | None = None
    """The User-Agent header as sent (whoever stores it cuts it to its column)."""
    request_id: str | None = None
    """The request's trace id (X-Request-ID of the response)."""
    user_id: uuid.UUID | None = None
    """The signed-in caller, on routes behind `auth_required` / `admin_required`."""
    session_id: uuid.UUID | None = None
    """The caller's session, on the same routes."""
    aal: int | None = None
    """The assurance level that session signed in with (1 or 2, docs/mfa.md), on the same routes."""
    accept_language: str | None = None
    """The Accept-Language header as sent (registration keeps its tags: app.i18n)."""

    @property
    def from_request(self) -> bool:
        """Whether this context was built for an HTTP request (not the CLI, a job or a test)."""
        return self.request_id is not None


def caller_id() -> uuid.UUID | None:
    """The signed-in caller on routes behind `auth_required` (request_context().user_id, without the rest)."""
    return g.get("user_id")


def request_context() -> RequestContext:
    """The context of the current request: call it in a route, pass it to the service."""
    return RequestContext(
        ip=client_ip(),
        user_agent=request.user_agent.string or None,
        request_id=current_request_id(),
        user_id=g.get("user_id"),
        session_id=g.get("session_id"),
        aal=g.get("token_claims", {}).get("aal"),
        accept_language=request.headers.get("Accept-Language"),
    )

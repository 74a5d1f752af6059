"""The project Blueprint (app/blueprint.py): its parser, guards and what they document."""

from __future__ import annotations

import flask_smorest
from webargs.core import Parser

from app.blueprint import Blueprint, RequestParser


def _operations(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                yield path, method, operation


def test_the_project_parser_is_our_own_and_flask_smorests_is_untouched(app):
    """Customised by subclassing: the library's shared parser keeps its defaults,
    so another blueprint in the process is not changed behind its back."""
    assert isinstance(Blueprint.ARGUMENTS_PARSER, RequestParser)
    assert Blueprint.ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS == 400
    assert flask_smorest.Blueprint.ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS == 422
    assert Parser.__location_map__["json"] == "load_json"


def test_every_bearer_operation_documents_its_security_and_401(client):
    spec = client.get("/api/openapi.json").get_json()
    secured = 0
    for path, method, operation in _operations(spec):
        if "security" in operation:
            secured += 1
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)
    assert secured >= 15


def test_admin_operations_document_403(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in ("/api/v1/users/", "/api/v1/admin/audit", "/api/v1/admin/flags"):
        assert set(spec["paths"][path]["get"]["responses"]) >= {"401", "403"}, path


def test_rate_limited_operations_document_429(client):
    spec = client.get("/api/openapi.json").get_json()
    for path in ("register", "verify-email", "resend-verification", "login", "refresh", "forgot-password", "reset-password"):
        assert "429" in spec["paths"][f"/api/v1/auth/{path}"]["post"]["responses"], path


def test_auth_runs_before_the_body_is_validated(client):
    """An unauthenticated request with a bad body is 401, not 400: the guard sits above `arguments`."""
    response = client.post("/api/v1/auth/change-password", json={"current_password": 1})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_TOKEN_MISSING_015"


def test_admin_guard_refuses_a_signed_in_non_admin(client, make_user, sign_in):
    headers = sign_in(make_user())
    response = client.get("/api/v1/admin/audit", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "AUTH_FORBIDDEN_026"


def test_a_request_failing_validation_counts_toward_the_rate_limit(client):
    """The limit sits above `arguments`: bad bodies cannot probe without limit."""
    statuses = [client.post("/api/v1/auth/resend-verification", json={"email": "not-an-email"}).status_code for _ in range(4)]
    assert statuses[:3] == [400, 400, 400]
    assert statuses[3] == 429


def test_the_limiter_skips_exactly_the_routes_without_a_limit(app):
    """skip_unlimited_routes trusts Blueprint.rate_limited's mark: every route
    Flask-Limiter limits carries it, and no other route does."""
    from flask_limiter.util import get_qualified_name

    from app.extensions import limiter

    marked = {get_qualified_name(view) for view in app.view_functions.values() if getattr(view, "rate_limited", False)}
    assert marked == limiter._marked_for_limiting
    assert "login" in {name.rsplit(".", 1)[-1] for name in marked}
    # No default or application-wide limit exists that the filter would skip.
    assert not limiter.limit_manager._default_limits and not limiter.limit_manager._application_limits

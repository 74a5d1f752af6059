"""The project's Blueprint: how a route is declared, guarded and documented.

Every API route is a short decorator stack on a `Blueprint` of this module::

    blp = Blueprint("auth", __name__, description="...")

    @blp.route("/login", methods=["POST"])
    @blp.rate_limited(setting("LOGIN_RATE_LIMIT"))   # or @blp.auth_required / @blp.admin_required
    @blp.arguments(LoginSchema)
    @blp.response(200, envelope(LoginResultSchema))
    @blp.errors(401, 403, 503)
    def login(body):
        \"\"\"Sign in: ...\"\"\"                # the first line is the OpenAPI summary
        return {"data": service.login(...)}

- A guard (`auth_required`, `admin_required`, `rate_limited`) goes right under
  `route`, so that it runs before the body is parsed: an unauthenticated
  request is 401 before any validation error, and a request failing
  validation still counts toward its rate limit.
- Each guard documents what it adds (the Bearer security requirement, its
  401 / 403 / 429 responses) through flask-smorest's public `doc()` and
  `alt_response()`, so that the OpenAPI document cannot drift from the code.
- Request bodies are parsed by `RequestParser`: validation failures are 400
  (not webargs' 422) and JSON no client means (see `RequestParser.load_json`)
  is refused before any schema sees it.
- Name view functions for what they do, verb first (`revoke_session`,
  `list_users`): the operation's summary is the docstring's first line and its
  operationId, the generated clients' method name, the name in camelCase
  (`revokeSession`), unless `route(..., operation_id="...")` says otherwise.
  A published operationId never changes (docs/clients.md).
"""

from __future__ import annotations

import functools
import math
import re
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import ClassVar

import flask_smorest
from flask import current_app, g
from webargs.core import missing
from webargs.flaskparser import FlaskParser

from app.errors import ACCOUNT_DISABLED, FORBIDDEN, MALFORMED_JSON, VALIDATION_FAILED, AppError, ErrorCode
from app.extensions import limiter
from app.openapi import BEARER_SECURITY
from app.security.guards import authenticate, current_user, require_admin_assurance

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class RequestParser(FlaskParser):
    """webargs' Flask parser, answering 400 for what it refuses.

    Gaps of Python's json module, answered 400 instead: a body nested deeper
    than the recursion limit (a few KB of `[[[[`) raises RecursionError (a
    500); an integer literal of more than 4300 digits raises ValueError; NaN,
    Infinity and numbers that overflow to infinity are read as floats that
    PostgreSQL's jsonb refuses; a string with a lone UTF-16 surrogate
    (`"\\ud800"`) cannot be encoded as UTF-8, so hashing, storing or logging it
    fails. And a missing body is read as `{}`, so a route whose fields are all
    optional would accept a request that the OpenAPI document (every body there
    is required) calls invalid.
    """

    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req, schema):
        try:
            data = super().load_json(req, schema)
        except RecursionError:
            raise AppError(MALFORMED_JSON, "The request body is nested too deeply.") from None
        except ValueError:
            raise AppError(MALFORMED_JSON, "A number in the request body is too long.") from None
        if data is missing:
            raise AppError(VALIDATION_FAILED, "A JSON body is required.")
        problem = _not_interoperable(data)
        if problem:
            raise AppError(MALFORMED_JSON, problem)
        return data


def _not_interoperable(data) -> str | None:
    """Why `data` (parsed JSON) holds a value no JSON client means, or None.
    Iterative: the parser accepted nesting up to the recursion limit."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, float) and not math.isfinite(value):
            return "Numbers must be finite (no NaN or Infinity)."
        elif isinstance(value, str) and _LONE_SURROGATE.search(value):
            return "Strings must not contain unpaired UTF-16 surrogates."
    return None


def camel_case(name: str) -> str:
    """`list_audit_events` -> `listAuditEvents`."""
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the project's parser, guards and error documentation."""

    ARGUMENTS_PARSER: ClassVar[FlaskParser] = RequestParser()

    def route(self, rule, *, parameters=None, tags=None, operation_id: str | None = None, **options):
        """flask-smorest's `route`, also naming the OpenAPI operation: its operationId is the
        view function's name in camelCase (`get_me` -> `getMe`), or `operation_id` where that
        reads badly. Generated clients call their methods by it (docs/clients.md): once
        published, an operationId does not change (tests/test_openapi_document.py)."""
        register = super().route(rule, parameters=parameters, tags=tags, **options)

        def decorator(view):
            return register(self.doc(operationId=operation_id or camel_case(view.__name__))(view))

        return decorator

    def errors(self, *statuses: int):
        """Document error responses by status (`@blp.errors(404, 409)`): each one the
        error envelope with its headers (app.openapi), whatever catalogue code it carries."""

        def decorator(view):
            for status in statuses:
                view = self.alt_response(status, response=HTTPStatus(status).name)(view)
            return view

        return decorator

    def auth_required(self, view):
        """Refuse the request (401) unless it carries a valid access token of a live session.

        Sets `g.user_id`, `g.session_id` and `g.token_claims` for the view.
        """
        documented = self._bearer(view, 401)

        @functools.wraps(documented)
        def guarded(*args, **kwargs):
            authenticate()
            return documented(*args, **kwargs)

        return guarded

    def admin_required(self, view):
        """As `auth_required`, and 403 AUTH_FORBIDDEN_026 unless the user is a
        live admin (403 AUTH_ACCOUNT_DISABLED_021 for a disabled one); with
        MFA_REQUIRED_FOR_ADMINS, 403 AUTH_MFA_ENROLLMENT_REQUIRED_038 unless the
        session signed in with a second factor (docs/mfa.md)."""
        documented = self._bearer(view, 401, 403)

        @functools.wraps(documented)
        def guarded(*args, **kwargs):
            authenticate()
            # Read from the database, not the session cache: an admin disabled or
            # deleted a moment ago has no admin rights even if a revocation of
            # their sessions has not reached every cache (docs/security.md §3).
            user = current_user()
            if user is not None and user.deleted_at is None and not user.is_active and user.is_admin:
                raise AppError(ACCOUNT_DISABLED)
            if user is None or user.deleted_at is not None or not user.is_admin:
                raise AppError(FORBIDDEN)
            require_admin_assurance(g.token_claims.get("aal"))
            return documented(*args, **kwargs)

        return guarded

    def fresh_session_required(self, view):
        """As `auth_required`, and 403 AUTH_REAUTH_REQUIRED_033 unless the session
        is fresh: its user proved who they are within REAUTH_MAX_AGE_SECONDS
        (a sign-in or POST /auth/reauthenticate; app.auth.fresh)."""
        from app.auth.fresh import require_fresh_session

        documented = self._bearer(view, 401, 403)

        @functools.wraps(documented)
        def guarded(*args, **kwargs):
            authenticate()
            require_fresh_session()
            return documented(*args, **kwargs)

        return guarded

    def rate_limited(self, limit: str | Callable[[], str]):
        """Limit the route per client IP (`"5 per minute"`, or `setting(NAME)`; 429 with Retry-After beyond it).

        Counted in Redis, shared by every worker and instance; the IP is taken
        through TRUSTED_PROXY_COUNT proxies only.
        """

        def decorator(view):
            limited = limiter.limit(limit)(self.errors(429)(view))
            # functools.wraps copies this onto every wrapper above, so the route's
            # view function says it has a limit (skip_unlimited_routes reads it).
            limited.rate_limited = True
            return limited

        return decorator

    def _bearer(self, view, *statuses: int):
        # The operation requires a Bearer token and may answer `statuses`.
        return self.doc(security=BEARER_SECURITY)(self.errors(*statuses)(view))


def setting(name: str) -> Callable[[], str]:
    """A limit read from `app.config[name]` when a request comes, for
    `@blp.rate_limited(setting("LOGIN_RATE_LIMIT"))` (the settings exist only
    once the app is built, after the routes are declared)."""
    return lambda: current_app.config[name]


def path_id(raw: str, not_found: ErrorCode) -> uuid.UUID:
    """The id in a `<string:...>` path segment, parsed at the edge for the service.

    A malformed id is answered like an unknown one (`not_found`, a 404 of the
    catalogue), not with a validation error: to a client both name nothing.
    """
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise AppError(not_found) from None

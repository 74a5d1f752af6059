"""The error catalogue and the handlers that render every error in one envelope.

Codes follow `{MODULE}_{TYPE}_{NNN}` with NNN unique across the catalogue.
Services raise `AppError(CODE, ...)`; nothing else builds an error response.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NoReturn

from flask import Flask, g, has_request_context, jsonify
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("gatehouse.errors")


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    message: str


CATALOGUE: dict[str, ErrorCode] = {}


def _register(code: str, status: int, message: str) -> ErrorCode:
    number = code.rsplit("_", 1)[1]
    assert all(not c.endswith("_" + number) for c in CATALOGUE), f"duplicate number in {code}"
    CATALOGUE[code] = ErrorCode(code, status, message)
    return CATALOGUE[code]


# --- the catalogue (README lists it; OpenAPI carries it in info.x-error-codes) ---
INVALID_CREDENTIALS = _register("AUTH_INVALID_CREDENTIALS_001", 401, "Invalid email or password.")
USER_NOT_FOUND = _register("USER_NOT_FOUND_002", 404, "User not found.")
EMAIL_EXISTS = _register("AUTH_EMAIL_EXISTS_003", 409, "An account with this email already exists.")
VALIDATION_FAILED = _register("REQUEST_VALIDATION_FAILED_004", 400, "The request is not valid.")
MALFORMED_JSON = _register("REQUEST_MALFORMED_JSON_005", 400, "The request body is not valid JSON.")
ROUTE_NOT_FOUND = _register("REQUEST_NOT_FOUND_006", 404, "No such resource.")
METHOD_NOT_ALLOWED = _register("REQUEST_METHOD_NOT_ALLOWED_007", 405, "This method is not allowed on this resource.")
PAYLOAD_TOO_LARGE = _register("REQUEST_TOO_LARGE_008", 413, "The request body is too large.")
UNSUPPORTED_MEDIA_TYPE = _register("REQUEST_UNSUPPORTED_MEDIA_TYPE_009", 415, "Send the request body as application/json.")
RATE_LIMITED = _register("REQUEST_RATE_LIMITED_010", 429, "Too many requests; try again later.")
INTERNAL_ERROR = _register("SERVER_INTERNAL_ERROR_011", 500, "An unexpected error occurred.")
SERVICE_UNAVAILABLE = _register("SERVER_UNAVAILABLE_012", 503, "The service is temporarily unavailable.")
NOT_READY = _register("SERVER_NOT_READY_013", 503, "The service is not ready.")
MAINTENANCE = _register("SERVER_MAINTENANCE_014", 503, "The service is down for maintenance.")
TOKEN_MISSING = _register("AUTH_TOKEN_MISSING_015", 401, "A Bearer access token is required.")
TOKEN_INVALID = _register("AUTH_TOKEN_INVALID_016", 401, "The access token is not valid.")
TOKEN_EXPIRED = _register("AUTH_TOKEN_EXPIRED_017", 401, "The access token has expired.")
SESSION_REVOKED = _register("AUTH_SESSION_REVOKED_018", 401, "This session has ended; sign in again.")
REFRESH_INVALID = _register("AUTH_REFRESH_TOKEN_INVALID_019", 401, "The refresh token is not valid.")
REFRESH_REUSED = _register("AUTH_REFRESH_TOKEN_REUSED_020", 401, "This refresh token was already used; the session has been ended.")
ACCOUNT_DISABLED = _register("AUTH_ACCOUNT_DISABLED_021", 403, "This account is disabled.")
ACCOUNT_LOCKED = _register("AUTH_ACCOUNT_LOCKED_022", 429, "Too many failed sign-ins; try again later.")
VERIFICATION_TOKEN_INVALID = _register("AUTH_VERIFICATION_TOKEN_INVALID_023", 400, "The verification link is invalid, used or expired.")
RESET_TOKEN_INVALID = _register("AUTH_RESET_TOKEN_INVALID_024", 400, "The password reset link is invalid, used or expired.")
PASSWORD_INCORRECT = _register("AUTH_PASSWORD_INCORRECT_025", 400, "The current password is not correct.")
FORBIDDEN = _register("AUTH_FORBIDDEN_026", 403, "You may not access this resource.")
SELF_DEMOTION = _register("USER_SELF_DEMOTION_027", 409, "An admin cannot remove their own admin right.")
SELF_DELETION = _register("USER_SELF_DELETION_028", 409, "An admin cannot delete or disable their own account here; use /users/me.")
SESSION_NOT_FOUND = _register("AUTH_SESSION_NOT_FOUND_029", 404, "Session not found.")
FLAG_NOT_FOUND = _register("FLAG_NOT_FOUND_030", 404, "No such feature flag.")
TOKEN_ALGORITHM_INVALID = _register(
    "AUTH_TOKEN_ALGORITHM_INVALID_031", 401, "The access token is not signed with this service's algorithm and a key in use."
)
TOKEN_SIGNATURE_INVALID = _register("AUTH_TOKEN_SIGNATURE_INVALID_032", 401, "The access token's signature does not verify.")
REAUTH_REQUIRED = _register(
    "AUTH_REAUTH_REQUIRED_033", 403, "This action needs a recent sign-in: confirm your password (POST /api/v1/auth/reauthenticate)."
)
MFA_CODE_INVALID = _register("AUTH_MFA_CODE_INVALID_034", 401, "The code is not valid.")
MFA_TOKEN_INVALID = _register("AUTH_MFA_TOKEN_INVALID_035", 401, "The sign-in attempt has expired or ended; sign in again.")
MFA_ALREADY_ENABLED = _register("AUTH_MFA_ALREADY_ENABLED_036", 409, "Two-factor sign-in is already on.")
MFA_NOT_ENABLED = _register("AUTH_MFA_NOT_ENABLED_037", 409, "Two-factor sign-in is not on.")
MFA_ENROLLMENT_REQUIRED = _register("AUTH_MFA_ENROLLMENT_REQUIRED_038", 403, "Admin routes need a session signed in with a second factor.")
# Signing keys and introspection (docs/signing-keys.md).
SIGNING_KEY_NOT_FOUND = _register("KEYS_NOT_FOUND_050", 404, "No such signing key.")
SIGNING_KEY_IN_USE = _register("KEYS_KEY_IN_USE_051", 409, "This key signs new tokens: rotate to a new key before retiring it.")
SIGNING_KEYS_NOT_MANAGED = _register("KEYS_NOT_MANAGED_052", 409, "Signing keys are not managed here under this configuration.")
INTROSPECTION_TOKEN_INVALID = _register("AUTH_INTROSPECTION_TOKEN_INVALID_053", 401, "A valid introspection token is required.")
# A passkey ceremony that does not verify: 401 at sign-in (as here), 400 at registration (PASSKEY_REJECTED).
PASSKEY_INVALID = _register("AUTH_PASSKEY_INVALID_039", 401, "The passkey could not be verified.")
# The same catalogue code answered 400 where a signed-in user registers a passkey (docs/passkeys.md).
PASSKEY_REJECTED = ErrorCode(PASSKEY_INVALID.code, 400, "The passkey could not be verified.")
PASSKEY_NOT_FOUND = _register("AUTH_PASSKEY_NOT_FOUND_054", 404, "Passkey not found.")
OIDC_LINK_REQUIRED = _register(
    "AUTH_OIDC_LINK_REQUIRED_040", 409, "An account already uses this email: sign in to it, then link this provider from a fresh session."
)
LAST_SIGN_IN_METHOD = _register(
    "AUTH_LAST_SIGN_IN_METHOD_041",
    409,
    "This is the account's last way to sign in: set a password, add a passkey or link another provider first.",
)
OIDC_STATE_INVALID = _register(
    "AUTH_OIDC_STATE_INVALID_058",
    400,
    "The sign-in with the provider is unknown, used, expired or was started in another browser; start again.",
)
OIDC_PROVIDER_FAILED = _register("AUTH_OIDC_PROVIDER_FAILED_059", 502, "The identity provider's answer could not be used; try again later.")
OIDC_IDENTITY_REFUSED = _register(
    "AUTH_OIDC_IDENTITY_REFUSED_060",
    403,
    "This identity cannot be used here: the provider has not verified its email, or it is linked to another account.",
)
OIDC_CODE_INVALID = _register("AUTH_OIDC_CODE_INVALID_061", 401, "The sign-in code is unknown, used or expired; sign in again.")
METRICS_TOKEN_INVALID = _register("METRICS_TOKEN_INVALID_070", 401, "A valid metrics token is required.")
METRICS_FORBIDDEN = _register("METRICS_FORBIDDEN_071", 403, "Metrics are not served to this address.")


class AppError(Exception):
    """An expected failure with a catalogue code; rendered in the error envelope.

    `extra` adds members beside `status` and `error` (e.g. /ready's `checks`).
    """

    def __init__(
        self,
        error: ErrorCode,
        message: str | None = None,
        *,
        field: str | None = None,
        details: list[dict] | None = None,
        headers: dict | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message or error.message)
        self.error = error
        self.message = message or error.message
        self.field = field
        self.details = details
        self.headers = headers or {}
        self.extra = extra or {}


def fail(error: ErrorCode, message: str | None = None, **kwargs) -> NoReturn:
    """Refuse: roll back the current transaction of `db.session`, then raise
    `AppError(error, message, **kwargs)`. A service refuses this way when its
    transaction may hold writes that must not outlive the refusal."""
    from app.extensions import db

    db.session.rollback()
    raise AppError(error, message, **kwargs)


def error_body(error: ErrorCode, message: str | None = None, *, field=None, details=None, extra=None) -> dict:
    """The error envelope of docs/api.md §1 for `error`."""
    from app.observability import current_request_id

    body = {
        "code": error.code,
        "message": message or error.message,
        "field": field,
        "details": details or [],
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        "trace_id": current_request_id(),
    }
    return {"status": "error", "error": body, **(extra or {})}


def error_response(error: ErrorCode, message=None, *, field=None, details=None, headers=None, status=None, extra=None):
    response = jsonify(error_body(error, message, field=field, details=details, extra=extra))
    response.status_code = status or error.status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if response.status_code == 503 and "Retry-After" in response.headers and has_request_context():
        # Kept aside: the rate limiter later stamps its own window (e.g. 60 s)
        # as Retry-After on every response of a limited route (app._retry_after_only_when_refused).
        g.retry_after = response.headers["Retry-After"]
    return response


def _flatten(messages, prefix="") -> list[dict]:
    """webargs/marshmallow's nested error dict -> [{field, message}] in field order."""
    details = []
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                name = prefix or None
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            details.extend(_flatten(value, name or ""))
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            details.extend({"field": prefix or None, "message": m} for m in messages)
        else:
            for item in messages:
                details.extend(_flatten(item, prefix))
    else:
        details.append({"field": prefix or None, "message": str(messages)})
    return details


def validation_details(messages: dict) -> list[dict]:
    """Flatten webargs messages keyed by location ("json", "query", ...)."""
    details = []
    for location_messages in messages.values():
        details.extend(_flatten(location_messages))
    return details


_HTTP_ERRORS = {
    404: ROUTE_NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    413: PAYLOAD_TOO_LARGE,
    415: UNSUPPORTED_MEDIA_TYPE,
    429: RATE_LIMITED,
    503: SERVICE_UNAVAILABLE,
}


def handle_http_exception(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if exc.code in (400, 422):
        messages = data.get("messages") or data.get("errors")
        if messages == {"json": ["Invalid JSON body."]}:
            return error_response(MALFORMED_JSON)
        if messages:
            details = validation_details(messages)
            return error_response(
                VALIDATION_FAILED,
                field=details[0]["field"] if details else None,
                details=details,
                status=400,
            )
        return error_response(VALIDATION_FAILED, exc.description if exc.code == 400 else None, status=400)
    if exc.code == 405:
        headers.update({k: v for k, v in exc.get_headers() if k == "Allow"})
    if exc.code == 429:
        # Flask-Limiter's exception carries the limit; its response headers
        # (Retry-After, X-RateLimit-*) are added by the limiter after this.
        headers.setdefault("Retry-After", str(getattr(exc, "retry_after", None) or 60))
    if exc.code == 401:
        return error_response(TOKEN_MISSING, headers=headers)
    if exc.code == 403:
        return error_response(FORBIDDEN, headers=headers)
    error = _HTTP_ERRORS.get(exc.code)
    if error is None:
        if exc.code is not None and exc.code >= 500:
            return error_response(INTERNAL_ERROR, status=exc.code, headers=headers)
        return error_response(VALIDATION_FAILED, exc.description, status=exc.code or 400, headers=headers)
    return error_response(error, headers=headers)


def handle_app_error(exc: AppError):
    return error_response(exc.error, exc.message, field=exc.field, details=exc.details, headers=exc.headers, extra=exc.extra)


def handle_database_unavailable(exc: Exception):
    # The database is down or its pool is exhausted: a 503 the client may
    # retry, never a 500 with driver text in it.
    log.error("database unavailable: %s", type(exc).__name__)
    return error_response(SERVICE_UNAVAILABLE, headers={"Retry-After": "5"})


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    # Logged with its trace id (by the JSON formatter); the client sees only the code.
    log.exception("unhandled exception")
    g.unhandled_error = True
    return error_response(INTERNAL_ERROR)


def register_error_handlers(app: Flask) -> None:
    """Replace flask-smorest's default handler: every error uses our envelope."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(AppError, handle_app_error)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(PoolTimeoutError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)

"""Auth routes: sign-up, verification, sign-in, sessions, recovery.

Every route without a Bearer token is limited per client IP
(`Blueprint.rate_limited`, app/blueprint.py).
"""

from app import errors
from app.auth import fresh, recovery, service
from app.auth.schemas import (
    ChangePasswordSchema,
    EmailOnlySchema,
    LoginAnswerEnvelopeSchema,
    LoginSchema,
    ReauthenticateSchema,
    RefreshSchema,
    RegisteredUserSchema,
    RegisterSchema,
    ResetPasswordSchema,
    SessionSchema,
    TokenPairSchema,
    VerifyEmailSchema,
)
from app.blueprint import Blueprint, path_id, setting
from app.context import request_context
from app.responses import envelope
from app.users.schemas import UserSchema

blp = Blueprint("auth", __name__, description="Sign-up, sign-in, sessions and account recovery.")

# Per client IP, from the settings (config.py; docs/architecture.md §6).
REGISTER_LIMIT = setting("REGISTER_RATE_LIMIT")
LOGIN_LIMIT = setting("LOGIN_RATE_LIMIT")
REFRESH_LIMIT = setting("REFRESH_RATE_LIMIT")
VERIFY_LIMIT = setting("VERIFY_EMAIL_RATE_LIMIT")
RESEND_LIMIT = setting("RESEND_VERIFICATION_RATE_LIMIT")
FORGOT_LIMIT = setting("FORGOT_PASSWORD_RATE_LIMIT")
RESET_LIMIT = setting("RESET_PASSWORD_RATE_LIMIT")
REAUTH_LIMIT = setting("REAUTHENTICATE_RATE_LIMIT")


@blp.route("/register", methods=["POST"])
@blp.rate_limited(REGISTER_LIMIT)
@blp.arguments(RegisterSchema)
@blp.response(201, envelope(RegisteredUserSchema))
@blp.errors(409, 503)  # 503: too many password hashes queued
def register(body):
    """Create an account; a verification email is sent.

    409 AUTH_EMAIL_EXISTS_003 when a live account uses the address; 429 after
    5 registrations a minute from one IP.
    """
    return {
        "data": service.register_user(body["email"], body["password"], body["full_name"], request_context()),
        "message": "Registration successful. Please check your email to verify your account.",
    }


@blp.route("/verify-email", methods=["POST"])
@blp.rate_limited(VERIFY_LIMIT)
@blp.arguments(VerifyEmailSchema)
@blp.response(200, envelope(UserSchema))
@blp.errors(409)
def verify_email(body):
    """Confirm an email address with the token from the emailed link.

    Also confirms an email change (the account moves to the new address);
    409 AUTH_EMAIL_EXISTS_003 if that address was taken meanwhile. A bad,
    used or expired token is 400 AUTH_VERIFICATION_TOKEN_INVALID_023.
    """
    return {"data": service.verify_email(body["token"], request_context()), "message": "Email verified."}


@blp.route("/resend-verification", methods=["POST"])
@blp.rate_limited(RESEND_LIMIT)
@blp.arguments(EmailOnlySchema)
@blp.response(202, envelope(None))
def resend_verification(body):
    """Send the verification email again; the answer is the same whether or not the account exists."""
    service.resend_verification(body["email"])
    return {"message": "If an unverified account uses this address, a new verification email is on its way."}


@blp.route("/login", methods=["POST"])
@blp.rate_limited(LOGIN_LIMIT)
@blp.arguments(LoginSchema)
@blp.response(200, LoginAnswerEnvelopeSchema)
@blp.errors(401, 403, 503)  # 503: too many password hashes queued
def login(body):
    """Sign in: an access token, a refresh token and the user (or, with two-factor sign-in on, the second step).

    With two-factor sign-in on, the right password answers `{mfa_required:
    true, mfa_token, methods, expires_in}` and no tokens: POST the
    `mfa_token` with a code to /api/v1/auth/login/mfa within 5 minutes.

    401 AUTH_INVALID_CREDENTIALS_001 for an unknown email and a wrong password
    alike; 403 AUTH_ACCOUNT_DISABLED_021 for a disabled account (right
    password only); 429 AUTH_ACCOUNT_LOCKED_022 after 10 failures in 15
    minutes for this email, until the lock lifts (an address the account
    signed in from before still gets in with the right password).
    """
    answer = service.login(body["email"], body["password"], request_context())
    if answer.get("mfa_required"):
        return {"data": answer, "message": "Enter a code from your authenticator app or a recovery code."}
    return {"data": answer, "message": "Signed in."}


@blp.route("/refresh", methods=["POST"])
@blp.rate_limited(REFRESH_LIMIT)
@blp.arguments(RefreshSchema)
@blp.response(200, envelope(TokenPairSchema))
@blp.errors(401, 503)  # 503: the session's ending (reuse, idle timeout) cannot be recorded
def refresh(body):
    """Trade a refresh token for a new pair; the presented token is spent.

    401 AUTH_REFRESH_TOKEN_INVALID_019 (unknown or expired),
    AUTH_REFRESH_TOKEN_REUSED_020 (already used: the session is ended), or
    AUTH_SESSION_REVOKED_018 (the session has ended). 503
    SERVER_UNAVAILABLE_012 (Retry-After) when ending the session cannot be
    recorded right now; nothing changed.
    """
    return {"data": service.refresh(body["refresh_token"], request_context()), "message": "Tokens refreshed."}


@blp.route("/reauthenticate", methods=["POST"])
@blp.auth_required
@blp.rate_limited(REAUTH_LIMIT)
@blp.arguments(ReauthenticateSchema)
@blp.response(200, envelope(TokenPairSchema))
@blp.errors(503)  # 503: too many password hashes queued
def reauthenticate(body):
    """Confirm your password: a new token pair for this session, now fresh.

    Changing the email and deleting the account (and other sensitive actions)
    need a session whose user proved who they are within the last
    REAUTH_MAX_AGE_SECONDS (5 minutes by default), else 403
    AUTH_REAUTH_REQUIRED_033. A wrong password is 401
    AUTH_INVALID_CREDENTIALS_001 and counts toward the account lockout (429
    AUTH_ACCOUNT_LOCKED_022 while locked). The previous refresh token is spent.
    """
    ctx = request_context()
    factors = {name: value for name, value in body.items() if name != "password"}
    return {"data": fresh.reauthenticate(ctx.user_id, ctx.session_id, body["password"], factors, ctx), "message": "Identity confirmed."}


@blp.route("/logout", methods=["POST"])
@blp.auth_required
@blp.response(204)
@blp.errors(503)  # 503: the session's ending cannot be recorded
def logout():
    """End this session; its access and refresh tokens stop working at once.

    503 SERVER_UNAVAILABLE_012 (Retry-After) when the ending cannot be
    recorded right now; nothing changed.
    """
    ctx = request_context()
    service.logout(ctx.user_id, ctx.session_id, ctx)


@blp.route("/logout-all", methods=["POST"])
@blp.auth_required
@blp.response(204)
@blp.errors(503)  # 503: the sessions' ending cannot be recorded
def logout_all():
    """End every session of the signed-in user.

    503 SERVER_UNAVAILABLE_012 (Retry-After) when the ending cannot be
    recorded right now; nothing changed.
    """
    ctx = request_context()
    service.logout_all(ctx.user_id, ctx)


@blp.route("/sessions", methods=["GET"])
@blp.auth_required
@blp.response(200, envelope(SessionSchema, many=True))
def list_sessions():
    """The signed-in user's live sessions."""
    ctx = request_context()
    return {"data": service.list_sessions(ctx.user_id, ctx.session_id)}


@blp.route("/sessions/<session_id>", methods=["DELETE"])
@blp.auth_required
@blp.response(204)
@blp.errors(404, 503)  # 503: the session's ending cannot be recorded
def revoke_session(session_id):
    """End one of your own sessions (404 AUTH_SESSION_NOT_FOUND_029 otherwise).

    503 SERVER_UNAVAILABLE_012 (Retry-After) when the ending cannot be
    recorded right now; nothing changed.
    """
    ctx = request_context()
    service.revoke_session(ctx.user_id, path_id(session_id, errors.SESSION_NOT_FOUND), ctx)


@blp.route("/forgot-password", methods=["POST"])
@blp.rate_limited(FORGOT_LIMIT)
@blp.arguments(EmailOnlySchema)
@blp.response(202, envelope(None))
def forgot_password(body):
    """Email a password reset link (single use, valid one hour).

    The answer is the same 202 whether or not an account uses the address,
    and also when the address has had a link within the last minute (or 5
    within the hour), in which case no new email is sent. 429 after 3
    requests a minute from one IP.
    """
    recovery.request_password_reset(body["email"], request_context())
    return {"message": "If an account uses this address, a password reset link is on its way."}


@blp.route("/reset-password", methods=["POST"])
@blp.rate_limited(RESET_LIMIT)
@blp.arguments(ResetPasswordSchema)
@blp.response(200, envelope(None))
@blp.errors(503)  # 503: too many password hashes queued, or the sessions' ending cannot be recorded
def reset_password(body):
    """Set a new password with the token from the emailed link; every session ends.

    A bad, used or expired token is 400 AUTH_RESET_TOKEN_INVALID_024; the new
    password follows the registration rules (400 REQUEST_VALIDATION_FAILED_004).
    A reset also confirms the email address and lifts a sign-in lockout.
    """
    recovery.reset_password(body["token"], body["new_password"], request_context())
    return {"message": "Your password has been reset. Sign in with the new password."}


@blp.route("/change-password", methods=["POST"])
@blp.auth_required
@blp.arguments(ChangePasswordSchema)
@blp.response(200, envelope(None))
# 403: no current password and a stale session; 503: too many password hashes queued,
# or the other sessions' ending cannot be recorded
@blp.errors(403, 429, 503)
def change_password(body):
    """Change the password, given the current one; your other sessions end, this one stays.

    A wrong current password is 400 AUTH_PASSWORD_INCORRECT_025 and counts as a
    failed sign-in toward the lockout (429 AUTH_ACCOUNT_LOCKED_022 with
    Retry-After while the account is locked). An account without a password
    (created through an identity provider) sets its first one without
    `current_password`, from a fresh session (403 AUTH_REAUTH_REQUIRED_033).
    """
    if body.get("current_password") is None:
        fresh.require_fresh_session()
    ctx = request_context()
    recovery.change_password(ctx.user_id, ctx.session_id, body.get("current_password"), body["new_password"], ctx)
    return {"message": "Your password has been changed. Your other sessions have been signed out."}

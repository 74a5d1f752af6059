"""Two-factor sign-in routes (docs/mfa.md): enrolment, status, turning it
off, recovery codes, the second step of a sign-in, and an admin's reset.

Mounted at /api/v1 (paths under /auth and /users, like the routes they sit beside).
"""

from app import errors
from app.auth.schemas import LoginResultSchema
from app.blueprint import Blueprint, path_id, setting
from app.context import request_context
from app.mfa import service
from app.mfa.schemas import MfaCodeSchema, MfaLoginSchema, MfaStatusSchema, RecoveryCodesSchema, TotpSetupSchema
from app.responses import envelope

blp = Blueprint("mfa", __name__, description="Two-factor sign-in: authenticator apps (TOTP) and recovery codes.")

# Per client IP (MFA_LOGIN_RATE_LIMIT); wrong codes also count toward the account lockout.
MFA_LOGIN_LIMIT = setting("MFA_LOGIN_RATE_LIMIT")


@blp.route("/auth/mfa", methods=["GET"])
@blp.auth_required
@blp.response(200, envelope(MfaStatusSchema))
def get_mfa_status():
    """Your two-factor sign-in: whether TOTP is on, recovery codes left, passkeys."""
    return {"data": service.status(request_context().user_id)}


@blp.route("/auth/mfa/totp/setup", methods=["POST"])
@blp.fresh_session_required
@blp.response(200, envelope(TotpSetupSchema))
@blp.errors(409)  # AUTH_MFA_ALREADY_ENABLED_036
def begin_totp_setup():
    """Start setting up an authenticator app: its secret, `otpauth://` URI and QR code.

    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). Nothing changes until
    a code confirms it (POST /auth/mfa/totp/confirm); starting again replaces
    the pending secret. 409 AUTH_MFA_ALREADY_ENABLED_036 when TOTP is on.
    """
    ctx = request_context()
    return {"data": service.begin_totp_setup(ctx.user_id, ctx), "message": "Scan the QR code, then confirm with a code from the app."}


@blp.route("/auth/mfa/totp/confirm", methods=["POST"])
@blp.auth_required
@blp.arguments(MfaCodeSchema)
@blp.response(200, envelope(RecoveryCodesSchema))
@blp.errors(409)  # AUTH_MFA_ALREADY_ENABLED_036
def confirm_totp(body):
    """Turn two-factor sign-in on with a code from the app just set up: ten recovery codes.

    The recovery codes are shown this once; keep them safe. 401
    AUTH_MFA_CODE_INVALID_034 for a wrong code (or no setup pending).
    """
    ctx = request_context()
    return {
        "data": service.confirm_totp(ctx.user_id, body["code"], ctx),
        "message": "Two-factor sign-in is on. Keep these recovery codes somewhere safe.",
    }


@blp.route("/auth/mfa/totp", methods=["DELETE"])
@blp.fresh_session_required
@blp.arguments(MfaCodeSchema)
@blp.response(204)
@blp.errors(409, 429)  # 409 AUTH_MFA_NOT_ENABLED_037; 429 AUTH_ACCOUNT_LOCKED_022
def disable_totp(body):
    """Turn two-factor sign-in off, given a current code or an unused recovery code.

    Needs a fresh session. The recovery codes stop working. A wrong code is 401
    AUTH_MFA_CODE_INVALID_034 and counts toward the account lockout.
    """
    ctx = request_context()
    service.disable_totp(ctx.user_id, body["code"], ctx)


@blp.route("/auth/mfa/recovery-codes", methods=["POST"])
@blp.fresh_session_required
@blp.arguments(MfaCodeSchema)
@blp.response(200, envelope(RecoveryCodesSchema))
@blp.errors(409, 429)  # 409 AUTH_MFA_NOT_ENABLED_037; 429 AUTH_ACCOUNT_LOCKED_022
def regenerate_recovery_codes(body):
    """Ten new recovery codes (the old ones stop working), given a current code or an unused recovery code.

    Needs a fresh session. A wrong code is 401 AUTH_MFA_CODE_INVALID_034 and
    counts toward the account lockout.
    """
    ctx = request_context()
    return {
        "data": service.regenerate_recovery_codes(ctx.user_id, body["code"], ctx),
        "message": "New recovery codes; the old ones no longer work.",
    }


@blp.route("/auth/login/mfa", methods=["POST"])
@blp.rate_limited(MFA_LOGIN_LIMIT)
@blp.arguments(MfaLoginSchema)
@blp.response(200, envelope(LoginResultSchema))
@blp.errors(401, 403)
def login_mfa(body):
    """Finish a sign-in with its second factor: an access token, a refresh token and the user.

    Send the `mfa_token` of the login's `mfa_required` answer with `code` (a
    current TOTP code or an unused recovery code) or a passkey's `credential`.
    The session is at assurance level 2 (`amr` e.g. `["pwd", "otp"]`). A wrong
    code is 401 AUTH_MFA_CODE_INVALID_034 and counts toward the account
    lockout (429 AUTH_ACCOUNT_LOCKED_022); an unknown, used or expired (5
    minutes) `mfa_token`, or one that has had 5 wrong codes, is 401
    AUTH_MFA_TOKEN_INVALID_035: sign in again.
    """
    proofs = {name: body[name] for name in ("code", "credential") if name in body}
    return {"data": service.complete_second_step(body["mfa_token"], proofs, request_context()), "message": "Signed in."}


@blp.route("/users/<string:user_id>/mfa", methods=["DELETE"])
@blp.admin_required
@blp.response(204)
@blp.errors(404, 409, 503)  # 404 USER_NOT_FOUND_002; 409 AUTH_MFA_NOT_ENABLED_037; 503: sessions' ending not recorded
def reset_user_mfa(user_id):
    """Remove an account's two-factor sign-in and passkeys (admin): its sessions end and the user is emailed.

    For a user who lost both their authenticator and their recovery codes. 409
    AUTH_MFA_NOT_ENABLED_037 when the account has no second factor; 503
    SERVER_UNAVAILABLE_012 (Retry-After) when the sessions' ending cannot be
    recorded right now (nothing changed).
    """
    service.admin_reset(path_id(user_id, errors.USER_NOT_FOUND), request_context())

"""Passkey routes (docs/passkeys.md) under /api/v1/auth/passkeys: registering,
listing, renaming and removing passkeys, and signing in with one.

Adding and removing a passkey need a fresh session (README: Security model). The sign-in
routes are limited per client IP like /auth/login.
"""

from app import errors
from app.auth.schemas import LoginResultSchema
from app.blueprint import Blueprint, path_id, setting
from app.context import request_context
from app.passkeys import factor, service  # noqa: F401  (factor: registers the passkey as a second factor)
from app.passkeys.schemas import (
    CreationOptionsSchema,
    PasskeyLoginOptionsSchema,
    PasskeyLoginSchema,
    PasskeySchema,
    RegisterPasskeySchema,
    RenamePasskeySchema,
    RequestOptionsSchema,
)
from app.responses import envelope

blp = Blueprint("passkeys", __name__, description="Passkeys (WebAuthn): passwordless sign-in with a device-bound key.")

LOGIN_OPTIONS_LIMIT = setting("PASSKEY_LOGIN_OPTIONS_RATE_LIMIT")
LOGIN_LIMIT = setting("PASSKEY_LOGIN_RATE_LIMIT")


@blp.route("/register/options", methods=["POST"])
@blp.fresh_session_required
@blp.response(200, envelope(CreationOptionsSchema))
def start_passkey_registration():
    """Start adding a passkey: options for navigator.credentials.create().

    PublicKeyCredentialCreationOptions in their JSON form (base64url fields):
    a discoverable credential with user verification, your passkeys
    excluded. The challenge is good for one registration within 5 minutes.
    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033).
    """
    return {"data": service.registration_options(request_context())}


@blp.route("/register", methods=["POST"])
@blp.fresh_session_required
@blp.arguments(RegisterPasskeySchema)
@blp.response(201, envelope(PasskeySchema))
@blp.errors(400)
def register_passkey(body):
    """Add a passkey: the browser's answer to navigator.credentials.create().

    400 AUTH_PASSKEY_INVALID_039 when it does not verify (challenge unknown,
    used, expired or not yours; wrong origin or RP id; no user verification;
    already registered). You are emailed about the new passkey.
    """
    return {"data": service.register_passkey(body["credential"], body.get("name"), request_context()), "message": "Passkey added."}


@blp.route("", methods=["GET"])
@blp.auth_required
@blp.response(200, envelope(PasskeySchema, many=True))
def list_passkeys():
    """Your passkeys, oldest first."""
    return {"data": service.list_passkeys(request_context().user_id)}


@blp.route("/<passkey_id>", methods=["PATCH"])
@blp.auth_required
@blp.arguments(RenamePasskeySchema)
@blp.response(200, envelope(PasskeySchema))
@blp.errors(404)
def rename_passkey(body, passkey_id):
    """Rename one of your passkeys (404 AUTH_PASSKEY_NOT_FOUND_054 otherwise)."""
    ctx = request_context()
    return {"data": service.rename_passkey(ctx.user_id, path_id(passkey_id, errors.PASSKEY_NOT_FOUND), body["name"], ctx)}


@blp.route("/<passkey_id>", methods=["DELETE"])
@blp.fresh_session_required
@blp.response(204)
@blp.errors(404, 409)
def delete_passkey(passkey_id):
    """Remove one of your passkeys; it signs in no more (404 AUTH_PASSKEY_NOT_FOUND_054 otherwise).

    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033); 409
    AUTH_LAST_SIGN_IN_METHOD_041 when it is your last way to sign in (set a
    password, add another passkey or link an identity provider first).
    """
    ctx = request_context()
    service.delete_passkey(ctx.user_id, path_id(passkey_id, errors.PASSKEY_NOT_FOUND), ctx)


@blp.route("/login/options", methods=["POST"])
@blp.rate_limited(LOGIN_OPTIONS_LIMIT)
@blp.arguments(PasskeyLoginOptionsSchema)
@blp.response(200, envelope(RequestOptionsSchema))
@blp.errors(401)
def start_passkey_login(body):
    """Start a passkey sign-in: options for navigator.credentials.get().

    `allowCredentials` is empty (the browser offers the passkeys it holds for
    this site), so the answer is the same for any `email`, with an account or
    not. With `mfa_token` instead, the options are for the second step of a
    sign-in (POST /auth/login/mfa with `credential`) and list the account's
    passkeys; 401 AUTH_MFA_TOKEN_INVALID_035 for an unknown, used or expired
    token. The challenge is good for one sign-in within 5 minutes.
    """
    return {"data": service.authentication_options(body.get("email"), body.get("mfa_token"))}


@blp.route("/login", methods=["POST"])
@blp.rate_limited(LOGIN_LIMIT)
@blp.arguments(PasskeyLoginSchema)
@blp.response(200, envelope(LoginResultSchema))
@blp.errors(401, 403)
def login_with_passkey(body):
    """Sign in with a passkey: the login answer, with a session at assurance level 2.

    401 AUTH_PASSKEY_INVALID_039 when the assertion does not verify (unknown
    or removed passkey, challenge used or expired, wrong origin or RP id, no
    user verification, bad signature, a signature counter that went
    backwards); 403 AUTH_ACCOUNT_DISABLED_021; 429 AUTH_ACCOUNT_LOCKED_022
    while the account is locked.
    """
    return {"data": service.sign_in(body["credential"], request_context()), "message": "Signed in."}

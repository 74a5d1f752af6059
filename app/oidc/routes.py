"""OpenID Connect routes: sign in through a provider, link and unlink identities (docs/oidc.md).

The browser binding cookie is the one HTTP detail kept here: the service
only sees its value.
"""

from flask import redirect, request, url_for

from app import errors
from app.auth.schemas import LoginAnswerEnvelopeSchema
from app.blueprint import Blueprint, path_id, setting
from app.context import request_context
from app.oidc import grants, service
from app.oidc.schemas import (
    OidcAuthorizeQuerySchema,
    OidcCallbackQuerySchema,
    OidcExchangeSchema,
    OidcIdentitySchema,
    OidcLinkSchema,
    OidcLinkStartSchema,
    OidcProviderSchema,
)
from app.responses import envelope

blp = Blueprint("oidc", __name__, description="Sign-in with OpenID Connect providers and linked identities.")

# OIDC_RATE_LIMIT, per client IP and route.
PROVIDERS_LIMIT = AUTHORIZE_LIMIT = CALLBACK_LIMIT = EXCHANGE_LIMIT = setting("OIDC_RATE_LIMIT")
COOKIE_PATH = "/api/v1/auth/oidc"


def _browser_binding() -> str | None:
    value = request.cookies.get(service.BROWSER_COOKIE)
    return value if value and 20 <= len(value) <= 128 else None


@blp.route("/auth/oidc/providers", methods=["GET"])
@blp.rate_limited(PROVIDERS_LIMIT)
@blp.response(200, envelope(OidcProviderSchema, many=True))
def list_oidc_providers():
    """The identity providers you can sign in with (OIDC_PROVIDERS)."""
    return {"data": service.list_providers()}


@blp.route("/auth/oidc/<provider>/authorize", methods=["GET"], operation_id="authorizeOidc")
@blp.rate_limited(AUTHORIZE_LIMIT)
@blp.arguments(OidcAuthorizeQuerySchema, location="query")
@blp.response(
    302,
    description="To the provider (or back to `redirect_uri` with `error=` if it cannot be reached).",
    headers={"Location": {"description": "Where the browser goes next.", "schema": {"type": "string"}}},
)
@blp.errors(400, 404)
def authorize_oidc(query, provider):
    """Start signing in with a provider: a browser navigation, answered with a redirect.

    Open it in the browser (not with fetch): it sets a cookie binding the
    round trip to this browser, then sends it to the provider with `state`,
    `nonce` and PKCE (S256). The browser comes back to `redirect_uri` with
    `gatehouse_code=…` (POST it to /auth/oidc/exchange) or `error=<CODE>`.
    400 REQUEST_VALIDATION_FAILED_004 when `redirect_uri` is not on
    OIDC_REDIRECT_ALLOWLIST; 400 AUTH_OIDC_STATE_INVALID_058 for a used or
    expired link ticket; 404 for an unknown provider.
    """
    binding = _browser_binding() or service.new_browser_binding()
    location = service.start_authorization(
        provider,
        redirect_uri=query.get("redirect_uri"),
        link_ticket=query.get("link"),
        binding=binding,
        callback_url=url_for("oidc.oidc_callback", provider=provider, _external=True),
        ctx=request_context(),
    )
    response = redirect(location, code=302)
    response.set_cookie(
        service.BROWSER_COOKIE,
        binding,
        max_age=int(grants.STATE_TTL.total_seconds()),
        path=COOKIE_PATH,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


@blp.route("/auth/oidc/<provider>/callback", methods=["GET"])
@blp.rate_limited(CALLBACK_LIMIT)
@blp.arguments(OidcCallbackQuerySchema, location="query")
@blp.response(
    302,
    description="Back to `redirect_uri` with `gatehouse_code=…`, `linked=<provider>` or `error=<CODE>`.",
    headers={"Location": {"description": "Where the browser goes next.", "schema": {"type": "string"}}},
)
@blp.errors(400)
def oidc_callback(query, provider):
    """Where the provider sends the browser back (register this URL at the provider).

    400 AUTH_OIDC_STATE_INVALID_058 when `state` is unknown, used, expired or
    was started in another browser; every other failure goes back to
    `redirect_uri` with `error=<CODE>` (AUTH_OIDC_PROVIDER_FAILED_059,
    AUTH_OIDC_LINK_REQUIRED_040, AUTH_OIDC_IDENTITY_REFUSED_060, ...).
    """
    location = service.finish(
        provider, state=query["state"], code=query.get("code"), error=query.get("error"), binding=_browser_binding(), ctx=request_context()
    )
    return redirect(location, code=302)


@blp.route("/auth/oidc/exchange", methods=["POST"])
@blp.rate_limited(EXCHANGE_LIMIT)
@blp.arguments(OidcExchangeSchema)
@blp.response(200, LoginAnswerEnvelopeSchema)
@blp.errors(401, 403)
def exchange_oidc_code(body):
    """Trade a `gatehouse_code` for the login answer (tokens and user, or the second step).

    With two-factor sign-in on, the answer is `{mfa_required, mfa_token,
    methods, expires_in}` and the client continues at /auth/login/mfa.
    The code is single use and lives 60 seconds: 401
    AUTH_OIDC_CODE_INVALID_061 otherwise. The rules of every sign-in apply
    (403 AUTH_ACCOUNT_DISABLED_021, 429 AUTH_ACCOUNT_LOCKED_022).
    """
    return {"data": service.exchange(body["code"], request_context()), "message": "Signed in."}


@blp.route("/auth/oidc/<provider>/link", methods=["POST"])
@blp.fresh_session_required
@blp.arguments(OidcLinkSchema)
@blp.response(200, envelope(OidcLinkStartSchema))
@blp.errors(400, 404)
def link_oidc_identity(body, provider):
    """Start linking a provider to your account: an `authorize_url` to open in the browser.

    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033). The browser comes
    back to `redirect_uri` with `linked=<provider>`, or with
    `error=AUTH_OIDC_IDENTITY_REFUSED_060` when that identity is linked to
    another account. A security email tells you of the new link.
    """
    ctx = request_context()
    ticket = service.start_link(ctx.user_id, ctx.session_id, provider, body["redirect_uri"], ctx)
    return {"data": {"authorize_url": url_for("oidc.authorize_oidc", provider=provider, link=ticket, _external=True)}}


@blp.route("/users/me/identities", methods=["GET"])
@blp.auth_required
@blp.response(200, envelope(OidcIdentitySchema, many=True))
def list_my_identities():
    """Your linked identity provider accounts."""
    return {"data": service.list_identities(request_context().user_id)}


@blp.route("/users/me/identities/<identity_id>", methods=["DELETE"])
@blp.fresh_session_required
@blp.response(204)
@blp.errors(404, 409)
def unlink_my_identity(identity_id):
    """Unlink an identity provider account from yours.

    Needs a fresh session (403 AUTH_REAUTH_REQUIRED_033); 409
    AUTH_LAST_SIGN_IN_METHOD_041 when it is your last way to sign in (set a
    password with forgot-password, or link another provider, first).
    """
    ctx = request_context()
    service.unlink(ctx.user_id, path_id(identity_id, errors.ROUTE_NOT_FOUND), ctx)

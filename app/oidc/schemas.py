"""Shapes of the OpenID Connect routes. Shape only: the rules live in app.oidc.service."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.fields import Timestamp

_URI = validate.Length(min=1, max=2048)


class OidcAuthorizeQuerySchema(Schema):
    redirect_uri = fields.String(
        validate=_URI,
        metadata={
            "description": "Where the browser is sent back (must be on OIDC_REDIRECT_ALLOWLIST). Required unless `link` is given.",
            "example": "http://localhost:5000/signed-in",
        },
    )
    link = fields.String(
        validate=validate.Length(min=1, max=512),
        metadata={"description": "A link ticket from POST /auth/oidc/{provider}/link (its `authorize_url` carries it)."},
    )


class OidcCallbackQuerySchema(Schema):
    """What the provider sends the browser back with (RFC 6749 §4.1.2)."""

    class Meta:
        unknown = "exclude"  # providers add their own parameters (session_state, iss, scope, ...)

    state = fields.String(required=True, validate=validate.Length(min=1, max=512))
    code = fields.String(validate=validate.Length(max=4096))
    error = fields.String(validate=validate.Length(max=256))


class OidcExchangeSchema(Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=512),
        metadata={"description": "The `gatehouse_code` the browser was sent back with (single use, 60 seconds)."},
    )


class OidcLinkSchema(Schema):
    redirect_uri = fields.String(
        required=True,
        validate=_URI,
        metadata={
            "description": "Where the browser is sent back (must be on OIDC_REDIRECT_ALLOWLIST).",
            "example": "http://localhost:5000/settings",
        },
    )


class OidcLinkStartSchema(Schema):
    authorize_url = fields.String(
        required=True,
        metadata={
            "description": "Open it in the browser (top-level navigation): it leads to the provider and back to "
            "`redirect_uri` with `linked=<provider>` or `error=<CODE>`. Single use, 10 minutes."
        },
    )


class OidcProviderSchema(Schema):
    name = fields.String(required=True, metadata={"example": "google"})


class OidcIdentitySchema(Schema):
    class Meta:
        ordered = True

    id = fields.UUID(required=True)
    provider = fields.String(required=True, metadata={"example": "google"})
    email = fields.String(
        required=True, allow_none=True, metadata={"description": "The address the provider gave when the identity was linked or last used."}
    )
    created_at = Timestamp(required=True)
    last_used_at = Timestamp(required=True, allow_none=True)

"""Shapes of the auth requests and responses. Shape only: the rules live in the service."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from app.fields import Email, FullName, OneOf, Password, StrictBoolean, Timestamp
from app.security.password_rules import email_problems
from app.users.schemas import UserSchema

# Opaque tokens we issue are 43-character urlsafe strings; anything far longer is junk.
_TOKEN = {"required": True, "validate": validate.Length(min=1, max=512)}


# ----------------------------------------------------------------- requests


class RegisterSchema(Schema):
    email = Email(required=True)
    password = Password(required=True)
    full_name = FullName(required=True)
    terms_accepted = StrictBoolean(
        required=True,
        error_messages={"invalid": "Must be true or false."},
        validate=validate.Equal(True, error="The terms must be accepted."),
        metadata={"description": "Must be true."},
    )

    @validates_schema
    def _password_apart_from_email(self, data, **kwargs):
        # The one password rule that needs another field (docs/security.md §10).
        if "email" in data and "password" in data:
            problems = email_problems(data["password"], data["email"])
            if problems:
                raise ValidationError({"password": problems})


class VerifyEmailSchema(Schema):
    token = fields.String(**_TOKEN, metadata={"description": "The token from the emailed link."})


class EmailOnlySchema(Schema):
    email = Email(required=True)


class LoginSchema(Schema):
    email = Email(required=True)
    # Not checked against the password rules: an old password may predate them.
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024), metadata={"example": "SecurePass123"}
    )


class RefreshSchema(Schema):
    refresh_token = fields.String(**_TOKEN)


class ResetPasswordSchema(Schema):
    token = fields.String(**_TOKEN, metadata={"description": "The token from the emailed reset link."})
    new_password = Password(required=True)


class ChangePasswordSchema(Schema):
    # Not checked against the password rules: the current password may predate them.
    current_password = fields.String(
        load_only=True,
        validate=validate.Length(min=1, max=1024),
        metadata={
            "example": "OldSecurePass1",
            "description": "Required when the account has a password. An account without one "
            "(created through an identity provider) leaves it out and needs a fresh session.",
        },
    )
    new_password = Password(required=True)


class ReauthenticateSchema(Schema):
    # Not checked against the password rules: the current password may predate them.
    password = fields.String(
        required=True, load_only=True, validate=validate.Length(min=1, max=1024), metadata={"example": "SecurePass123"}
    )
    code = fields.String(
        load_only=True,
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "With two-factor sign-in on: a current code of the authenticator app or an unused recovery code.",
            "example": "123456",
        },
    )
    credential = fields.Dict(
        load_only=True,
        metadata={
            "description": "With two-factor sign-in on, instead of `code`: a passkey's assertion (PublicKeyCredential "
            "as JSON) for a challenge from POST /auth/passkeys/login/options."
        },
    )


# ---------------------------------------------------------------- responses


class RegisteredUserSchema(Schema):
    """The body of a registration (docs/api.md §4): exactly these fields."""

    user_id = fields.UUID(attribute="id", required=True)
    email = fields.String(required=True)
    full_name = fields.String(required=True)
    is_verified = fields.Boolean(required=True)
    created_at = Timestamp(required=True)


class TokenPairSchema(Schema):
    access_token = fields.String(required=True, metadata={"description": "JWT (HS256) for `Authorization: Bearer`."})
    token_type = fields.String(required=True, metadata={"enum": ["Bearer"]})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until the access token expires."})
    refresh_token = fields.String(required=True, metadata={"description": "Single use; POST it to /refresh for a new pair."})


class LoginResultSchema(TokenPairSchema):
    user = fields.Nested(UserSchema, required=True)


class MfaChallengeSchema(Schema):
    """The answer to a right password when the account has two-factor sign-in on: no tokens yet."""

    mfa_required = fields.Boolean(required=True, metadata={"enum": [True]})
    mfa_token = fields.String(
        required=True, metadata={"description": "POST it with a code to /auth/login/mfa; single use, dies after 5 wrong codes."}
    )
    methods = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "The second factors the account can answer with: `totp`, `recovery_code`, `passkey`.",
            "example": ["totp", "recovery_code"],
        },
    )
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until `mfa_token` expires (300)."})


def _login_answer_schema(answer: dict):
    return MfaChallengeSchema if answer.get("mfa_required") else LoginResultSchema


class LoginAnswerEnvelopeSchema(Schema):
    """POST /auth/login's answer: the token pair and user, or the second step."""

    status = fields.Constant("success", required=True, metadata={"enum": ["success"]})
    message = fields.String(metadata={"description": "A human-readable summary."})
    data = OneOf(LoginResultSchema, MfaChallengeSchema, choose=_login_answer_schema, required=True)

    class Meta:
        ordered = True


class SessionSchema(Schema):
    id = fields.UUID(required=True)
    created_at = Timestamp(required=True)
    last_used_at = Timestamp(required=True, metadata={"description": "Sign-in or last refresh."})
    expires_at = Timestamp(required=True)
    ip = fields.String(required=True, allow_none=True)
    user_agent = fields.String(required=True, allow_none=True)
    aal = fields.Integer(
        required=True, metadata={"enum": [1, 2], "description": "Assurance level: 1 = password only, 2 = a second factor or a passkey."}
    )
    amr = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "How the session signed in (RFC 8176 names, e.g. `pwd`, `otp`).", "example": ["pwd", "otp"]},
    )
    current = fields.Boolean(required=True, metadata={"description": "True for the session of this request's token."})

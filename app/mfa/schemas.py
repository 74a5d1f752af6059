"""Shapes of the two-factor sign-in requests and answers. Shape only: the rules live in app.mfa.service."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

# A TOTP code is 6 digits, a recovery code 16 characters in groups; allow spaces and dashes as typed.
_CODE = {"validate": validate.Length(min=1, max=64), "load_only": True}
_CODE_HELP = "A current code of the authenticator app (6 digits) or an unused recovery code."


class MfaCodeSchema(Schema):
    code = fields.String(required=True, **_CODE, metadata={"description": _CODE_HELP, "example": "123456"})


class MfaLoginSchema(Schema):
    """`mfa_token` with exactly one proof: `code`, or a passkey's `credential`."""

    mfa_token = fields.String(
        required=True,
        load_only=True,
        validate=validate.Length(min=1, max=512),
        metadata={"description": "The `mfa_token` of the sign-in's `mfa_required` answer."},
    )
    code = fields.String(**_CODE, metadata={"description": _CODE_HELP, "example": "123456"})
    credential = fields.Dict(
        load_only=True,
        metadata={
            "description": "Instead of `code`: a passkey's assertion (PublicKeyCredential as JSON), for a challenge "
            "from POST /auth/passkeys/login/options with this `mfa_token`."
        },
    )
    # Exactly one of `code` and `credential` is wanted; the service answers 401
    # AUTH_MFA_CODE_INVALID_034 otherwise (a rule between fields, which the
    # document states here rather than in JSON Schema).


class MfaStatusSchema(Schema):
    totp_enabled = fields.Boolean(required=True, metadata={"description": "Two-factor sign-in with an authenticator app is on."})
    recovery_codes_left = fields.Integer(required=True, metadata={"description": "Unused recovery codes."})
    passkeys = fields.Integer(required=True, metadata={"description": "Passkeys registered to the account."})


class TotpSetupSchema(Schema):
    secret = fields.String(
        required=True, metadata={"description": "The base32 secret, for typing into an authenticator app; shown this once."}
    )
    otpauth_uri = fields.String(
        required=True, metadata={"description": "`otpauth://totp/...` with the issuer (MFA_ISSUER) and the account's email."}
    )
    qr_svg = fields.String(required=True, metadata={"description": "`otpauth_uri` as a QR code, an SVG document."})


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Ten single-use codes, shown this once; each works where a TOTP code does.",
            "example": ["abcd-efgh-ijkl-mnop"],
        },
    )

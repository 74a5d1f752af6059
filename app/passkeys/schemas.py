"""Shapes of the passkey requests and responses (WebAuthn's JSON forms, base64url fields).

The credential objects are what `PublicKeyCredential.toJSON()` gives in the
browser (or its equivalent built by hand). Members the service does not read
(`clientExtensionResults`, the `publicKey` a browser adds to a registration
response, ...) are dropped rather than refused: browsers add members over time.
"""

from __future__ import annotations

import re

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from app.fields import Email, Timestamp

_BASE64URL = {"pattern": r"^[A-Za-z0-9_-]*$"}


def _b64(max_length: int, required: bool = True, **kwargs) -> fields.String:
    return fields.String(
        required=required,
        validate=[validate.Length(min=1, max=max_length), validate.Regexp(r"^[A-Za-z0-9_-]+$")],
        metadata=dict(_BASE64URL, **kwargs.pop("metadata", {})),
        **kwargs,
    )


class PasskeyName(fields.String):
    """A name the user gives a passkey, 1-64 characters. Control characters
    (line breaks included: the name goes into an email) become spaces, runs
    of white space one space, and the ends are trimmed; a name left blank is
    `Passkey`. Cleaned rather than refused, so that whatever the document
    allows is accepted."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).update({"example": "YubiKey 5C"})
        kwargs["metadata"].update(minLength=1, maxLength=64)
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not 1 <= len(value) <= 64:  # as sent, before cleaning
            raise ValidationError("Length must be between 1 and 64.")
        return " ".join(_CONTROL.sub(" ", value).split()) or DEFAULT_PASSKEY_NAME


DEFAULT_PASSKEY_NAME = "Passkey"
# C0, DEL, C1, the line and paragraph separators and the bidirectional overrides and isolates.
_CONTROL = re.compile("[\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]")


class _CredentialBase(Schema):
    class Meta:
        unknown = EXCLUDE

    # WebAuthn credential ids are at most 1023 bytes (1364 base64url characters).
    id = _b64(1400)
    rawId = _b64(1400)  # noqa: N815 - WebAuthn's name
    type = fields.String(required=True, validate=validate.OneOf(["public-key"]))
    authenticatorAttachment = fields.String(
        allow_none=True,
        validate=validate.Length(max=32),  # noqa: N815
        metadata={"example": "platform"},
    )
    clientExtensionResults = fields.Dict()  # noqa: N815


class AttestationResponseSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    clientDataJSON = _b64(8192)  # noqa: N815
    attestationObject = _b64(32768)  # noqa: N815
    transports = fields.List(fields.String(validate=validate.Length(max=32)), validate=validate.Length(max=10))


class RegistrationCredentialSchema(_CredentialBase):
    """The browser's answer to navigator.credentials.create()."""

    response = fields.Nested(AttestationResponseSchema, required=True)


class AssertionResponseSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    clientDataJSON = _b64(8192)  # noqa: N815
    authenticatorData = _b64(8192)  # noqa: N815
    signature = _b64(1024)
    userHandle = _b64(128, required=False, allow_none=True)  # noqa: N815


class AuthenticationCredentialSchema(_CredentialBase):
    """The browser's answer to navigator.credentials.get()."""

    response = fields.Nested(AssertionResponseSchema, required=True)


# ----------------------------------------------------------------- requests


class RegisterPasskeySchema(Schema):
    credential = fields.Nested(RegistrationCredentialSchema, required=True)
    name = PasskeyName(metadata={"description": "How the passkey is listed (default `Passkey`)."})


class RenamePasskeySchema(Schema):
    name = PasskeyName(required=True)


class PasskeyLoginOptionsSchema(Schema):
    email = Email(
        metadata={
            "description": "Optional: only a passkey of this address's account may answer. "
            "The answer is the same whether or not an account uses it."
        }
    )
    mfa_token = fields.String(
        load_only=True,
        validate=validate.Length(min=1, max=512),
        metadata={
            "description": "For the second step of a sign-in (POST /auth/login/mfa with `credential`): the "
            "`mfa_token` of the `mfa_required` answer. Then `email` is not looked at and "
            "`allowCredentials` lists the account's passkeys."
        },
    )


class PasskeyLoginSchema(Schema):
    credential = fields.Nested(AuthenticationCredentialSchema, required=True)


# ---------------------------------------------------------------- responses


class PasskeySchema(Schema):
    id = fields.UUID(required=True)
    name = fields.String(required=True)
    created_at = Timestamp(required=True)
    last_used_at = Timestamp(required=True, allow_none=True, metadata={"description": "The last sign-in with it (null: never)."})


class CreationOptionsSchema(Schema):
    """PublicKeyCredentialCreationOptions in their JSON form (WebAuthn Level 3
    `PublicKeyCredential.parseCreationOptionsFromJSON()` reads it as is)."""

    rp = fields.Dict(required=True, metadata={"example": {"name": "Gatehouse", "id": "example.com"}})
    user = fields.Dict(required=True, metadata={"description": "id (base64url user handle), name, displayName."})
    challenge = fields.String(required=True, metadata=_BASE64URL)
    pubKeyCredParams = fields.List(fields.Dict(), required=True)  # noqa: N815
    timeout = fields.Integer(required=True, metadata={"description": "Milliseconds."})
    excludeCredentials = fields.List(
        fields.Dict(),
        required=True,  # noqa: N815
        metadata={"description": "The account's passkeys (type, id, transports)."},
    )
    authenticatorSelection = fields.Dict(required=True)  # noqa: N815
    attestation = fields.String(required=True)
    hints = fields.List(fields.String())


class RequestOptionsSchema(Schema):
    """PublicKeyCredentialRequestOptions in their JSON form
    (`PublicKeyCredential.parseRequestOptionsFromJSON()`)."""

    challenge = fields.String(required=True, metadata=_BASE64URL)
    timeout = fields.Integer(required=True, metadata={"description": "Milliseconds."})
    rpId = fields.String(required=True)  # noqa: N815
    allowCredentials = fields.List(
        fields.Dict(),
        required=True,
        metadata={  # noqa: N815
            "description": "Empty (the browser offers the passkeys it holds for this site), except for the "
            "second step of a sign-in: the account's passkeys."
        },
    )
    userVerification = fields.String(required=True, metadata={"enum": ["required"]})  # noqa: N815

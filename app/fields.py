"""Marshmallow fields shared by the schemas of every blueprint."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC

from marshmallow import ValidationError, fields, validate

from app.security.password_rules import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, password_problems


def normalize_email(value: str) -> str:
    """Emails are NFKC-normalised, trimmed and compared case-insensitively
    everywhere: look-alike forms of one address (fullwidth letters, U+217C
    SMALL ROMAN NUMERAL FIFTY for `l`) are that address, one account (docs/security.md §9)."""
    return unicodedata.normalize("NFKC", value).strip().lower()


class Email(fields.Email):
    """A valid email address of at most 255 characters, trimmed and lower-cased."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("example", "user@example.com")
        super().__init__(validate=validate.Length(max=255), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = normalize_email(value)
        return super()._deserialize(value, attr, data, **kwargs)


class Password(fields.String):
    """A new password: PASSWORD_MIN_LENGTH-PASSWORD_MAX_LENGTH (8-128) characters with an uppercase letter and a digit."""

    def __init__(self, **kwargs):
        kwargs.setdefault("load_only", True)
        kwargs.setdefault("metadata", {}).update(
            {
                "example": "SecurePass123",
                "minLength": PASSWORD_MIN_LENGTH,
                "maxLength": PASSWORD_MAX_LENGTH,
                "description": f"{PASSWORD_MIN_LENGTH}-{PASSWORD_MAX_LENGTH} characters with at least one uppercase "
                "letter and one digit; not one of the 30,000 commonest passwords (case ignored), "
                "nor containing the email's local part.",
                # The same rule for clients and fuzzers (A-Z and 0-9 are the documented subset of what is accepted).
                "pattern": r"^[\s\S]*([A-Z][\s\S]*[0-9]|[0-9][\s\S]*[A-Z])[\s\S]*$",
            }
        )
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        problems = password_problems(value)
        if problems:
            raise ValidationError(problems)
        return value


# Refused anywhere in a name (docs/security.md §9): control characters (C0, DEL, C1 -- newlines
# included), the line and paragraph separators and the bidirectional overrides, with
# which a name sent in an email could forge lines or reorder text around it.
_NAME_REFUSED = r"\u0000-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069"
_REFUSED_IN_NAME = re.compile(f"[{_NAME_REFUSED}]")
# Whitespace that may surround a name (trimmed away): \s without the refused characters.
_NAME_SPACE = r"[ \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]*"


class FullName(fields.String):
    """A display name, 2-255 characters once trimmed, without control characters."""

    def __init__(self, **kwargs):
        metadata = kwargs.setdefault("metadata", {})
        metadata.setdefault("example", "John Doe")
        # For the OpenAPI document: at least two characters once trimmed, none refused.
        metadata.setdefault("pattern", f"^{_NAME_SPACE}[^\\s{_NAME_REFUSED}][^{_NAME_REFUSED}]*[^\\s{_NAME_REFUSED}]{_NAME_SPACE}$")
        super().__init__(validate=validate.Length(min=2, max=255), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        # The documented maxLength holds for what is sent, not only for what is kept.
        if len(value) > 255:
            raise ValidationError("Length must be between 2 and 255.")
        if _REFUSED_IN_NAME.search(value):  # NUL included: PostgreSQL text cannot hold it
            raise ValidationError("Must not contain control characters (such as line breaks).")
        return value.strip()


class Timestamp(fields.DateTime):
    """A moment in UTC written as RFC 3339 with a `Z`, as docs/api.md's examples
    are (`2026-11-26T10:00:00.123456Z`); naive values are taken as UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class UTCMoment(fields.DateTime):
    """An ISO 8601 moment read as aware UTC (without a zone, UTC). One that has
    no UTC equivalent within years 1-9999 (`0001-01-01T00:00:00+14:00`) is
    invalid here rather than an OverflowError when the query is bound."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE) from None


class StrictBoolean(fields.Boolean):
    """JSON `true` or `false` only (marshmallow's Boolean also takes 1, "yes", "on", ...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class OneOf(fields.Field):
    """A value of one of several shapes (an answer that is either a token pair
    or a second-step challenge): `choose(value)` names the schema class it is
    dumped with. Output only; the OpenAPI document shows it as `oneOf` the
    schemas (app.openapi)."""

    def __init__(self, *schemas, choose, **kwargs):
        super().__init__(**kwargs)
        self.schemas = schemas
        self.choose = choose

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else self.choose(value)().dump(value)

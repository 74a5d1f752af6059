"""Shapes of the users blueprint: what comes in (checked here) and what goes out.

Schemas check shape only; who may do what, and uniqueness, are the service's
and the database's business.
"""

from __future__ import annotations

import json
import re

from marshmallow import Schema, ValidationError, fields, pre_dump, pre_load, validate, validates

from app.fields import Email, FullName, StrictBoolean, Timestamp
from app.pagination import CreatedRangeQuerySchema, page_schema

BIO_MAX_LENGTH = 2000
PREFERENCES_MAX_BYTES = 16 * 1024
PREFERENCES_MAX_DEPTH = 32
AVATAR_URL_MAX_LENGTH = 2048


def _no_nul(value: str) -> None:
    # PostgreSQL text and jsonb cannot hold U+0000; refusing it here keeps it a 400, not a 500.
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")


# An absolute http(s) URL: a host (no user-info, so "https://good.example@evil.example"
# cannot pass for the first host), then an optional path/query/fragment; no
# whitespace or control characters anywhere. The OpenAPI document carries the
# same pattern, so what the document calls valid is exactly what is accepted.
AVATAR_URL_PATTERN = r"[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00-\x1f\x7f/?#@\\]+(?:[/?#][^\s\x00-\x1f\x7f]*)?"


def _absolute_http_url(value: str) -> None:
    if not re.fullmatch(AVATAR_URL_PATTERN, value):
        raise ValidationError("Must be an absolute http:// or https:// URL.")


# ------------------------------------------------------------------ output


class UserSchema(Schema):
    """An account as the API shows it (never the password hash)."""

    class Meta:
        ordered = True

    id = fields.UUID(required=True)
    email = fields.String(required=True, metadata={"example": "user@example.com"})
    full_name = fields.String(required=True, metadata={"example": "John Doe"})
    is_verified = fields.Boolean(required=True)
    is_active = fields.Boolean(required=True)
    is_admin = fields.Boolean(required=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class MyAccountSchema(UserSchema):
    """The caller's account, with the ways it can sign in."""

    sign_in_methods = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "`password` when the account has one, `oidc:<provider>` for each linked identity provider "
            "(an account created through a provider has no password until it sets one with forgot-password).",
            "example": ["password", "oidc:google"],
        },
    )


class MeUpdateResultSchema(UserSchema):
    """The account after PATCH /me; `pending_email` is set while an email change awaits confirmation.

    Dumps the `AccountUpdate` that `update_account` returns.
    """

    pending_email = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "The new address a confirmation link was sent to; the account keeps "
            "`email` until that link is used. Null when no change was requested."
        },
    )

    @pre_dump
    def _unpack(self, result, **kwargs):
        user = result.user
        return {**{name: getattr(user, name) for name in UserSchema._declared_fields}, "pending_email": result.pending_email}


class ProfileSchema(Schema):
    """The caller's profile; the defaults (nulls and `{}`) until it is first written."""

    class Meta:
        ordered = True

    # Documented as accepted (PUT /me/profile): an http(s) URL, which may hold
    # non-ASCII characters, so not RFC 3986's `format: uri`.
    avatar_url = fields.String(allow_none=True, required=True, metadata={"pattern": f"^(?:{AVATAR_URL_PATTERN})?$"})
    bio = fields.String(allow_none=True, required=True)
    preferences = fields.Dict(keys=fields.String(), required=True)
    created_at = Timestamp(allow_none=True, required=True, metadata={"description": "Null until first written."})
    updated_at = Timestamp(allow_none=True, required=True, metadata={"description": "Null until first written."})


UserPageSchema = page_schema("UserPageSchema", UserSchema, pagination_name="PaginationSchema", counted="Users")


# ------------------------------------------------------------------- input


class MeUpdateSchema(Schema):
    """PATCH /me: the fields a user may change on their own account; `{}` changes nothing."""

    full_name = FullName()
    email = Email(
        metadata={
            "description": "A new address: a confirmation link is sent to it and the "
            "account keeps its current email until the link is used."
        }
    )


class UserUpdateSchema(Schema):
    """PATCH /{user_id}: full_name for the account's owner; the flags for admins only; `{}` changes nothing."""

    full_name = FullName()
    is_active = StrictBoolean(metadata={"description": "Admin only. False ends the user's sessions at once."})
    is_verified = StrictBoolean(metadata={"description": "Admin only."})
    is_admin = StrictBoolean(metadata={"description": "Admin only; an admin cannot remove their own."})


def _depth(value, limit: int, level: int = 1) -> int:
    if level > limit:
        return level
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    return max((_depth(child, limit, level + 1) for child in children), default=level)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


class ProfileUpdateSchema(Schema):
    """PUT /me/profile: the whole profile; a field left out goes back to its default."""

    avatar_url = fields.String(
        allow_none=True,
        load_default=None,
        validate=[validate.Length(max=AVATAR_URL_MAX_LENGTH), _absolute_http_url],
        metadata={
            "description": 'An absolute http:// or https:// URL; null or "" for none.',
            "example": "https://example.com/me.png",
            "pattern": f"^(?:{AVATAR_URL_PATTERN})?$",
        },
    )
    bio = fields.String(
        allow_none=True, load_default=None, validate=[validate.Length(max=BIO_MAX_LENGTH), _no_nul], metadata={"pattern": r"^[^\u0000]*$"}
    )
    preferences = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={
            "description": f"A JSON object of at most {PREFERENCES_MAX_BYTES} bytes (compact UTF-8 JSON), "
            f"nested at most {PREFERENCES_MAX_DEPTH} levels, with no NUL (U+0000) character in any key or string."
        },
    )

    @pre_load
    def _empty_avatar_is_none(self, data, **kwargs):
        if isinstance(data, dict) and data.get("avatar_url") == "":
            data = {**data, "avatar_url": None}
        return data

    @validates("preferences")
    def _check_preferences(self, value, **kwargs):
        if _depth(value, PREFERENCES_MAX_DEPTH) > PREFERENCES_MAX_DEPTH:
            raise ValidationError(f"Must be nested at most {PREFERENCES_MAX_DEPTH} levels deep.")
        size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
        if size > PREFERENCES_MAX_BYTES:
            raise ValidationError(f"Must be at most {PREFERENCES_MAX_BYTES} bytes as JSON (got {size}).")
        if any("\x00" in s for s in _strings(value)):
            raise ValidationError("Must not contain NUL characters.")


class UserListQuerySchema(CreatedRangeQuerySchema):
    """GET / (admin): page, filters and order."""

    q = fields.String(
        validate=[validate.Length(max=255), _no_nul],
        metadata={"description": "Case-insensitive substring of the email or the full name.", "pattern": r"^[^\u0000]*$"},
    )
    is_active = fields.Boolean()
    is_verified = fields.Boolean()
    sort = fields.String(
        load_default="-created_at",
        validate=validate.OneOf(["created_at", "-created_at"]),
        metadata={"description": "`created_at` (oldest first) or `-created_at` (newest first, the default)."},
    )

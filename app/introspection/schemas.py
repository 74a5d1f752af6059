"""The introspection request (RFC 7662 §2.1) and answer (§2.2)."""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields


class IntrospectionRequestSchema(Schema):
    """`token=...` form-encoded (as RFC 7662 clients send it) or JSON; other
    parameters (`token_type_hint`, `client_id`...) are ignored, as the RFC allows."""

    class Meta:
        unknown = EXCLUDE

    token = fields.String(required=True, metadata={"description": "The token to check."})
    token_type_hint = fields.String(metadata={"description": "Ignored: only access tokens can be active."})


class IntrospectionSchema(Schema):
    active = fields.Boolean(required=True)
    sub = fields.String(metadata={"description": "The user id (active tokens only)."})
    sid = fields.String(metadata={"description": "The session id."})
    exp = fields.Integer(metadata={"description": "Expiry, Unix seconds."})
    iat = fields.Integer(metadata={"description": "Issue time, Unix seconds."})
    aal = fields.Integer(metadata={"description": "The session's assurance level (2: signed in with a second factor)."})
    token_type = fields.String(metadata={"enum": ["Bearer"]})

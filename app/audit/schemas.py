"""Schemas of the audit trail's admin route: its query and one page of events."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.audit import events
from app.fields import Timestamp
from app.pagination import CreatedRangeQuerySchema


class AuditQuerySchema(CreatedRangeQuerySchema):
    """Page and filters of GET /admin/audit."""

    user_id = fields.UUID(metadata={"description": "Events of this account."})
    event_type = fields.String(
        # One of the known types (documented as an enum): arbitrary text, NUL included, was a 500.
        validate=validate.OneOf(events.EVENT_TYPES),
        metadata={"description": "One event type: " + ", ".join(f"`{t}`" for t in events.EVENT_TYPES) + "."},
    )


class AuditEventSchema(Schema):
    class Meta:
        ordered = True

    id = fields.UUID(required=True)
    user_id = fields.UUID(required=True, allow_none=True, metadata={"description": "Null when no account is known."})
    event_type = fields.String(required=True, metadata={"example": events.LOGIN_FAILED})
    outcome = fields.String(required=True, metadata={"example": "failure"})
    ip = fields.String(required=True, allow_none=True)
    user_agent = fields.String(required=True, allow_none=True)
    details = fields.Dict(keys=fields.String(), required=True)
    created_at = Timestamp(required=True)


class AuditPaginationSchema(Schema):
    class Meta:
        ordered = True

    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Events matching the filters."})
    total_pages = fields.Integer(required=True)


class AuditPageSchema(Schema):
    """One page of the audit trail; the same `pagination` is in the X-Pagination header."""

    class Meta:
        ordered = True

    status = fields.Constant("success", required=True, metadata={"enum": ["success"]})
    data = fields.List(fields.Nested(AuditEventSchema), required=True)
    pagination = fields.Nested(AuditPaginationSchema, required=True)
    message = fields.String()

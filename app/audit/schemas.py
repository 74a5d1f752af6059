"""Schemas of the audit trail's admin route: its query and one page of events."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.audit import events
from app.fields import Timestamp
from app.pagination import CreatedRangeQuerySchema, page_schema


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


AuditPageSchema = page_schema("AuditPageSchema", AuditEventSchema, pagination_name="AuditPaginationSchema", counted="Events")

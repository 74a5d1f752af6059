"""GET /api/v1/admin/audit: the audit trail of security events, for admins."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from app import audit
from app.blueprint import Blueprint
from app.fields import Timestamp
from app.pagination import PAGINATION_HEADER, CreatedRangeQuerySchema, paged_response

blp = Blueprint("audit", __name__, description="The audit trail of security events (admin).")


class AuditQuerySchema(CreatedRangeQuerySchema):
    """Page and filters of GET /admin/audit."""

    user_id = fields.UUID(metadata={"description": "Events of this account."})
    event_type = fields.String(
        # One of the known types (documented as an enum): arbitrary text, NUL included, was a 500.
        validate=validate.OneOf(audit.EVENT_TYPES),
        metadata={"description": "One event type: " + ", ".join(f"`{t}`" for t in audit.EVENT_TYPES) + "."},
    )


class AuditEventSchema(Schema):
    class Meta:
        ordered = True

    id = fields.UUID(required=True)
    user_id = fields.UUID(required=True, allow_none=True, metadata={"description": "Null when no account is known."})
    event_type = fields.String(required=True, metadata={"example": audit.LOGIN_FAILED})
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


@blp.route("/audit", methods=["GET"])
@blp.admin_required
@blp.arguments(AuditQuerySchema, location="query", unknown=RAISE, as_kwargs=True)
@blp.response(200, AuditPageSchema, headers=PAGINATION_HEADER)
def list_audit_events(**query):
    """Security events, newest first (admin): paged, filtered by account, type and time."""
    return paged_response(*audit.list_events(**query))

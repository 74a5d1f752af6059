"""GET /api/v1/admin/audit: the audit trail of security events, for admins."""

from __future__ import annotations

from marshmallow import RAISE

from app.audit import service
from app.audit.schemas import AuditPageSchema, AuditQuerySchema
from app.blueprint import Blueprint
from app.pagination import PAGINATION_HEADER, paged_response

blp = Blueprint("audit", __name__, description="The audit trail of security events (admin).")


@blp.route("/audit", methods=["GET"])
@blp.admin_required
@blp.arguments(AuditQuerySchema, location="query", unknown=RAISE, as_kwargs=True)
@blp.response(200, AuditPageSchema, headers=PAGINATION_HEADER)
def list_audit_events(**query):
    """Security events, newest first (admin): paged, filtered by account, type and time."""
    return paged_response(*service.list_events(**query))

"""Feature flag routes: the caller's flags, and the admin view and switches
(which maintenance mode lets through, so that it can be switched off)."""

from __future__ import annotations

from app.blueprint import Blueprint
from app.context import request_context
from app.flags import service
from app.flags.schemas import CallerFlagsSchema, FlagSchema, FlagUnsetQuerySchema, FlagUpdateSchema
from app.responses import envelope

blp = Blueprint("flags", __name__, description="Feature flags and maintenance mode.")


@blp.route("/flags", operation_id="getMyFlags")
@blp.auth_required
@blp.response(200, envelope(CallerFlagsSchema, name="CallerFlags"))
def my_flags():
    """The feature flags as they apply to the caller."""
    return {"data": {"flags": service.flags_for(request_context().user_id)}}


@blp.route("/admin/flags")
@blp.admin_required
@blp.response(200, envelope(FlagSchema, many=True))
@blp.errors(503)
def list_flags():
    """Every known flag with its global value, default and per-user overrides (admin)."""
    return {"data": service.all_flag_states()}


@blp.route("/admin/flags/<string:name>")
@blp.admin_required
@blp.response(200, envelope(FlagSchema))
@blp.errors(404, 503)
def get_flag(name):
    """One flag: global value, default, where the value comes from, per-user overrides (admin)."""
    return {"data": service.flag_state(name)}


@blp.route("/admin/flags/<string:name>", methods=["PUT"], operation_id="setFlag")
@blp.admin_required
@blp.arguments(FlagUpdateSchema)
@blp.response(200, envelope(FlagSchema))
@blp.errors(404, 503)  # 404: no such flag, or no such user
def put_flag(body, name):
    """Turn a flag on or off for everyone, or for one user with `user_id` (admin).

    `maintenance_mode` on answers 503 with Retry-After on every route except
    /health, /ready, /metrics, the API docs and these admin flag routes, in
    every worker within a second.
    """
    return {"data": service.set_flag(name, body["enabled"], body.get("user_id"), request_context()), "message": "Flag updated."}


@blp.route("/admin/flags/<string:name>", methods=["DELETE"])
@blp.admin_required
@blp.arguments(FlagUnsetQuerySchema, location="query")
@blp.response(200, envelope(FlagSchema))
@blp.errors(404, 503)
def unset_flag(query, name):
    """Return a flag to its configured default, or remove one user's override (admin)."""
    return {"data": service.unset_flag(name, query.get("user_id"), request_context()), "message": "Flag reset."}
